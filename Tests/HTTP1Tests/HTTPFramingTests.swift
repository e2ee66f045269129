import HTTP1
import XCTest

/// The framing rules requests and webhook responses share, as a table.
final class HTTPFramingTests: XCTestCase {
    func testChunkSizeLines() {
        let rows: [(String, Result<Int, HTTPFraming.ChunkSizeProblem>)] = [
            ("0", .success(0)), ("a", .success(10)), ("1A", .success(26)), ("ffFF", .success(65535)),
            ("5;name=value", .success(5)), ("5 ;x", .success(5)), ("5\t ;", .success(5)),
            (String(repeating: "f", count: 15), .success(0xfff_ffff_ffff_ffff)),
            ("", .failure(.notHex)), (";x", .failure(.notHex)), (" 5", .failure(.notHex)), ("x5", .failure(.notHex)),
            (String(repeating: "1", count: 16), .failure(.tooLarge)),
            ("5 ", .failure(.junkAfterSize)), ("5x", .failure(.junkAfterSize)), ("5 6", .failure(.junkAfterSize)),
        ]
        for (line, expected) in rows { XCTAssertEqual(HTTPFraming.chunkSize(Array(line.utf8)), expected, line) }
    }

    func testContentLengthValues() {
        let rows: [(String, Int?)] = [
            ("0", 0), ("42", 42), ("007", 7), (String(repeating: "9", count: 18), 999_999_999_999_999_999),
            ("", nil), ("-1", nil), ("+1", nil), (" 1", nil), ("1.0", nil), ("0x10", nil), (String(repeating: "1", count: 19), nil),
        ]
        for (value, expected) in rows { XCTAssertEqual(HTTPFraming.contentLength(value), expected, value) }
    }

    func testConnectionPersistence() {
        let rows: [(Bool, [Substring], Bool)] = [
            (true, [], true), (false, [], false), (false, ["keep-alive"], true), (false, ["Keep-Alive"], true),
            (true, ["close"], false), (true, ["CLOSE"], false), (true, ["close", "keep-alive"], false),
            (false, ["keep-alive", "close"], false), (true, ["upgrade"], true),
        ]
        for (http11, tokens, expected) in rows {
            XCTAssertEqual(HTTPFraming.persists(http11: http11, connectionTokens: tokens), expected, "\(http11) \(tokens)")
        }
    }
}
