import JSON
import XCTest

final class JSONTests: XCTestCase {
    func testRoundTripKeepsOrderAndNumbers() throws {
        let text = #"{"b":1,"a":[true,false,null,"x\"y\u00e9\ud83d\ude00"],"n":9223372036854775807,"f":4.50}"#
        let v = try JSONParser.parse(text)
        XCTAssertEqual(JSONWriter.string(v), #"{"b":1,"a":[true,false,null,"x\"yé😀"],"n":9223372036854775807,"f":4.50}"#)
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
