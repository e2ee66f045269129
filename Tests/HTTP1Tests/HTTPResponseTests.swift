import ASCII
import HTTP1
import XCTest

final class HTTPResponseTests: XCTestCase {
    /// The envelope is part of the body: Content-Length counts it (the bytes a client reads
    /// are checked end to end, through the server's writev).
    func testEnvelopeIsPartOfTheBody() {
        let r = HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array("{\"Id\":\"a\"}".utf8),
                             envelope: (#"{"Contact":"#, "}"))
        XCTAssertEqual(r.contentLength, #"{"Contact":{"Id":"a"}}"#.utf8.count)
        XCTAssertEqual(head(r, date: "Fri, 27 Nov 2026 07:00:00 GMT", closing: true),
                       "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nDate: Fri, 27 Nov 2026 07:00:00 GMT\r\n"
                       + "Content-Length: 22\r\nConnection: close\r\n\r\n")
    }

    func testNoContentHasNoLength() {
        XCTAssertEqual(head(HTTPResponse(status: 204), version: .http10, date: nil, closing: false), "HTTP/1.0 204 No Content\r\n\r\n")
    }

    /// The fixed headers come first, in this order, then the others, then Date; the id is
    /// the UUID's text.
    func testContentTypeAndIdHeaderComeFirst() {
        let id = UUID4(0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210)
        let r = HTTPResponse(status: 404, contentType: "application/json", idHeader: ("x-amzn-RequestId", id),
                             headers: [("x-amzn-ErrorType", "ResourceNotFoundException")], body: Array("{}".utf8))
        XCTAssertEqual(head(r, date: "Fri, 27 Nov 2026 07:00:00 GMT", closing: false),
                       "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nx-amzn-RequestId: \(id.string)\r\n"
                       + "x-amzn-ErrorType: ResourceNotFoundException\r\nDate: Fri, 27 Nov 2026 07:00:00 GMT\r\nContent-Length: 2\r\n\r\n")
    }

    /// `headRoom` is enough for the longest head: every optional part, a long header, an
    /// unnamed status and both numbers at their widest.
    func testHeadRoomHoldsTheLongestHead() {
        var r = HTTPResponse(status: 599, contentType: "text/plain; version=0.0.4", idHeader: ("x-amzn-RequestId", UUID4(.max, .max)),
                             headers: [("X-Long", String(repeating: "v", count: 500)), ("Connection", "keep-alive")])
        r.status = Int.max
        let date = "Fri, 27 Nov 2026 07:00:00 GMT"
        // A buffer longer than any head, so that a room too small shows as a count over it.
        let out = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
        defer { out.deallocate() }
        var asked = 0
        let written = r.writeHead(date: date, closing: true) { room in
            asked = room
            return out
        }
        XCTAssertEqual(asked, r.headRoom(date: date))
        XCTAssertLessThanOrEqual(written, r.headRoom(date: date))
        XCTAssertTrue(String(decoding: out[..<written], as: UTF8.self).hasSuffix("Connection: close\r\n\r\n"))
    }

    private func head(_ r: HTTPResponse, version: HTTPVersion = .http11, date: String?, closing: Bool) -> String {
        let out = UnsafeMutableRawBufferPointer.allocate(byteCount: r.headRoom(date: date), alignment: 1)
        defer { out.deallocate() }
        let n = r.writeHead(version: version, date: date, closing: closing) { _ in out }
        return String(decoding: out[..<n], as: UTF8.self)
    }
}
