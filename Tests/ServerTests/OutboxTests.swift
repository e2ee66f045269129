import HTTP1
import XCTest
@testable import Server

final class OutboxTests: XCTestCase {
    private final class Peer {
        let name: String
        init(_ name: String) { self.name = name }
    }

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

    private func add(_ text: String, for peer: Peer, to outbox: inout Outbox<Peer>) {
        Array(text.utf8).withUnsafeBytes { outbox.add($0, for: peer) }
    }

    func testResponsesComeOutInTheOrderQueuedOncePerDrain() {
        let a = Peer("a"), b = Peer("b")
        var outbox = Outbox<Peer>()
        defer { outbox.free() }
        add("a1", for: a, to: &outbox)
        add("b1", for: b, to: &outbox)
        add("a2", for: a, to: &outbox)
        XCTAssertFalse(outbox.isEmpty)
        let sent = drained(&outbox)
        XCTAssertEqual(sent.map(\.0), ["a", "b", "a"])
        XCTAssertEqual(sent.map(\.1), ["a1", "b1", "a2"])
        XCTAssertTrue(outbox.isEmpty)
        XCTAssertTrue(drained(&outbox).isEmpty)
    }

    func testAResponseIsItsHeadThenEnvelopeAndBodyOrItsHeadAlone() {
        let a = Peer("a")
        var outbox = Outbox<Peer>()
        defer { outbox.free() }
        let response = HTTPResponse(status: 200, contentType: "application/json", body: Array(#"{"Id":"1"}"#.utf8), envelope: (#"{"Contact":"#, "}"))
        let date = "Fri, 27 Nov 2026 15:00:00 GMT"
        outbox.add(response, version: .http11, date: date, closing: false, headOnly: false, for: a)
        outbox.add(response, version: .http11, date: date, closing: true, headOnly: true, for: a)
        func head(closing: Bool) -> String {
            var out = [UInt8](repeating: 0, count: response.headRoom(date: date))
            let n = out.withUnsafeMutableBytes { response.writeHead(into: $0, date: date, closing: closing) }
            return String(decoding: out[..<n], as: UTF8.self)
        }
        XCTAssertEqual(drained(&outbox).map(\.1), [head(closing: false) + #"{"Contact":{"Id":"1"}}"#, head(closing: true)])
    }

    /// A turn that queues more than the kept buffer grows it, loses nothing, and the next turn
    /// starts empty.
    func testABurstLargerThanTheBufferComesOutWhole() {
        let peers = (0..<40).map { Peer("p\($0)") }
        var outbox = Outbox<Peer>()
        defer { outbox.free() }
        let piece = String(repeating: "x", count: Outbox<Peer>.keptCapacity / 16)
        for (k, p) in peers.enumerated() { add("\(k):" + piece, for: p, to: &outbox) }
        let sent = drained(&outbox)
        XCTAssertEqual(sent.map(\.0), peers.map(\.name))
        XCTAssertEqual(sent.map(\.1), peers.indices.map { "\($0):" + piece })
        add("next", for: peers[0], to: &outbox)
        XCTAssertEqual(drained(&outbox).map(\.1), ["next"])
    }
}
