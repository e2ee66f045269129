// Over 400 lines on purpose: the delivery tests share one in-test receiver and its helpers, and
// each scenario (down then up, failing, slow, full queue, replaced, shut down) is a few lines on top.
import Timekeeping
import Foundation
import XCTest
@testable import Server

/// A tiny HTTP receiver on 127.0.0.1: blocking sockets, a thread per connection, keep-alive, and
/// an answer chosen per request (its status, a delay, whether to close, the body's framing).
final class TestReceiver: @unchecked Sendable {
    struct Reply: Sendable {
        var status = 200
        var delayMilliseconds = 0
        var close = false
        var chunked = false
        /// Close the connection after the response without saying so (an idle timeout's close).
        var closeSilently = false
    }

    let port: Int
    private let listenFD: Int32
    private let reply: @Sendable (Int) -> Reply
    private let lock = NSLock()
    private var received: [String] = []
    private var accepted: [String] = []
    private var connectionCount = 0
    private var openFDs: Set<Int32> = []
    private var stopped = false

    /// `reply` gets each request's number (0, 1, ... across connections).
    init(port: Int = 0, reply: @escaping @Sendable (Int) -> Reply = { _ in Reply() }) throws {
        self.reply = reply
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            bind(fd, UnsafeRawPointer($0).assumingMemoryBound(to: sockaddr.self), socklen_t(MemoryLayout<sockaddr_in>.size))
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let e = errno
            close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: e) ?? .EINVAL)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            getsockname(fd, UnsafeMutableRawPointer($0).assumingMemoryBound(to: sockaddr.self), &length)
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        listenFD = fd
        Thread { [self] in acceptLoop() }.start()
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }
    /// Every request body, in arrival order (retries included).
    var receivedBodies: [String] { lock.withLock { received } }
    /// The bodies answered with a 2xx, in order.
    var acceptedBodies: [String] { lock.withLock { accepted } }
    var connections: Int { lock.withLock { connectionCount } }

    /// Stops listening and closes every connection; the port is free afterwards.
    func stop() {
        let fds = lock.withLock { () -> Set<Int32> in
            stopped = true
            return openFDs
        }
        shutdown(listenFD, Int32(SHUT_RDWR))
        for fd in fds { shutdown(fd, Int32(SHUT_RDWR)) }
        close(listenFD)
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listenFD, nil, nil)
            guard fd >= 0 else { return }
            let keep = lock.withLock { () -> Bool in
                guard !stopped else { return false }
                connectionCount += 1
                openFDs.insert(fd)
                return true
            }
            guard keep else {
                close(fd)
                return
            }
            Thread { [self] in serve(fd) }.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer {
            lock.withLock { _ = openFDs.remove(fd) }
            close(fd)
        }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        let separator = Array("\r\n\r\n".utf8)
        while true {
            // The head, then Content-Length bytes of body.
            var headEnd: Int?
            var needed = Int.max
            while true {
                if headEnd == nil, let r = find(separator, in: buffer) {
                    headEnd = r
                    let head = String(decoding: buffer[..<r], as: UTF8.self).lowercased()
                    let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                        .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                    needed = r + 4 + length
                }
                if buffer.count >= needed { break }
                let n = recv(fd, &chunk, chunk.count, 0)
                guard n > 0 else { return }
                buffer.append(contentsOf: chunk[0..<n])
            }
            let body = String(decoding: buffer[(headEnd! + 4)..<needed], as: UTF8.self)
            buffer.removeFirst(needed)
            let index = lock.withLock { () -> Int in
                received.append(body)
                return received.count - 1
            }
            let answer = reply(index)
            if answer.delayMilliseconds > 0 { usleep(UInt32(answer.delayMilliseconds) * 1000) }
            if (200...299).contains(answer.status) { lock.withLock { accepted.append(body) } }
            var response = "HTTP/1.1 \(answer.status) Whatever\r\n"
            if answer.close { response += "Connection: close\r\n" }
            response += answer.chunked ? "Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n" : "Content-Length: 2\r\n\r\nok"
            let bytes = Array(response.utf8)
            guard send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count, !answer.close, !answer.closeSilently else { return }
        }
    }

    private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }
}

