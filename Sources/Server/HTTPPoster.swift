import Timekeeping
#if canImport(Glibc)
import Glibc
#endif

/// Why one POST to a webhook receiver did not succeed. A failed attempt is retried; the last
/// one is shown in `WebhookReceiverStatus.lastError`.
public enum WebhookDeliveryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// getaddrinfo could not resolve the host (its EAI_* code).
    case resolveFailed(code: Int32)
    /// connect(2) failed (its errno: ECONNREFUSED, ENETUNREACH, ...).
    case connectFailed(errno: Int32)
    case connectTimedOut
    case sendFailed(errno: Int32)
    case receiveFailed(errno: Int32)
    /// No complete response within the response timeout.
    case responseTimedOut
    /// The receiver closed the connection without answering.
    case closedBeforeResponse
    case malformedResponse(HTTPResponseFailure)
    /// The receiver answered with a status other than 2xx.
    case status(Int)
    /// Delivery stopped (shutdown, or the receiver was removed) during the attempt.
    case cancelled

    public var description: String {
        switch self {
        case .resolveFailed(let code): "resolving the host: \(String(cString: gai_strerror(code)))"
        case .connectFailed(let e): "connecting: \(String(cString: strerror(e)))"
        case .connectTimedOut: "connecting: timed out"
        case .sendFailed(let e): "sending: \(String(cString: strerror(e)))"
        case .receiveFailed(let e): "receiving: \(String(cString: strerror(e)))"
        case .responseTimedOut: "no response within the timeout"
        case .closedBeforeResponse: "the receiver closed the connection without answering"
        case .malformedResponse(let f): f.description
        case .status(let s): "the receiver answered \(s)"
        case .cancelled: "delivery stopped"
        }
    }
}

/// Blocking `POST`s to one receiver over one kept-alive connection, on the receiver's own
/// thread (never a loop thread). The socket is non-blocking and every wait is a `poll` that
/// also watches the owner's doorbell, so each wait has a deadline (the connect and response timeouts) and a
/// stop request (shutdown, the receiver removed) interrupts it at once.
final class HTTPPoster {
    struct Timeouts: Sendable {
        var connectMilliseconds: UInt64
        var responseMilliseconds: UInt64
    }

