import XCTest
@testable import Server

/// The response framing a webhook POST reads back, on bytes alone: whole, and one byte at a time.
final class HTTPResponseReaderTests: XCTestCase {
    private typealias Progress = HTTPResponseReader.Progress

    /// Feeds `text` whole and byte by byte; both must agree. `eof` then ends the connection.
    private func read(_ text: String, eof: Bool = false, file: StaticString = #filePath, line: UInt = #line)
        throws(HTTPResponseFailure) -> Progress {
        let bytes = Array(text.utf8)
        func run(chunks: [[UInt8]]) throws(HTTPResponseFailure) -> Progress {
            var reader = HTTPResponseReader(maxHeadBytes: 256)
            var last = Progress.needMore
            for chunk in chunks {
                last = try chunk.withUnsafeBytes { p in Result { () throws(HTTPResponseFailure) in try reader.feed(p) } }.get()
                if last != .needMore { return last }
            }
            return eof ? try reader.finish() : last
        }
        let whole = try run(chunks: [bytes])
        let byByte = try run(chunks: bytes.map { [$0] })
        XCTAssertEqual(whole, byByte, "whole and byte by byte differ", file: file, line: line)
        return whole
    }

    private func failure(_ text: String, eof: Bool = false) -> HTTPResponseFailure? {
        do {
            _ = try read(text, eof: eof)
            return nil
        } catch {
            return error
        }
    }

    func testContentLength() throws {
        XCTAssertEqual(try read("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), .complete(status: 200, keepAlive: true))
        XCTAssertEqual(try read("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nok"), .needMore)
        XCTAssertEqual(try read("HTTP/1.1 201 Created\r\ncontent-length: 0\r\n\r\n"), .complete(status: 201, keepAlive: true))
        XCTAssertEqual(try read("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbad"),
                       .complete(status: 500, keepAlive: false))
        XCTAssertEqual(try read("HTTP/1.1 200 OK\nContent-Length: 2\n\nok"), .complete(status: 200, keepAlive: true),
                       "bare LF line ends")
        XCTAssertEqual(try read("HTTP/1.1 200\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok"),
                       .complete(status: 200, keepAlive: true), "no reason phrase; a repeated equal length")
    }

    func testChunked() throws {
        let body = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1A \t;x\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n"
        XCTAssertEqual(try read(body), .needMore, "the last chunk's trailer section is not over")
        XCTAssertEqual(try read(body + "\r\n"), .complete(status: 200, keepAlive: true))
        XCTAssertEqual(try read(body + "X-Trailer: 1\r\n\r\n"), .complete(status: 200, keepAlive: true))
        XCTAssertEqual(try read("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 99\r\n\r\n0\r\n\r\n"),
                       .complete(status: 200, keepAlive: true), "chunked wins over a length")
    }

    func testCloseDelimitedAndHTTP10() throws {
        XCTAssertEqual(try read("HTTP/1.1 200 OK\r\n\r\nanything at all"), .needMore)
        XCTAssertEqual(try read("HTTP/1.1 200 OK\r\n\r\nanything at all", eof: true), .complete(status: 200, keepAlive: false))
        XCTAssertEqual(try read("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"), .complete(status: 200, keepAlive: false))
        XCTAssertEqual(try read("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"),
                       .complete(status: 200, keepAlive: true))
        XCTAssertEqual(try read("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxx", eof: true),
                       .complete(status: 200, keepAlive: false), "a coding other than chunked runs to the close")
        XCTAssertEqual(try read("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 2\r\n\r\nxx"), .needMore,
                       "a Content-Length after a coding other than chunked does not frame the body")
    }

    /// HTTP1's rule, as requests are read: `close` wins wherever it stands.
    func testConnectionCloseWins() throws {
        for head in ["Connection: close, keep-alive", "Connection: keep-alive, close", "Connection: keep-alive\r\nConnection: Close"] {
            XCTAssertEqual(try read("HTTP/1.1 200 OK\r\n\(head)\r\nContent-Length: 0\r\n\r\n"), .complete(status: 200, keepAlive: false), head)
        }
        XCTAssertEqual(try read("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n"), .complete(status: 200, keepAlive: true))
        XCTAssertEqual(try read("HTTP/1.1 200 OK\r\nConnection: upgrade\r\nContent-Length: 0\r\n\r\n"), .complete(status: 200, keepAlive: true))
    }

    func testInterimAndBodilessStatuses() throws {
        XCTAssertEqual(try read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"),
                       .complete(status: 202, keepAlive: true))
        XCTAssertEqual(try read("HTTP/1.1 204 No Content\r\n\r\n"), .complete(status: 204, keepAlive: true))
        XCTAssertEqual(try read("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n"), .complete(status: 304, keepAlive: true))
    }

    func testRefusals() {
        XCTAssertEqual(failure("HTTP/2 200 OK\r\n\r\n"), .malformedStatusLine)
        XCTAssertEqual(failure("HTTP/1.1 20 OK\r\n\r\n"), .malformedStatusLine)
        XCTAssertEqual(failure("HTTP/1.1 2000 OK\r\n\r\n"), .malformedStatusLine)
        XCTAssertEqual(failure("hello\r\n"), .malformedStatusLine)
        XCTAssertEqual(failure("HTTP/1.1 200 OK\r\nno colon\r\n\r\n"), .malformedHeader)
        XCTAssertEqual(failure("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n"), .malformedHeader)
        XCTAssertEqual(failure("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"), .invalidContentLength)
        XCTAssertEqual(failure("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"), .invalidContentLength)
        XCTAssertEqual(failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), .malformedChunk)
        XCTAssertEqual(failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n"), .malformedChunk)
        XCTAssertEqual(failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 junk\r\n"), .malformedChunk)
        XCTAssertEqual(failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + String(repeating: "1", count: 16) + "\r\n"), .malformedChunk)
        XCTAssertEqual(failure("HTTP/1.1 200 OK\r\nX: " + String(repeating: "a", count: 300)), .headTooLarge)
        XCTAssertEqual(failure("HTTP/1.1 200 OK\r\n" + String(repeating: "X: 1\r\n", count: 60) + "\r\n"), .headTooLarge)
        XCTAssertEqual(failure("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nok", eof: true), .truncated)
        XCTAssertEqual(failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhe", eof: true), .truncated)
    }
}

/// Which webhook URLs are accepted, and what a POST takes from them.
final class WebhookURLTests: XCTestCase {
    private func problem(_ text: String) -> WebhookURLProblem? { webhookURLProblem(text) }

    func testAcceptedURLs() throws {
        let plain = try WebhookURL("http://receiver.test/hook?x=1#frag")
        XCTAssertEqual([plain.host, plain.target, plain.hostHeader], ["receiver.test", "/hook?x=1", "receiver.test"])
        XCTAssertEqual(plain.port, 80)
        let v4 = try WebhookURL("HTTP://127.0.0.1:8080")
        XCTAssertEqual([v4.host, v4.target, v4.hostHeader], ["127.0.0.1", "/", "127.0.0.1:8080"])
        XCTAssertEqual(v4.port, 8080)
        let v6 = try WebhookURL("http://[::1]:9000/events")
        XCTAssertEqual([v6.host, v6.target, v6.hostHeader], ["::1", "/events", "[::1]:9000"])
        XCTAssertEqual(try WebhookURL("http://h?q").target, "/?q")
    }

    func testRefusedURLs() {
        XCTAssertEqual(problem("https://receiver.test/hook"), .httpsNotSupported)
        XCTAssertEqual(problem("ftp://receiver.test/"), .unsupportedScheme)
        XCTAssertEqual(problem("receiver.test/hook"), .unsupportedScheme)
        XCTAssertEqual(problem("http://user:pw@receiver.test/"), .userInfoNotSupported)
        XCTAssertEqual(problem("http:///hook"), .missingHost)
        XCTAssertEqual(problem("http://:80/hook"), .missingHost)
        XCTAssertEqual(problem("http://[::1/hook"), .invalidHost)
        XCTAssertEqual(problem("http://[nothex]/"), .invalidHost)
        XCTAssertEqual(problem("http://bad_host!/"), .invalidHost)
        XCTAssertEqual(problem("http://h:0/"), .invalidPort)
        XCTAssertEqual(problem("http://h:65536/"), .invalidPort)
        XCTAssertEqual(problem("http://h:8x/"), .invalidPort)
        XCTAssertEqual(problem("http://h:/"), .invalidPort)
        XCTAssertEqual(problem("http://h/a b"), .invalidCharacter)
        XCTAssertEqual(problem("http://h/\u{e9}"), .invalidCharacter)
    }
}