final class WebhookDeliveryTests: XCTestCase {
    /// Short waits so a test of retries takes milliseconds.
    private let fast = WebhookDeliveryOptions(initialBackoffMilliseconds: 5, maxBackoffMilliseconds: 40,
                                              connectTimeoutMilliseconds: 1_000, responseTimeoutMilliseconds: 3_000)

    private func events(_ range: Range<Int>) -> [String] {
        range.map { #"{"id":"event-\#($0)","detail-type":"Amazon Connect Contact Event"}"# }
    }

    private func enqueue(_ dispatcher: WebhookDispatcher, _ bodies: [String]) {
        for b in bodies { dispatcher.enqueue(eventJSON: Array(b.utf8)) }
    }

    private func eventually(_ seconds: Double = 5, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(2_000)
        }
        return condition()
    }

    /// A port nothing listens on (bound, then closed again).
    private func closedPort() throws -> Int {
        let r = try TestReceiver()
        r.stop()
        return r.port
    }

    func testEventsArriveInOrderOverOneKeptAliveConnection() throws {
        let receiver = try TestReceiver()
        defer { receiver.stop() }
        let dispatcher = WebhookDispatcher(options: fast)
        defer { dispatcher.shutdown() }
        try dispatcher.setReceivers([receiver.url])
        let sent = events(0..<200)
        enqueue(dispatcher, sent)
        XCTAssertTrue(dispatcher.drain(timeoutMilliseconds: 5_000))
        XCTAssertEqual(receiver.acceptedBodies, sent)
        XCTAssertEqual(receiver.connections, 1, "the receiver kept the connection open, so it was reused")
        XCTAssertEqual(dispatcher.snapshot(), [WebhookReceiverStatus(url: receiver.url, delivered: 200, failedAttempts: 0,
                                                                     pending: 0, dropped: 0, lastError: nil)])
    }

    func testAReceiverThatClosesAndAnswersChunkedGetsEveryEventOnNewConnections() throws {
        let receiver = try TestReceiver { n in .init(close: n % 2 == 0, chunked: n % 3 == 0) }
        defer { receiver.stop() }
        let dispatcher = WebhookDispatcher(options: fast)
        defer { dispatcher.shutdown() }
        try dispatcher.setReceivers([receiver.url])
        let sent = events(0..<20)
        enqueue(dispatcher, sent)
        XCTAssertTrue(dispatcher.drain(timeoutMilliseconds: 5_000))
        XCTAssertEqual(receiver.acceptedBodies, sent)
        XCTAssertEqual(receiver.connections, 11, "a new connection after each Connection: close (requests 0, 2, ..., 18)")
        XCTAssertEqual(dispatcher.snapshot().first?.failedAttempts, 0, "a closed kept-alive connection is not a failure")
    }

    func testAKeptAliveConnectionTheReceiverClosedIsReopenedWithoutAFailure() throws {
        let receiver = try TestReceiver { _ in .init(closeSilently: true) }
        defer { receiver.stop() }
        let dispatcher = WebhookDispatcher(options: fast)
        defer { dispatcher.shutdown() }
        try dispatcher.setReceivers([receiver.url])
        let sent = events(0..<10)
        for b in sent {
            enqueue(dispatcher, [b])
            // Let the receiver's close arrive first, as an idle timeout's would.
            XCTAssertTrue(dispatcher.drain(timeoutMilliseconds: 5_000))
            usleep(5_000)
        }
        XCTAssertEqual(receiver.receivedBodies, sent)
        XCTAssertEqual(receiver.connections, 10)
        XCTAssertEqual(dispatcher.snapshot().first?.failedAttempts, 0)

        // Back to back, the next request can cross the receiver's close (a reset, or a FIN read
        // before any answer): still reopened, still no failure.
        let more = events(10..<60)
        enqueue(dispatcher, more)
        XCTAssertTrue(dispatcher.drain(timeoutMilliseconds: 5_000))
        XCTAssertEqual(receiver.receivedBodies, sent + more)
        XCTAssertEqual(dispatcher.snapshot().first?.failedAttempts, 0)
    }

