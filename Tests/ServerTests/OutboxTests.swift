import HTTP1
import XCTest
@testable import Server

final class OutboxTests: XCTestCase {
    private final class Peer {
        let name: String
        init(_ name: String) { self.name = name }
    }

    private let date = "Fri, 27 Nov 2026 15:00:00 GMT"

    /// Drains `outbox` into (peer, text) pairs, one per response handed out, its parts joined.
    private func drained(_ outbox: inout Outbox<Peer>) -> [(String, String)] {
        var sent: [(String, String)] = []
        outbox.drain { peer, parts in
            var text = ""
            for k in parts.indices { text += String(decoding: parts[k], as: UTF8.self) }
            sent.append((peer.name, text))
        }
        return sent
    }

    /// The bytes `response` is on the wire, written on its own.
    private func wire(_ response: HTTPResponse, closing: Bool = false, headOnly: Bool = false) -> String {
        let out = UnsafeMutableRawBufferPointer.allocate(byteCount: response.headRoom(date: date), alignment: 1)
        defer { out.deallocate() }
        let n = response.writeHead(date: date, closing: closing) { _ in out }
        let body = headOnly ? "" : response.envelope.before.description + String(decoding: response.body, as: UTF8.self)
            + response.envelope.after.description
        return String(decoding: out[..<n], as: UTF8.self) + body
    }

    func testResponsesComeOutInTheOrderQueuedOncePerDrain() {
        let a = Peer("a"), b = Peer("b")
        var outbox = Outbox<Peer>()
        defer { outbox.free() }
        let responses = ["a1", "b1", "a2"].map { HTTPResponse(status: 200, body: Array($0.utf8)) }
        for (r, p) in zip(responses, [a, b, a]) { outbox.add(r, version: .http11, date: date, closing: false, headOnly: false, for: p) }
        XCTAssertFalse(outbox.isEmpty)
        let sent = drained(&outbox)
        XCTAssertEqual(sent.map(\.0), ["a", "b", "a"])
        XCTAssertEqual(sent.map(\.1), responses.map { wire($0) })
        XCTAssertTrue(outbox.isEmpty)
        XCTAssertTrue(drained(&outbox).isEmpty)
    }

    func testAResponseIsItsHeadThenEnvelopeAndBodyOrItsHeadAlone() {
        let a = Peer("a")
        var outbox = Outbox<Peer>()
        defer { outbox.free() }
        let response = HTTPResponse(status: 200, contentType: "application/json", body: Array(#"{"Id":"1"}"#.utf8), envelope: (#"{"Contact":"#, "}"))
        outbox.add(response, version: .http11, date: date, closing: false, headOnly: false, for: a)
        outbox.add(response, version: .http11, date: date, closing: true, headOnly: true, for: a)
        let sent = drained(&outbox).map(\.1)
        XCTAssertEqual(sent, [wire(response), wire(response, closing: true, headOnly: true)])
        XCTAssertTrue(sent[0].hasSuffix("\r\n\r\n" + #"{"Contact":{"Id":"1"}}"#))
    }

    /// A turn whose heads need more than the kept buffer grows it, loses nothing, and the next
    /// turn starts empty.
    func testABurstLargerThanTheBufferComesOutWhole() {
        let peers = (0..<40).map { Peer("p\($0)") }
        var outbox = Outbox<Peer>()
        defer { outbox.free() }
        let pad = String(repeating: "x", count: Outbox<Peer>.keptCapacity / 16)
        let responses = peers.indices.map { HTTPResponse(status: 200, headers: [("X-Pad", "\($0):" + pad)]) }
        for (r, p) in zip(responses, peers) { outbox.add(r, version: .http11, date: date, closing: false, headOnly: false, for: p) }
        let sent = drained(&outbox)
        XCTAssertEqual(sent.map(\.0), peers.map(\.name))
        XCTAssertEqual(sent.map(\.1), responses.map { wire($0) })
        let next = HTTPResponse(status: 204)
        outbox.add(next, version: .http11, date: date, closing: false, headOnly: false, for: peers[0])
        XCTAssertEqual(drained(&outbox).map(\.1), [wire(next)])
    }
}
