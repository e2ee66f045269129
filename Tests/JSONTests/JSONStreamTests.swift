import JSON
import XCTest

final class JSONStreamTests: XCTestCase {
    /// A document written front to back gives the bytes `JSONWriter` writes for the equal
    /// tree, whatever the nesting, escaping and buffer growth, and a reset starts afresh.
    func testStreamedDocumentsMatchTheWriter() throws {
        for capacity in [0, 1, 16, 64, 16_384] {
            let json = JSONStream(capacity: capacity)
            for round in 0..<3 {
                json.beginObject()
                json.key("id")
                json.string(String(repeating: "x", count: 300 + round))
                json.key("list")
                json.beginArray()
                json.beginObject()
                json.key("a")
                json.int(-42)
                json.key("b\"key")
                json.string("tab\there")
                json.endObject()
                json.bool(false)
                json.literal("null")
                json.literal("4.50")
                json.string("é😀")
                json.beginArray()
                json.endArray()
                json.beginObject()
                json.endObject()
                json.endArray()
                json.endObject()

                let expected = JSONValue.fields([
                    "id": .string(String(repeating: "x", count: 300 + round)),
                    "list": .array([.fields(["a": .int(-42), "b\"key": .string("tab\there")]), .bool(false), .null, .number("4.50"),
                                    .string("é😀"), .array([]), .object([])]),
                ])
                XCTAssertEqual(json.bytes(), JSONWriter.bytes(expected), "capacity \(capacity), round \(round)")
                json.reset()
            }
        }
    }

    /// A key written beforehand gives the same member as the key written in place.
    func testPrewrittenKeys() {
        let names = ["Id", "b\"key", "tab\there", "é", ""]
        let keys = JSONKeyTable(names)
        for (k, name) in names.enumerated() {
            let json = JSONStream()
            json.beginObject()
            json.key(name)
            json.int(1)
            json.key(keys[k])
            json.int(2)
            json.endObject()
            XCTAssertEqual(json.bytes(), JSONWriter.bytes(.object([JSONMember(key: name, value: .int(1)), JSONMember(key: name, value: .int(2))])), name)
        }
    }
}
