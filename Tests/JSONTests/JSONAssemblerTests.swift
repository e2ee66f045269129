import JSON
import XCTest

final class JSONAssemblerTests: XCTestCase {
    /// Members written in one order and placed in another give the bytes `JSONWriter` writes
    /// for the equal tree, whatever the nesting, escaping and buffer growth.
    func testReorderedMembersMatchTheWriter() throws {
        for capacity in [0, 1, 16, 64, 16_384] {
            let json = JSONAssembler(capacity: capacity)
            for round in 0..<3 {
                let leafB = json.member("b\"key", .string("tab\there"))
                let leafA = json.member("a", .int(-42))
                let inner = json.object(count: 2) { [leafA, leafB][$0] }
                let list = json.member("list", .array([inner, .bool(false), .literal("null"), .number("4.50"), .string("é😀")]))
                let id = json.member("id", .string(String(repeating: "x", count: 300 + round)))
                let outer = json.object(count: 2) { [id, list][$0] }

                let expected = JSONValue.fields([
                    "id": .string(String(repeating: "x", count: 300 + round)),
                    "list": .array([.fields(["a": .int(-42), "b\"key": .string("tab\there")]), .bool(false), .null, .number("4.50"), .string("é😀")]),
                ])
                XCTAssertEqual(json.bytes(outer), JSONWriter.bytes(expected), "capacity \(capacity), round \(round)")
                json.reset()
            }
        }
    }

    /// A key written beforehand gives the same member as the key written in place.
    func testPrewrittenKeys() {
        let json = JSONAssembler()
        let names = ["Id", "b\"key", "tab\there", "é", ""]
        let keys = JSONKeyTable(names)
        for (k, name) in names.enumerated() {
            let inPlace = json.member(name, .int(1))
            let prewritten = json.member(keys[k], .int(1))
            let a = json.bytes(json.object(count: 1) { _ in inPlace })
            let b = json.bytes(json.object(count: 1) { _ in prewritten })
            XCTAssertEqual(a, b, name)
            XCTAssertEqual(b, JSONWriter.bytes(.object([JSONMember(key: name, value: .int(1))])), name)
        }
    }

    func testEmptyContainersAndUnwrittenPieces() {
        let json = JSONAssembler()
        XCTAssertEqual(String(decoding: json.bytes(json.object(count: 0) { _ in 0..<0 }), as: UTF8.self), "{}")
        XCTAssertEqual(String(decoding: json.bytes(.array([])), as: UTF8.self), "[]")
        XCTAssertEqual(String(decoding: json.bytes(.string("q\"")), as: UTF8.self), #""q\"""#)
    }
}
