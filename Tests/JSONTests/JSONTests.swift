import JSON
import XCTest

final class JSONTests: XCTestCase {
    func testRoundTripKeepsOrderAndNumbers() throws {
        let text = #"{"b":1,"a":[true,false,null,"x\"y\u00e9\ud83d\ude00"],"n":9223372036854775807,"f":4.50}"#
        let v = try JSONParser.parse(text)
        XCTAssertEqual(JSONWriter.string(v), #"{"b":1,"a":[true,false,null,"x\"yé😀"],"n":9223372036854775807,"f":4.50}"#)
    }

    func testStringEscapesAtEveryOffset() throws {
        let cases: [(String, String)] = [
            ("", #""""#), ("plain", #""plain""#), ("a\"b", #""a\"b""#), ("back\\slash", #""back\\slash""#),
            ("tab\tnew\nret\r", #""tab\tnew\nret\r""#), ("\u{01}\u{1f}", #""\u0001\u001f""#),
            ("é😀\u{7f}", "\"é😀\u{7f}\""), ("a long string that runs past eight bytes\" then more", #""a long string that runs past eight bytes\" then more""#),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(JSONWriter.string(.string(input)), expected)
            XCTAssertEqual(try JSONParser.parse(expected), .string(input))
            for pad in 1...9 {
                let padded = String(repeating: "x", count: pad) + input
                XCTAssertEqual(try JSONParser.parse(JSONWriter.string(.string(padded))), .string(padded), "offset \(pad)")
            }
        }
    }

    /// The writer's buffer grows past its first 256 bytes, many times over, without losing or
    /// reordering bytes (`JSONAssemblerTests` starts the same buffer from other capacities).
    func testOutputGrowsPastItsReservation() throws {
        let value = JSONValue.array((0..<500).map { .fields(["k\($0)": .string(String(repeating: "v", count: $0 % 37))]) })
        let expected = "[" + (0..<500).map { #"{"k\#($0)":"\#(String(repeating: "v", count: $0 % 37))"}"# }.joined(separator: ",") + "]"
        XCTAssertEqual(String(decoding: JSONWriter.bytes(value), as: UTF8.self), expected)
    }

    func testMemberLines() throws {
        let v = try JSONParser.parse("{\n  \"a\": 1,\n\n  \"b\": {\"c\": 2}\n}")
        XCTAssertEqual(v.members?.map(\.line), [2, 4])
    }

    func testStrictness() {
        let cases: [(String, String)] = [
            ("{\"a\":1,}", "expected a member name"), ("[1,]", "expected a value"), ("01", "leading zero"),
            ("{\"a\" 1}", "expected ':'"), ("\"\\ud800\"", "lone high surrogate"), ("\"a\nb\"", "control character"),
            ("// c\n1", "expected a value"), ("1 2", "after the document"), ("[" + String(repeating: "[", count: 200), "nesting"),
            ("\"\\x\"", "invalid escape"), ("tru", "expected a value"), ("-", "expected a digit"), ("1.", "after '.'"),
        ]
        for (text, fragment) in cases {
            XCTAssertThrowsError(try JSONParser.parse(text), text) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(text): \(error)")
            }
        }
    }

    func testErrorPosition() {
        XCTAssertThrowsError(try JSONParser.parse("{\n  \"a\": tru\n}")) { error in
            let e = error as! JSONParser.Failure
            XCTAssertEqual(e.line, 2)
            XCTAssertEqual(e.column, 8)
        }
    }
}