    func testAReceiverDownForAWhileGetsEveryEventInOrderOnceUp() throws {
        let port = try closedPort()
        let dispatcher = WebhookDispatcher(options: fast)
        defer { dispatcher.shutdown() }
        let url = "http://127.0.0.1:\(port)/hook"
        try dispatcher.setReceivers([url])
        let sent = events(0..<50)
        enqueue(dispatcher, sent)
        XCTAssertTrue(eventually { (dispatcher.snapshot().first?.failedAttempts ?? 0) >= 5 })
        XCTAssertFalse(dispatcher.drain(timeoutMilliseconds: 50), "nothing can be delivered while the receiver is down")
        let down = try XCTUnwrap(dispatcher.snapshot().first)
        XCTAssertEqual(down.delivered, 0)
        XCTAssertEqual(down.pending, 50)
        XCTAssertEqual(down.lastError, .connectFailed(errno: ECONNREFUSED))

        let receiver = try TestReceiver(port: port)
        defer { receiver.stop() }
        XCTAssertTrue(dispatcher.drain(timeoutMilliseconds: 5_000))
        XCTAssertEqual(receiver.acceptedBodies, sent, "every event, in order, none lost")
        let up = try XCTUnwrap(dispatcher.snapshot().first)
        XCTAssertEqual(up.delivered, 50)
        XCTAssertGreaterThanOrEqual(up.failedAttempts, down.failedAttempts)
        XCTAssertEqual(up.lastError, .connectFailed(errno: ECONNREFUSED), "the last error stays visible")
    }

    func testA500IsRetriedWithTheEventAtTheHead() throws {
        // Requests 0, 1 and 2 (all of the first event) get 500, then everything gets 200.
        let receiver = try TestReceiver { n in .init(status: n < 3 ? 500 : 200) }
        defer { receiver.stop() }
        let dispatcher = WebhookDispatcher(options: fast)
        defer { dispatcher.shutdown() }
        try dispatcher.setReceivers([receiver.url])
        let sent = events(0..<5)
        enqueue(dispatcher, sent)
        XCTAssertTrue(dispatcher.drain(timeoutMilliseconds: 5_000))
        XCTAssertEqual(receiver.receivedBodies, [sent[0], sent[0], sent[0]] + sent)
        XCTAssertEqual(receiver.acceptedBodies, sent)
        XCTAssertEqual(dispatcher.snapshot(), [WebhookReceiverStatus(url: receiver.url, delivered: 5, failedAttempts: 3,
                                                                     pending: 0, dropped: 0, lastError: .status(500))])
    }

    func testBackoffDoublesToItsCap() throws {
        let port = try closedPort()
        let dispatcher = WebhookDispatcher(options: WebhookDeliveryOptions(initialBackoffMilliseconds: 20, maxBackoffMilliseconds: 80))
        defer { dispatcher.shutdown() }
        try dispatcher.setReceivers(["http://127.0.0.1:\(port)/"])
        enqueue(dispatcher, events(0..<1))
        // Capped, attempts come at about 0, 20, 60, 140, 220, ... 700 ms: eleven by 720 ms. Without
        // the cap they come at 0, 20, 60, 140, 300, 620: six; without doubling, thirty-six.
        usleep(720_000)
        let attempts = try XCTUnwrap(dispatcher.snapshot().first).failedAttempts
        XCTAssertGreaterThanOrEqual(attempts, 8)
        XCTAssertLessThanOrEqual(attempts, 12)
    }

    func testAResponseTimeoutIsAFailedAttemptAndTheEventIsSentAgain() throws {
        let receiver = try TestReceiver { n in .init(delayMilliseconds: n == 0 ? 400 : 0) }
        defer { receiver.stop() }
        let dispatcher = WebhookDispatcher(options: WebhookDeliveryOptions(initialBackoffMilliseconds: 5, responseTimeoutMilliseconds: 100))
        defer { dispatcher.shutdown() }
        try dispatcher.setReceivers([receiver.url])
        let sent = events(0..<3)
        enqueue(dispatcher, sent)
        XCTAssertTrue(dispatcher.drain(timeoutMilliseconds: 5_000))
        let status = try XCTUnwrap(dispatcher.snapshot().first)
        XCTAssertEqual(status.lastError, .responseTimedOut)
        XCTAssertEqual(status.failedAttempts, 1)
        XCTAssertEqual(receiver.receivedBodies, [sent[0]] + sent, "at least once: the receiver saw the first event twice")
    }

