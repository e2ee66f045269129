import HTTP1
import XCTest

final class HTTPRequestParserTests: XCTestCase {
    func parseAll(_ text: String, limits: HTTPParserLimits = HTTPParserLimits()) throws -> [HTTPRequest] {
        var p = HTTPRequestParser(limits: limits)
        p.append(Array(text.utf8))
        var out: [HTTPRequest] = []
        while true {
            switch try p.next() {
            case .request(let r): out.append(r)
            case .continueExpected: continue
            case .needMoreData: return out
            }
        }
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
