import HTTP1
import XCTest

/// The framing rules requests and webhook responses share, as a table.
final class HTTPFramingTests: XCTestCase {
    func testChunkSizeLines() {
        let rows: [(String, Result<Int, HTTPParseError>)] = [
            ("0", .success(0)), ("a", .success(10)), ("1A", .success(26)), ("ffFF", .success(65535)),
            ("5;name=value", .success(5)), ("5 ;x", .success(5)), ("5\t ;", .success(5)),
            (String(repeating: "f", count: 15), .success(0xfff_ffff_ffff_ffff)),
            ("", .failure(HTTPParseError(.chunkSizeNotHex))), (";x", .failure(HTTPParseError(.chunkSizeNotHex))),
            (" 5", .failure(HTTPParseError(.chunkSizeNotHex))), ("x5", .failure(HTTPParseError(.chunkSizeNotHex))),
            (String(repeating: "1", count: 16), .failure(HTTPParseError(.chunkSizeTooLarge))),
            ("5 ", .failure(HTTPParseError(.junkAfterChunkSize))), ("5x", .failure(HTTPParseError(.junkAfterChunkSize))),
            ("5 6", .failure(HTTPParseError(.junkAfterChunkSize))),
        ]
        for (line, expected) in rows {
            let got = Result { () throws(HTTPParseError) in try HTTPFraming.chunkSize(Array(line.utf8)) }
            XCTAssertEqual(got, expected, line)
        }
    }

    func testContentLengthValues() {
        let rows: [(String, Int?)] = [
            ("0", 0), ("42", 42), ("007", 7), (String(repeating: "9", count: 18), 999_999_999_999_999_999),
            ("", nil), ("-1", nil), ("+1", nil), (" 1", nil), ("1.0", nil), ("0x10", nil), (String(repeating: "1", count: 19), nil),
        ]
        for (value, expected) in rows { XCTAssertEqual(HTTPFraming.contentLength(value[...]), expected, value) }
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