    func testASlowReceiverBlocksNeitherEnqueueNorAnotherReceiver() throws {
        let slow = try TestReceiver { _ in .init(delayMilliseconds: 1_000) }
        defer { slow.stop() }
        let quick = try TestReceiver()
        defer { quick.stop() }
        let dispatcher = WebhookDispatcher(options: fast)
        try dispatcher.setReceivers([slow.url, quick.url])
        let sent = events(0..<100)
        var took: [UInt64] = []
        let started = MonotonicClock.nanoseconds()
        for b in sent {
            let bytes = Array(b.utf8)
            let t = MonotonicClock.nanoseconds()
            dispatcher.enqueue(eventJSON: bytes)
            took.append(MonotonicClock.nanoseconds() - t)
            usleep(100)
        }
        let total = MonotonicClock.nanoseconds() - started
        took.sort()
        let slowest = took.last!
        print("enqueue of 100 events with a receiver answering in 1 s: median \(took[50] / 1_000) µs, slowest \(slowest / 1_000) µs")
        XCTAssertLessThan(slowest, 20_000_000, "an enqueue never waits for a receiver")
        XCTAssertLessThan(total, 500_000_000)
        XCTAssertTrue(eventually(3) { quick.acceptedBodies.count == 100 }, "the quick receiver is not held up by the slow one")
        XCTAssertEqual(quick.acceptedBodies, sent)
        let statuses = dispatcher.snapshot()
        XCTAssertLessThanOrEqual(statuses[0].delivered, 2)
        XCTAssertGreaterThanOrEqual(statuses[0].pending, 98)
        XCTAssertEqual(statuses[1].delivered, 100)

        // Shutdown abandons the slow receiver's attempt in flight rather than waiting for it.
        let t = MonotonicClock.nanoseconds()
        dispatcher.shutdown()
        XCTAssertLessThan(MonotonicClock.nanoseconds() - t, 500_000_000)
    }

    func testAFullQueueDropsTheOldestWaitingEvent() throws {
        let port = try closedPort()
        let dispatcher = WebhookDispatcher(options: WebhookDeliveryOptions(queueLimit: 3, initialBackoffMilliseconds: 5,
                                                                           maxBackoffMilliseconds: 20))
        defer { dispatcher.shutdown() }
        let url = "http://127.0.0.1:\(port)/hook"
        try dispatcher.setReceivers([url])
        let sent = events(0..<10)
        enqueue(dispatcher, Array(sent[0..<1]))
        // The first event is the one being retried: it is not dropped.
        XCTAssertTrue(eventually { (dispatcher.snapshot().first?.failedAttempts ?? 0) >= 1 })
        enqueue(dispatcher, Array(sent[1...]))
        let full = try XCTUnwrap(dispatcher.snapshot().first)
        XCTAssertEqual(full.pending, 4)
        XCTAssertEqual(full.dropped, 6)

        let receiver = try TestReceiver(port: port)
        defer { receiver.stop() }
        XCTAssertTrue(dispatcher.drain(timeoutMilliseconds: 5_000))
        XCTAssertEqual(receiver.acceptedBodies, [sent[0], sent[7], sent[8], sent[9]])
    }

    func testSetReceiversReplacesTheSetAndKeepsTheStateOfURLsStillPresent() throws {
        let a = try TestReceiver(), b = try TestReceiver(), c = try TestReceiver()
        defer { [a, b, c].forEach { $0.stop() } }
        let dispatcher = WebhookDispatcher(options: fast)
        defer { dispatcher.shutdown() }
        try dispatcher.setReceivers([a.url, b.url, a.url])
        XCTAssertEqual(dispatcher.snapshot().map(\.url), [a.url, b.url], "a URL listed twice is one receiver")
        let sent = events(0..<4)
        enqueue(dispatcher, Array(sent[0..<2]))
        XCTAssertTrue(dispatcher.drain(timeoutMilliseconds: 5_000))

        try dispatcher.setReceivers([b.url, c.url])
        enqueue(dispatcher, Array(sent[2..<4]))
        XCTAssertTrue(dispatcher.drain(timeoutMilliseconds: 5_000))
        XCTAssertEqual(a.acceptedBodies, Array(sent[0..<2]))
        XCTAssertEqual(b.acceptedBodies, sent)
        XCTAssertEqual(c.acceptedBodies, Array(sent[2..<4]))
        XCTAssertEqual(b.connections, 1, "b kept its connection across the replacement")
        XCTAssertEqual(dispatcher.snapshot().map(\.url), [b.url, c.url])
        XCTAssertEqual(dispatcher.snapshot().map(\.delivered), [4, 2])

        // A refused URL changes nothing.
        XCTAssertThrowsError(try dispatcher.setReceivers([a.url, "https://secure.test/hook"])) { error in
            XCTAssertEqual(error as? WebhookSetupError, .invalidURL(url: "https://secure.test/hook", problem: .httpsNotSupported))
        }
        XCTAssertEqual(dispatcher.snapshot().map(\.url), [b.url, c.url])

        try dispatcher.setReceivers([])
        XCTAssertEqual(dispatcher.snapshot(), [])
        dispatcher.enqueue(eventJSON: Array("{}".utf8))
        XCTAssertTrue(dispatcher.drain(timeoutMilliseconds: 0))
    }

