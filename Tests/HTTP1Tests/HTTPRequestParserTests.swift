@testable import HTTP1
import XCTest

/// Every request the parser can give from what it holds, until it needs more bytes.
func drainRequests(_ p: inout HTTPRequestParser) throws(HTTPParseError) -> [HTTPRequest] {
    var out: [HTTPRequest] = []
    while true {
        switch try p.next() {
        case .request(let r): out.append(r)
        case .continueExpected: continue
        case .needMoreData: return out
        }
    }
}

final class HTTPRequestParserTests: XCTestCase {
    func parseAll(_ text: String, limits: HTTPParserLimits = HTTPParserLimits()) throws -> [HTTPRequest] {
        var p = HTTPRequestParser(limits: limits)
        p.append(Array(text.utf8))
        return try drainRequests(&p)
    }

    func testSimpleGet() throws {
        let r = try parseAll("GET /contacts/a/b?x=1 HTTP/1.1\r\nHost: example\r\nX-Amz-Date:  20261126T000000Z \r\n\r\n")
        XCTAssertEqual(r.count, 1)
        XCTAssertEqual(r[0].method, "GET")
        XCTAssertEqual(r[0].path, "/contacts/a/b")
        XCTAssertEqual(r[0].query, "x=1")
        XCTAssertEqual(r[0].headers["x-amz-date"], "20261126T000000Z")
        XCTAssertTrue(r[0].keepAlive)
    }

    /// A request's fields view the parser's buffer; a request kept while the parser reads on
    /// (more bytes appended, the buffer emptied and refilled, a body arriving in pieces) still
    /// reads its own fields.
    func testKeptRequestsKeepTheirFields() throws {
        var p = HTTPRequestParser()
        var kept: [HTTPRequest] = []
        func drain() throws {
            while case .request(let r) = try p.next() { kept.append(r) }
        }
        p.append(Array("GET /1 HTTP/1.1\r\nHost: one\r\nX-A: first\r\n\r\nGET /2 HTTP/1.1\r\nHo".utf8))
        try drain()
        p.append(Array("st: two\r\nX-A: second\r\n\r\n".utf8))
        try drain()
        p.append(Array("POST /3 HTTP/1.1\r\nHost: three\r\nX-A: third\r\nContent-Length: 10\r\n\r\nhello".utf8))
        try drain()
        p.append(Array(String(repeating: "w", count: 5).utf8))
        try drain()
        XCTAssertEqual(kept.map(\.path), ["/1", "/2", "/3"])
        XCTAssertEqual(kept.map { $0.headers["host"] }, ["one", "two", "three"])
        XCTAssertEqual(kept.map { $0.headers["x-a"] }, ["first", "second", "third"])
        XCTAssertEqual(kept[2].body, Array("hellowwwww".utf8))
    }

    func testPipelinedRequestsComeOutInOrder() throws {
        let one = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
        let two = "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
        let three = "PUT /3 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: x\r\n\r\n"
        let r = try parseAll(one + two + three + one)
        XCTAssertEqual(r.map(\.target), ["/1", "/2", "/3", "/1"])
        XCTAssertEqual(r[1].body, Array("hello".utf8))
        XCTAssertEqual(r[2].body, Array("abcde".utf8))
    }

    /// The same bytes split at every position give the same requests.
    func testSplitAtEveryByte() throws {
        let text = "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nxyzGET /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nq\r\n0\r\n\r\n"
        let bytes = Array(text.utf8)
        for split in 0...bytes.count {
            var p = HTTPRequestParser()
            var got: [HTTPRequest] = []
            for part in [Array(bytes[..<split]), Array(bytes[split...])] {
                p.append(part)
                while case .request(let r) = try p.next() { got.append(r) }
            }
            XCTAssertEqual(got.map(\.target), ["/a", "/b"], "split at \(split)")
            XCTAssertEqual(got.map { String(decoding: $0.body, as: UTF8.self) }, ["xyz", "q"], "split at \(split)")
        }
    }

