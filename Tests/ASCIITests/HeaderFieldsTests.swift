import ASCII
import XCTest

/// The field block against the pairs it was built from: names folded, values kept byte for
/// byte, lookups case-insensitive and in received order.
final class HeaderFieldsTests: XCTestCase {
    func testLookupsMatchThePairs() {
        let pairs: [(String, String)] = [
            ("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z"), ("My-Header1", "value2"),
            ("my-header1", " a  b\tc "), ("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request"),
            ("Empty", ""), ("ÜTF", "é\nnext"),
        ]
        let fields = HeaderFields(pairs)
        XCTAssertEqual(fields.count, pairs.count)
        for (i, (name, value)) in pairs.enumerated() {
            let folded = String(name.map { $0.isASCII ? Character($0.lowercased()) : $0 })
            XCTAssertEqual(fields.name(i), folded)
            XCTAssertTrue(fields.hasName(i, folded))
            XCTAssertEqual(fields.value(i), value)
            XCTAssertEqual(Array(fields.bytes[fields.valueRange(i)]), Array(value.utf8))
        }
        XCTAssertEqual(fields["HOST"], "example.amazonaws.com")
        XCTAssertEqual(fields.firstIndex(named: "authorization"), 4)
        XCTAssertEqual(fields.firstIndex(lowercased: "authorization"), 4)
        XCTAssertEqual(fields.firstIndex(lowercased: "my-header1"), 2)
        XCTAssertNil(fields.firstIndex(lowercased: "authorizatio"))
        XCTAssertEqual(fields.values(for: "My-Header1"), ["value2", " a  b\tc "])
        XCTAssertEqual(fields["empty"], "")
        XCTAssertNil(fields["missing"])
        XCTAssertFalse(fields.hasName(0, "hos"))
        XCTAssertTrue(fields.hasName(1, lowercased: "x-amz-date"))
        XCTAssertFalse(fields.hasName(1, lowercased: "x-amz-dat"))
        XCTAssertFalse(fields.hasName(1, lowercased: "x-amz-datE"))
        XCTAssertEqual(fields.pairs.map(\.name), ["host", "x-amz-date", "my-header1", "my-header1", "authorization", "empty", "Ütf"])
    }

    /// Fields viewing a buffer keep the name's case in the bytes and compare without it.
    func testViewedFieldsCompareNamesIgnoringCase() {
        let buffer = Array("GET / HTTP/1.1\r\nContent-LENGTH: 12\r\nX-Amz-Date:20150830T123600Z\r\n".utf8)
        var fields = HeaderFields(viewing: buffer, capacity: 2)
        fields.addField(name: 16..<30, value: 32..<34)
        fields.addField(name: 36..<46, value: 47..<63)
        XCTAssertEqual(String(decoding: fields.bytes[fields.nameRange(0)], as: UTF8.self), "Content-LENGTH")
        XCTAssertEqual(fields.name(0), "content-length")
        XCTAssertTrue(fields.hasName(0, "content-length"))
        XCTAssertEqual(fields.value(0), "12")
        XCTAssertEqual(fields["x-amz-date"], "20150830T123600Z")
        XCTAssertEqual(fields.firstIndex(named: "X-AMZ-DATE"), 1)
        XCTAssertEqual(fields.firstIndex(lowercased: "x-amz-date"), 1)
        XCTAssertTrue(fields.hasName(0, lowercased: "content-length"))
    }
}
