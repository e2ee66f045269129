import HTTP1
import XCTest

final class HTTPResponseTests: XCTestCase {
    /// The envelope is part of the body: Content-Length counts it (the bytes a client reads
    /// are checked end to end, through the server's writev).
    func testEnvelopeIsPartOfTheBody() {
        let r = HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array("{\"Id\":\"a\"}".utf8),
                             envelope: (#"{"Contact":"#, "}"))
        XCTAssertEqual(r.contentLength, #"{"Contact":{"Id":"a"}}"#.utf8.count)
        var head: [UInt8] = Array("left over".utf8)
        head.removeAll(keepingCapacity: true)
        r.writeHead(into: &head, date: "Fri, 27 Nov 2026 07:00:00 GMT", closing: true)
        XCTAssertEqual(String(decoding: head, as: UTF8.self),
                       "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nDate: Fri, 27 Nov 2026 07:00:00 GMT\r\n"
                       + "Content-Length: 22\r\nConnection: close\r\n\r\n")
    }

    func testNoContentHasNoLength() {
        var head: [UInt8] = []
        HTTPResponse(status: 204).writeHead(into: &head, version: .http10, date: nil, closing: false)
        XCTAssertEqual(String(decoding: head, as: UTF8.self), "HTTP/1.0 204 No Content\r\n\r\n")
    }
}