    func testByteAtATime() throws {
        var p = HTTPRequestParser()
        var got = 0
        for b in "GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8 {
            p.append([b])
            if case .request = try p.next() { got += 1 }
        }
        XCTAssertEqual(got, 1)
    }

    func testHTTP10AndConnectionClose() throws {
        XCTAssertFalse(try parseAll("GET / HTTP/1.0\r\n\r\n")[0].keepAlive)
        XCTAssertTrue(try parseAll("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")[0].keepAlive)
        XCTAssertFalse(try parseAll("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")[0].keepAlive)
    }

    func testAbsoluteFormBecomesPath() throws {
        XCTAssertEqual(try parseAll("GET http://h:80/x?y=1 HTTP/1.1\r\nHost: h\r\n\r\n")[0].target, "/x?y=1")
    }

    func testExpectContinue() throws {
        var p = HTTPRequestParser()
        p.append(Array("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n".utf8))
        guard case .continueExpected = try p.next() else { return XCTFail("expected 100-continue") }
        guard case .needMoreData = try p.next() else { return XCTFail("expected to wait") }
        p.append(Array("ok".utf8))
        guard case .request(let r) = try p.next() else { return XCTFail("expected the request") }
        XCTAssertEqual(r.body, Array("ok".utf8))
    }

    /// Malformed requests and the status RFC 9112 gives each; loaded from a file, one per line.
    func testMalformedCorpus() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("malformed-requests.txt")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }
        XCTAssertGreaterThanOrEqual(lines.count, 40)
        let limits = HTTPParserLimits(maxHeaderBytes: 2048, maxBodyBytes: 64, maxTargetLength: 256, maxHeaderCount: 20)
        for line in lines {
            let parts = line.split(separator: "\t", maxSplits: 2)
            let status = Int(parts[0])!
            let name = String(parts[1])
            let raw = HTTPRequestParserTests.unescape(String(parts[2]))
            var p = HTTPRequestParser(limits: limits)
            p.append(Array(raw.utf8))
            do {
                while true {
                    if case .needMoreData = try p.next() { break }
                }
                XCTFail("\(name): accepted, expected \(status)")
            } catch {
                XCTAssertEqual(error.status, status, "\(name): \(error.reason)")
            }
        }
    }

    /// `\r`, `\n`, `\t`, `\0`, `\xHH` and `{N*c}` (c repeated N times) in corpus lines.
    static func unescape(_ s: String) -> String {
        var out = ""
        let chars = Array(s)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "{", let close = chars[i...].firstIndex(of: "}"), let star = chars[i..<close].firstIndex(of: "*"),
               let n = Int(String(chars[(i + 1)..<star])) {
                out += String(repeating: unescape(String(chars[(star + 1)..<close])), count: n)
                i = close + 1
                continue
            }
            if c == "\\", i + 1 < chars.count {
                let n = chars[i + 1]
                switch n {
                case "r": out += "\r"; i += 2; continue
                case "n": out += "\n"; i += 2; continue
                case "t": out += "\t"; i += 2; continue
                case "0": out += "\u{0}"; i += 2; continue
                case "x":
                    let hex = String(chars[(i + 2)..<(i + 4)])
                    out.unicodeScalars.append(Unicode.Scalar(UInt8(hex, radix: 16)!))
                    i += 4
                    continue
                default: break
                }
            }
            out.append(c)
            i += 1
        }
        return out
    }

    func testAfterAnErrorTheParserStaysFailed() throws {
        var p = HTTPRequestParser()
        p.append(Array("GET / HTTP/1.1\r\nHost : h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        XCTAssertThrowsError(try p.next())
        XCTAssertThrowsError(try p.next())
    }
}

/// Issue 30, hardening round two: what one connection's parser may hold, and the exact limits.
final class HTTPParserLimitTests: XCTestCase {
    private func drain(_ p: inout HTTPRequestParser) throws(HTTPParseError) -> [HTTPRequest] {
        try drainRequests(&p)
    }

    /// A head of exactly `bytes` bytes, request line through the empty line.
    private func head(bytes: Int, target: String = "/") -> String {
        let bare = "GET \(target) HTTP/1.1\r\nHost: h\r\nX-Pad: \r\n\r\n"
        precondition(bytes >= bare.utf8.count)
        return "GET \(target) HTTP/1.1\r\nHost: h\r\nX-Pad: \(String(repeating: "p", count: bytes - bare.utf8.count))\r\n\r\n"
    }

    private func status(_ text: String, limits: HTTPParserLimits, pieces: Int = 1) -> Int {
        var p = HTTPRequestParser(limits: limits)
        let bytes = Array(text.utf8)
        let size = max(1, (bytes.count + pieces - 1) / pieces)
        do {
            var n = 0
            for k in stride(from: 0, to: bytes.count, by: size) {
                p.append(Array(bytes[k..<min(k + size, bytes.count)]))
                n += try drain(&p).count
            }
            return n == 1 ? 200 : 0
        } catch {
            return error.status
        }
    }

    /// A stream of pipelined requests read in pieces that never end on a request boundary:
    /// the buffer keeps the partial request, not every byte ever read (it kept 1 GB after 1 GB).
    func testAPipelinedStreamThatNeverEndsOnABoundaryKeepsTheBufferBounded() throws {
        let request = Array("GET /_mock/health HTTP/1.1\r\nHost: x\r\nX-Pad: \(String(repeating: "p", count: 1500))\r\n\r\n".utf8)
        let stream = Array(repeating: request, count: 64).flatMap { $0 }
        var p = HTTPRequestParser()
        var answered = 0
        var offset = 0
        var sent = 0
        // A prime: the k-th read ends on a boundary only when the request length divides k,
        // and the request is longer than the 1,024 reads made.
        let piece = 65_521
        while sent < 64 << 20 {
            var chunk: [UInt8] = []
            chunk.reserveCapacity(piece)
            while chunk.count < piece {
                let take = min(piece - chunk.count, stream.count - offset)
                chunk += stream[offset..<(offset + take)]
                offset = (offset + take) % stream.count
            }
            p.append(chunk)
            sent += chunk.count
            answered += try drain(&p).count
            XCTAssertTrue(p.isMidRequest, "a read ended on a request boundary; the test means it never to")
            guard p.bufferCapacity <= 4 * piece else {
                return XCTFail("the buffer holds \(p.bufferCapacity) bytes after \(sent) bytes were read")
            }
        }
        XCTAssertEqual(answered, sent / request.count)
    }

    /// Compaction moves a head that is half scanned: the lines it already found stay right.
    func testCompactionInTheMiddleOfAHeadKeepsItsFields() throws {
        var p = HTTPRequestParser()
        p.append(Array("GET /1 HTTP/1.1\r\nHost: one\r\n\r\nGET /2 HTTP/1.1\r\nHost: two\r\nX-A: a".utf8))
        var got = try drain(&p)
        XCTAssertEqual(got.count, 1)
        // More than the buffer has room for: the first request's bytes are dropped to fit.
        let pad = p.bufferCapacity
        p.append(Array(repeating: UInt8(ascii: "a"), count: pad))
        got += try drain(&p)
        p.append(Array("\r\nX-B: b\r\n\r\n".utf8))
        got += try drain(&p)
        XCTAssertEqual(got.map(\.path), ["/1", "/2"])
        XCTAssertEqual(got[1].headers["host"], "two")
        XCTAssertEqual(got[1].headers["x-a"], String(repeating: "a", count: pad + 1))
        XCTAssertEqual(got[1].headers["x-b"], "b")
        XCTAssertEqual(got[0].headers["host"], "one")
    }

    /// Bodies, chunks and trailers split at every byte across a buffer that compacts: the same
    /// requests as read whole.
    func testCompactingStreamGivesTheSameRequests() throws {
        let text = "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nxyz" +
            "GET /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nq\r\n0\r\nT: 1\r\n\r\n\r\n" +
            "GET /c HTTP/1.1\r\nHost: h\r\n\r\n"
        let bytes = Array(String(repeating: text, count: 40).utf8)
        for piece in [1, 2, 3, 7, 64, 333] {
            var p = HTTPRequestParser()
            var got: [HTTPRequest] = []
            for k in stride(from: 0, to: bytes.count, by: piece) {
                p.append(Array(bytes[k..<min(k + piece, bytes.count)]))
                got += try drain(&p)
            }
            XCTAssertEqual(got.map(\.target), Array(repeating: ["/a", "/b", "/c"], count: 40).flatMap { $0 }, "pieces of \(piece)")
            XCTAssertEqual(got.map { String(decoding: $0.body, as: UTF8.self) }.joined(), String(repeating: "xyzq", count: 40))
            XCTAssertEqual(got.map { $0.headers["host"] }, Array(repeating: "h", count: 120))
        }
    }

    /// A buffer grown by a large body is given back once the body is consumed.
    func testABufferGrownByALargeBodyIsGivenBack() throws {
        var p = HTTPRequestParser()
        p.append(Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1000000\r\n\r\n".utf8))
        p.append(Array(repeating: 0x61, count: 1_000_000))
        XCTAssertEqual(try drain(&p).count, 1)
        XCTAssertGreaterThan(p.bufferCapacity, 1_000_000)
        p.append(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        XCTAssertEqual(try drain(&p).count, 1)
        XCTAssertLessThan(p.bufferCapacity, 4096)
    }

    /// An endless trailer section is refused with 431 once it passes maxHeaderBytes (it was not
    /// limited at all: 10 GB accepted).
    func testAnEndlessTrailerSectionGets431() throws {
        var p = HTTPRequestParser(limits: HTTPParserLimits(maxHeaderBytes: 2048))
        p.append(Array("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n".utf8))
        let line = Array("X-Trailer: \(String(repeating: "t", count: 50))\r\n".utf8)
        var sent = 0
        do {
            while sent < 10 << 20 {
                p.append(line)
                sent += line.count
                _ = try drain(&p)
            }
            XCTFail("10 MB of trailers accepted")
        } catch {
            XCTAssertEqual(error.status, 431)
            XCTAssertEqual(error.limit, .trailers)
            XCTAssertLessThanOrEqual(sent, 2048 + line.count)
        }
    }

    /// The trailer section counts like a head: its lines and its empty line, exactly.
    func testTrailerSectionOfExactlyMaxHeaderBytesPasses() {
        let limits = HTTPParserLimits(maxHeaderBytes: 1024)
        let prefix = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n"
        func trailers(_ n: Int) -> String {  // n bytes: "T: ppp\r\n\r\n"
            "T: \(String(repeating: "p", count: n - 7))\r\n\r\n"
        }
        XCTAssertEqual(trailers(1024).utf8.count, 1024)
        XCTAssertEqual(status(prefix + trailers(1024), limits: limits), 200)
        XCTAssertEqual(status(prefix + trailers(1025), limits: limits), 431)
        XCTAssertEqual(status(prefix + trailers(1024), limits: limits, pieces: 97), 200)
        XCTAssertEqual(status(prefix + trailers(1025), limits: limits, pieces: 97), 431)
        // Several lines add up.
        let many = String(repeating: "T: \(String(repeating: "p", count: 93))\r\n", count: 10)  // 980 bytes
        XCTAssertEqual(status(prefix + many + "T: \(String(repeating: "p", count: 37))\r\n\r\n", limits: limits), 200)
        XCTAssertEqual(status(prefix + many + "T: \(String(repeating: "p", count: 38))\r\n\r\n", limits: limits), 431)
    }

    /// maxHeaderBytes is the whole head, CRLFs included: exactly that many pass, one more is
    /// 431, however the bytes arrive. (One more passed: the length was taken at the LF.)
    func testHeadOfExactlyMaxHeaderBytesPassesAndOneMoreIs431() {
        let limits = HTTPParserLimits(maxHeaderBytes: 2048)
        XCTAssertEqual(head(bytes: 2048).utf8.count, 2048)
        for pieces in [1, 2, 5, 2049] {
            XCTAssertEqual(status(head(bytes: 2048), limits: limits, pieces: pieces), 200, "\(pieces) pieces")
            XCTAssertEqual(status(head(bytes: 2049), limits: limits, pieces: pieces), 431, "\(pieces) pieces")
            XCTAssertEqual(status(head(bytes: 2050), limits: limits, pieces: pieces), 431, "\(pieces) pieces")
        }
        // Leading empty lines are not part of the head.
        XCTAssertEqual(status("\r\n\r\n" + head(bytes: 2048), limits: limits), 200)
    }

    /// A target longer than maxHeaderBytes is 414 URI Too Long, not 431.
    func testATargetLongerThanTheHeadLimitIs414() {
        let limits = HTTPParserLimits(maxHeaderBytes: 2048, maxTargetLength: 8192)
        let target = "/" + String(repeating: "a", count: 3000)
        XCTAssertEqual(status(head(bytes: 3100, target: target), limits: limits), 414)
        XCTAssertEqual(status(head(bytes: 3100, target: target), limits: limits, pieces: 50), 414)
        // The defaults: target limit below the head limit, target longer than both.
        let long = "/" + String(repeating: "a", count: 20_000)
        XCTAssertEqual(status(head(bytes: 20_100, target: long), limits: HTTPParserLimits()), 414)
        var p = HTTPRequestParser()
        p.append(Array("GET \(long) HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        XCTAssertThrowsError(try p.next()) { XCTAssertEqual(($0 as? HTTPParseError)?.limit, .target) }
        // A request line that is all method is malformed rather than a long target.
        XCTAssertEqual(status(String(repeating: "G", count: 20_000), limits: HTTPParserLimits()), 400)
        // A target that fits, in a head that does not: 431.
        XCTAssertEqual(status(head(bytes: 2049, target: "/" + String(repeating: "a", count: 1000)), limits: limits), 431)
    }

    /// Empty lines before a request line are skipped, a few of them (RFC 9112 §2.2); more are
    /// refused, so a peer cannot make them its traffic.
    func testEmptyLinesBeforeARequestAreBounded() throws {
        let limits = HTTPParserLimits(maxEmptyLinesBeforeRequest: 8)
        let request = "GET / HTTP/1.1\r\nHost: h\r\n\r\n"
        XCTAssertEqual(status(String(repeating: "\r\n", count: 8) + request, limits: limits), 200)
        XCTAssertEqual(status(String(repeating: "\r\n", count: 8) + request, limits: limits, pieces: 40), 200)
        XCTAssertEqual(status(String(repeating: "\r\n", count: 9) + request, limits: limits), 400)
        // The count starts again after each request.
        var p = HTTPRequestParser(limits: limits)
        for _ in 0..<5 {
            p.append(Array((String(repeating: "\r\n", count: 8) + request).utf8))
            XCTAssertEqual(try drain(&p).count, 1)
        }
        // Sent forever, one at a time, they are refused.
        var q = HTTPRequestParser(limits: limits)
        var sent = 0
        do {
            while sent < 1000 {
                q.append(Array("\r\n".utf8))
                sent += 1
                _ = try drain(&q)
                XCTAssertFalse(q.isMidRequest)
            }
            XCTFail("1000 empty lines accepted")
        } catch {
            XCTAssertEqual(error.limit, .emptyLines)
            XCTAssertEqual(sent, 9)
        }
    }
}