    func testRemovingAReceiverStopsItsRetries() throws {
        let port = try closedPort()
        let dispatcher = WebhookDispatcher(options: fast)
        defer { dispatcher.shutdown() }
        try dispatcher.setReceivers(["http://127.0.0.1:\(port)/"])
        enqueue(dispatcher, events(0..<3))
        XCTAssertTrue(eventually { (dispatcher.snapshot().first?.failedAttempts ?? 0) >= 2 })
        try dispatcher.setReceivers([])
        // Were it still retrying, the receiver now listening would get the events.
        let receiver = try TestReceiver(port: port)
        defer { receiver.stop() }
        usleep(150_000)
        XCTAssertEqual(receiver.receivedBodies, [])
    }

    func testShutdownStopsEverythingPromptlyAndLaterCallsDoNothing() throws {
        let receiver = try TestReceiver()
        defer { receiver.stop() }
        // After the receiver binds: port 0 may hand out a port just closed again.
        let port = try closedPort()
        let dispatcher = WebhookDispatcher(options: WebhookDeliveryOptions(initialBackoffMilliseconds: 2_000))
        try dispatcher.setReceivers([receiver.url, "http://127.0.0.1:\(port)/"])
        enqueue(dispatcher, events(0..<3))
        XCTAssertTrue(eventually { dispatcher.snapshot().map(\.failedAttempts) == [0, 1] && receiver.acceptedBodies.count == 3 })
        let t = MonotonicClock.nanoseconds()
        dispatcher.shutdown()
        XCTAssertLessThan(MonotonicClock.nanoseconds() - t, 500_000_000, "the 2 s backoff is interrupted")
        XCTAssertEqual(dispatcher.snapshot(), [])
        dispatcher.enqueue(eventJSON: Array("{}".utf8))
        XCTAssertThrowsError(try dispatcher.setReceivers([receiver.url])) { error in
            XCTAssertEqual(error as? WebhookSetupError, .shutDown)
        }
        dispatcher.shutdown()
        usleep(20_000)
        XCTAssertEqual(receiver.receivedBodies.count, 3)
    }

    func testAHostNameIsResolved() throws {
        let receiver = try TestReceiver()
        defer { receiver.stop() }
        let dispatcher = WebhookDispatcher(options: fast)
        defer { dispatcher.shutdown() }
        try dispatcher.setReceivers(["http://localhost:\(receiver.port)/hook"])
        let sent = events(0..<3)
        enqueue(dispatcher, sent)
        XCTAssertTrue(eventually { receiver.acceptedBodies == sent })
    }

    func testAnUnresolvableHostIsAFailedAttempt() throws {
        let dispatcher = WebhookDispatcher(options: fast)
        defer { dispatcher.shutdown() }
        try dispatcher.setReceivers(["http://no-such-host.invalid/hook"])
        enqueue(dispatcher, events(0..<1))
        XCTAssertTrue(eventually { dispatcher.snapshot().first?.failedAttempts ?? 0 >= 1 })
        guard case .resolveFailed = try XCTUnwrap(dispatcher.snapshot().first?.lastError) else {
            return XCTFail("expected resolveFailed, got \(String(describing: dispatcher.snapshot().first?.lastError))")
        }
    }
}
