@testable import ConnectMock
import Foundation
import Logging
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The application started the way `serve` starts it, on port 0, driven over a real socket.
final class InProcessServerTests: XCTestCase {
    static let yaml = """
        server: {host: 127.0.0.1, port: 0, idleTimeoutSeconds: 2}
        database: {path: ":memory:"}
        instances: [{id: inst-1, region: us-east-1, accountId: "123456789012"}]
        credentials: [{accessKeyId: AKIDEXAMPLE, secretAccessKey: secret}]
        seed: {fixtures: []}
        auth: {mode: "off"}
        faults: [{match: {contactId: slow}, latencyMs: 300}]
        """

    func withServer(yaml: String = InProcessServerTests.yaml, _ body: (Int) throws -> Void) throws {
        try MockHarness.live(try MockConfig.parse(yaml, file: "test"), body)
    }

    func testPipelinedRequestsAnsweredInOrder() throws {
        try withServer { port in
            let c = try RawClient(port: port)
            try c.send("GET /_mock/health HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\nGET /_mock/clock HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let text = c.readAll()
            XCTAssertEqual(RawClient.statuses(text), [200, 404, 200], text)
            XCTAssertTrue(text.contains("Connection: close"))
        }
    }

    func testDelayedResponseKeepsPipelineOrder() throws {
        try withServer { port in
            let c = try RawClient(port: port)
            let started = Date()
            try c.send("GET /contacts/inst-1/slow HTTP/1.1\r\nHost: x\r\n\r\nGET /_mock/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let text = c.readAll()
            XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.3)
            XCTAssertEqual(RawClient.statuses(text), [404, 200], "the delayed call is answered first: \(text)")
        }
    }

    func testMalformedRequestGets400AndClose() throws {
        try withServer { port in
            let c = try RawClient(port: port)
            try c.send("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n")
            let text = c.readAll()
            XCTAssertTrue(text.hasPrefix("HTTP/1.1 400 "), text)
            XCTAssertTrue(text.contains("Connection: close"))
            let again = try RawClient(port: port)
            try again.send("GET /_mock/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            XCTAssertTrue(again.readAll().hasPrefix("HTTP/1.1 200 "), "the server stays up")
        }
    }

    func testExpectContinueAndChunkedBody() throws {
        try withServer { port in
            let c = try RawClient(port: port)
            let body = #"{"now":"2022-01-01T00:00:00Z"}"#
            try c.send("PUT /_mock/clock HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: \(body.utf8.count)\r\n\r\n")
            XCTAssertTrue(c.read().hasPrefix("HTTP/1.1 100 Continue"))
            try c.send(body)
            let text = c.read()
            XCTAssertTrue(text.hasPrefix("HTTP/1.1 200 "), text)
            XCTAssertTrue(text.contains(#""mode":"frozen","now":"2022-01-01T00:00:00Z""#), text)
            try c.send("PUT /_mock/clock HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\n{\"mod\r\n12\r\ne\":\"system\"}      \r\n0\r\n\r\n")
            XCTAssertTrue(c.readAll().contains(#""mode":"system""#))
        }
    }

    /// Two loops on one port, each with its own connection to one file: a write through either
    /// is read through both, and both loops close with nothing left open.
    func testTwoWorkersShareThePortAndTheFile() throws {
        let db = NSTemporaryDirectory() + "workers-\(UUID().uuidString).sqlite"
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + s) } }
        let yaml = InProcessServerTests.yaml
            .replacingOccurrences(of: "port: 0,", with: "port: 0, workers: 2,")
            .replacingOccurrences(of: "\":memory:\"", with: "\"\(db)\"")
        try withServer(yaml: yaml) { port in
            let body = #"{"Channel":"CHAT","InitiationMethod":"API","InitiationTimestamp":"now-1m"}"#
            for k in 0..<20 {
                let c = try RawClient(port: port)
                try c.send("PUT /_mock/contacts/inst-1/w\(k) HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
                XCTAssertEqual(RawClient.statuses(c.readAll()), [201])
            }
            for k in 0..<20 {
                let c = try RawClient(port: port)
                try c.send("GET /contacts/inst-1/w\(k) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                XCTAssertEqual(RawClient.statuses(c.readAll()), [200])
            }
        }
    }

    /// A head trickled a byte at a time is closed at the idle timeout counted from its first
    /// byte, not pushed out by each new byte.
    func testSlowlySentHeadIsClosed() throws {
        try withServer { port in
            let c = try RawClient(port: port)
            let started = Date()
            for b in "GET /_mock/health HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".utf8 {
                try? c.send(String(decoding: [b], as: UTF8.self))
                Thread.sleep(forTimeInterval: 0.1)
                if Date().timeIntervalSince(started) > 3.5 { break }
            }
            let text = c.readAll()
            XCTAssertTrue(text.hasPrefix("HTTP/1.1 408 "), text)
            XCTAssertLessThan(Date().timeIntervalSince(started), 4.5)
        }
    }

    /// Each request pushes the idle deadline out, and the connection still closes once quiet:
    /// requests every half second for longer than the 2 s timeout, then silence.
    func testActivityDefersTheIdleCloseUntilQuiet() throws {
        try withServer { port in
            let c = try RawClient(port: port)
            for _ in 0..<7 {
                try c.send("GET /_mock/health HTTP/1.1\r\nHost: x\r\n\r\n")
                XCTAssertEqual(RawClient.statuses(c.read()), [200])
                Thread.sleep(forTimeInterval: 0.5)
            }
            let quiet = Date()
            XCTAssertEqual(c.readAll(), "")
            let waited = Date().timeIntervalSince(quiet)
            XCTAssertGreaterThan(waited, 1.0)
            XCTAssertLessThan(waited, 3.5)
        }
    }

    func testIdleConnectionIsClosed() throws {
        try withServer { port in
            let c = try RawClient(port: port)
            try c.send("GET /_mock/he")
            let text = c.readAll()
            XCTAssertTrue(text.hasPrefix("HTTP/1.1 408 "), "a slowly sent head is refused with 408, got \(text)")
        }
    }
}

/// A blocking TCP client for tests.
final class RawClient {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) { connect(fd, UnsafeRawPointer($0).assumingMemoryBound(to: sockaddr.self), socklen_t(MemoryLayout<sockaddr_in>.size)) }
        guard rc == 0 else { throw POSIXError(.ECONNREFUSED) }
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else {
            throw POSIXError(.EPIPE)
        }
    }

    /// What one read returns.
    func read() -> String {
        var buf = [UInt8](repeating: 0, count: 65536)
        let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return n > 0 ? String(decoding: buf[0..<n], as: UTF8.self) : ""
    }

    /// The status of every response in a stream of responses, in order.
    static func statuses(_ text: String) -> [Int] {
        var out: [Int] = []
        var rest = text[...]
        while let r = rest.range(of: "HTTP/1.1 ") {
            out.append(Int(rest[r.upperBound...].prefix(3)) ?? -1)
            rest = rest[r.upperBound...]
        }
        return out
    }

    /// Everything until the server closes (or 5 s pass).
    func readAll() -> String {
        var out = ""
        while true {
            let s = read()
            if s.isEmpty { return out }
            out += s
        }
    }
}