    let url: WebhookURL
    let timeouts: Timeouts
    /// Rung when the owner wants attention; `shouldStop` says whether that means stop.
    private let doorbell: Doorbell
    private let shouldStop: () -> Bool
    private var fd: Int32 = -1
    private let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 16)

    init(url: WebhookURL, timeouts: Timeouts, doorbell: Doorbell, shouldStop: @escaping () -> Bool) {
        self.url = url
        self.timeouts = timeouts
        self.doorbell = doorbell
        self.shouldStop = shouldStop
    }

    deinit {
        closeConnection()
        readBuffer.deallocate()
    }

    /// POSTs `body` as JSON and returns the receiver's status (any status: the caller judges it).
    /// A kept-alive connection the receiver has closed meanwhile is noticed when the request
    /// cannot be sent or gets no byte back, and the request is sent once more on a new one.
    func post(_ body: [UInt8]) throws(WebhookDeliveryError) -> Int {
        var request = Array("POST \(url.target) HTTP/1.1\r\nHost: \(url.hostHeader)\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: keep-alive\r\nUser-Agent: connect-mock\r\n\r\n".utf8)
        request.append(contentsOf: body)
        let reused = fd >= 0
        do {
            return try exchange(request)
        } catch .closedBeforeResponse where reused {
            return try exchange(request)
        } catch .sendFailed(let e) where reused && (e == EPIPE || e == ECONNRESET) {
            return try exchange(request)
        } catch .receiveFailed(ECONNRESET) where reused {
            return try exchange(request)
        }
    }

    private func exchange(_ request: [UInt8]) throws(WebhookDeliveryError) -> Int {
        do {
            if fd < 0 { try connect() }
            let deadline = MonotonicClock.nanoseconds() + timeouts.responseMilliseconds * 1_000_000
            try send(request, deadline: deadline)
            let (status, keepAlive) = try receive(deadline: deadline)
            if !keepAlive { closeConnection() }
            return status
        } catch {
            closeConnection()
            throw error
        }
    }

    private func connect() throws(WebhookDeliveryError) {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        // Not AI_ADDRCONFIG: glibc does not count loopback as configured, so in a container
        // without a network it would refuse "localhost".
        hints.ai_flags = AI_NUMERICSERV
        var result: UnsafeMutablePointer<addrinfo>?
        // Blocking, and not interruptible: a literal address returns at once, a name asks the resolver.
        let rc = getaddrinfo(url.host, String(url.port), &hints, &result)
        guard rc == 0, let first = result else { throw .resolveFailed(code: rc) }
        defer { freeaddrinfo(result) }
        let deadline = MonotonicClock.nanoseconds() + timeouts.connectMilliseconds * 1_000_000
        var lastError = WebhookDeliveryError.connectFailed(errno: ECONNREFUSED)
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let info = next {
            next = info.pointee.ai_next
            let s = socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue),
                           info.pointee.ai_protocol)
            guard s >= 0 else {
                lastError = .connectFailed(errno: errno)
                continue
            }
            var one: Int32 = 1
            _ = setsockopt(s, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            fd = s
            do throws(WebhookDeliveryError) {
                if Glibc.connect(s, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 {
                    let e = errno
                    guard e == EINPROGRESS || e == EINTR else { throw .connectFailed(errno: e) }
                    try wait(for: Int16(POLLOUT), deadline: deadline, timedOut: .connectTimedOut)
                    var soError: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    _ = getsockopt(s, SOL_SOCKET, SO_ERROR, &soError, &length)
                    guard soError == 0 else { throw .connectFailed(errno: soError) }
                }
                return
            } catch {
                closeConnection()
                if error == .cancelled || error == .connectTimedOut { throw error }
                lastError = error
            }
        }
        throw lastError
    }

    private func send(_ request: [UInt8], deadline: UInt64) throws(WebhookDeliveryError) {
        var sent = 0
        while sent < request.count {
            let n = request.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n >= 0 {
                sent += n
                continue
            }
            let e = errno
            if e == EINTR { continue }
            guard e == EAGAIN || e == EWOULDBLOCK else { throw .sendFailed(errno: e) }
            try wait(for: Int16(POLLOUT), deadline: deadline, timedOut: .responseTimedOut)
        }
    }

    private func receive(deadline: UInt64) throws(WebhookDeliveryError) -> (Int, Bool) {
        var reader = HTTPResponseReader()
        while true {
            let n = recv(fd, readBuffer.baseAddress, readBuffer.count, 0)
            if n > 0 {
                do {
                    if case .complete(let status, let keepAlive) = try reader.feed(UnsafeRawBufferPointer(rebasing: readBuffer[0..<n])) {
                        return (status, keepAlive)
                    }
                } catch {
                    throw .malformedResponse(error)
                }
                continue
            }
            if n == 0 {
                guard reader.receivedAny else { throw .closedBeforeResponse }
                do {
                    if case .complete(let status, _) = try reader.finish() { return (status, false) }
                } catch {
                    throw .malformedResponse(error)
                }
                throw .malformedResponse(.truncated)
            }
            let e = errno
            if e == EINTR { continue }
            guard e == EAGAIN || e == EWOULDBLOCK else { throw .receiveFailed(errno: e) }
            try wait(for: Int16(POLLIN), deadline: deadline, timedOut: .responseTimedOut)
        }
    }

    /// Waits until the socket is ready for `events`, the deadline passes (`timedOut`), or the
    /// owner asks to stop (`.cancelled`).
    private func wait(for events: Int16, deadline: UInt64, timedOut: WebhookDeliveryError) throws(WebhookDeliveryError) {
        while true {
            let now = MonotonicClock.nanoseconds()
            guard now < deadline else { throw timedOut }
            var fds = [pollfd(fd: fd, events: events, revents: 0), pollfd(fd: doorbell.readFD, events: Int16(POLLIN), revents: 0)]
            let timeout = Int32(min((deadline - now + 999_999) / 1_000_000, UInt64(Int32.max)))
            let rc = poll(&fds, 2, timeout)
            if rc < 0 {
                if errno == EINTR { continue }
                throw .receiveFailed(errno: errno)
            }
            if fds[1].revents != 0 {
                doorbell.drain()
                if shouldStop() { throw .cancelled }
            }
            // An error or hang-up shows as readiness: the next send or recv reports it.
            if fds[0].revents != 0 { return }
        }
    }

    func closeConnection() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }
}

/// A doorbell between threads: a non-blocking socket pair, readable once rung until drained.
/// (Swift's Glibc module declares neither eventfd nor pipe2.)
struct Doorbell: Sendable {
    let readFD: Int32
    let writeFD: Int32

    /// Nil when the process is out of file descriptors.
    init?() {
        var fds: [Int32] = [0, 0]
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, type, 0, &fds) == 0 else { return nil }
        readFD = fds[0]
        writeFD = fds[1]
    }

    func ring() {
        var one: UInt8 = 1
        // A full buffer already rings: EAGAIN is fine.
        _ = write(writeFD, &one, 1)
    }

    func drain() {
        var buffer: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        while read(readFD, &buffer, MemoryLayout.size(ofValue: buffer)) > 0 {}
    }

    func close() {
        _ = Glibc.close(readFD)
        _ = Glibc.close(writeFD)
    }
}
