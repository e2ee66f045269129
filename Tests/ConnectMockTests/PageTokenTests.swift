import ContactStore
import XCTest
@testable import ConnectMock

/// The one page-token codec, and SearchContacts' cursor on top of it.
final class PageTokenTests: XCTestCase {
    func testFieldsRoundTripAndNeedNoEscaping() throws {
        // Standard base64 of the second is "YS9iK2M/AH5+fg==": a "+", a "/" and padding.
        for fields in [["user", "inst-1", "a/b+c?"], ["a/b+c?", "~~~"], ["", ""], ["ünïcode", "x"], ["ab", "c"]] {
            let token = PageToken.encode(fields)
            XCTAssertEqual(PageToken.decode(token, fields: fields.count), fields)
            XCTAssertNil(token.rangeOfCharacter(from: CharacterSet(charactersIn: "+/=")), token)
        }
    }

    func testForeignTokensAreRefused() {
        let token = PageToken.encode(["a", "b"])
        for bad in ["", "not a token", "%%%", token + "!"] {
            XCTAssertNil(PageToken.decode(bad, fields: 2), bad)
        }
        // The right encoding with the wrong number of fields is not this listing's token.
        XCTAssertNil(PageToken.decode(token, fields: 3))
    }

    func testSearchCursorRoundTripsEveryValueKindAndNeedsItsQuery() {
        for value in [SearchCursor.Value.int(-5), .int(1_765_000_000_000), .text("VOICE"), .text(""), .null] {
            let cursor = SearchCursor(value: value, contactId: "c-1")
            let token = SearchRequest.encodeToken(cursor, fingerprint: 0xabc)
            XCTAssertEqual(SearchRequest.decodeToken(token, fingerprint: 0xabc), cursor)
            XCTAssertNil(SearchRequest.decodeToken(token, fingerprint: 0xabd), "a token of another query")
        }
        XCTAssertNil(SearchRequest.decodeToken(PageToken.encode(["abc", "x1", "c"]), fingerprint: 0xabc), "an unknown value tag")
        XCTAssertNil(SearchRequest.decodeToken(PageToken.encode(["abc", "n1", "c"]), fingerprint: 0xabc))
    }
}
