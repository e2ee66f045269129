@testable import ConnectMock
import Foundation
import XCTest

/// StopContact and StartOutboundVoiceContact's ClientToken (SPEC §9), each run in-process and
/// over a live socket by the same body (MockHarness): both ask one question of a contact, whether
/// it is in progress (initiated, not yet disconnected).
final class StopOutboundTableTests: XCTestCase {
    static let folder = MockHarness.fixtureFolder("stop-table", lines: [
        #"{"Contact":{"Id":"open","Channel":"CHAT","InitiationMethod":"API","InitiationTimestamp":"2026-06-01T11:00:00Z","Attributes":{"tier":"gold"}}}"#,
        #"{"Contact":{"Id":"ended","Channel":"CHAT","InitiationMethod":"API","InitiationTimestamp":"2026-06-01T11:00:00Z","DisconnectTimestamp":"2026-06-01T11:30:00Z"}}"#,
        #"{"Contact":{"Id":"ends-later","Channel":"CHAT","InitiationMethod":"API","InitiationTimestamp":"2026-06-01T11:00:00Z","DisconnectTimestamp":"2026-06-01T13:00:00Z"}}"#,
        #"{"Contact":{"Id":"transferred","Channel":"VOICE","InitiationMethod":"TRANSFER","InitiationTimestamp":"2026-06-01T11:00:00Z"}}"#,
        #"{"Contact":{"Id":"not-yet","Channel":"CHAT","InitiationMethod":"API","InitiationTimestamp":"2026-06-01T13:00:00Z"}}"#,
    ])

    /// In memory: the in-process and the live run each start from the seed.
    static var yaml: String { MockHarness.oneInstanceYAML(fixtures: folder, database: ":memory:") }

    static let json = [("Content-Type", "application/json")]

    func stop(_ x: Exchange, _ id: String, reason: String? = nil) throws -> Reply {
        let extra = reason.map { #","DisconnectReason":{"Code":"\#($0)"}"# } ?? ""
        let reply = try x.send(MockHarness.request("POST", "/contact/stop", headers: Self.json, body: #"{"InstanceId":"inst-1","ContactId":"\#(id)"\#(extra)}"#))
        if reply.status == 200 { assertOutputShape(reply, operation: "StopContact", id) }
        return reply
    }

    func contact(_ x: Exchange, _ id: String) throws -> [String: Any] {
        let reply = try x.send(MockHarness.request("GET", "/contacts/inst-1/\(id)"))
        return try XCTUnwrap(reply.json?["Contact"] as? [String: Any], "\(id): \(reply.text)")
    }

    func testStopRows() throws {
        try MockHarness.run(yaml: Self.yaml) { x in
            let rows: [(id: String, status: Int, code: String?)] = [
                ("open", 200, nil),
                ("open", 410, "ContactNotFoundException"),
                ("ends-later", 200, nil),
                ("ended", 410, "ContactNotFoundException"),
                ("not-yet", 410, "ContactNotFoundException"),
                ("nobody", 410, "ContactNotFoundException"),
                ("transferred", 400, "InvalidRequestException"),
            ]
            for row in rows {
                let reply = try stop(x, row.id)
                let label = "\(row.id) (\(x.name))"
                XCTAssertEqual(reply.status, row.status, "\(label): \(reply.text)")
                XCTAssertEqual(reply.headers["x-amzn-errortype"], row.code, label)
            }
            let stopped = try contact(x, "open")
            XCTAssertEqual(stopped["DisconnectTimestamp"] as? Double, 1_780_315_200, "the data clock's now")
            XCTAssertEqual(stopped["DisconnectReason"] as? String, "API")
            XCTAssertEqual(stopped["Attributes"] as? [String: String], ["tier": "gold"])
            let early = try contact(x, "ends-later")
            XCTAssertEqual(early["DisconnectTimestamp"] as? Double, 1_780_315_200, "ended now, not at its planned end")
        }
    }

    /// An attribute update, then a stop: the stopped document is made from the updated one. (The
    /// race this guards against, another worker's update between a stop's read and its write, is
    /// closed by the stop's transaction; one connection in order cannot show it.)
    func testStopKeepsAnEarlierAttributeUpdate() throws {
        try MockHarness.run(yaml: Self.yaml) { x in
            _ = try contact(x, "open")
            let update = try x.send(MockHarness.request("POST", "/contact/attributes", headers: Self.json,
                                                        body: #"{"InstanceId":"inst-1","InitialContactId":"open","Attributes":{"tier":"platinum"}}"#))
            XCTAssertEqual(update.status, 200, update.text)
            XCTAssertEqual(try stop(x, "open", reason: "CUSTOMER_DISCONNECT").status, 200)
            let stopped = try contact(x, "open")
            XCTAssertEqual(stopped["Attributes"] as? [String: String], ["tier": "platinum"], x.name)
            XCTAssertEqual(stopped["DisconnectReason"] as? String, "CUSTOMER_DISCONNECT")
        }
    }

    /// A token gives back its contact while it is in progress, and a new one once it is stopped.
    func testClientTokenFollowsTheContact() throws {
        try MockHarness.run(yaml: Self.yaml) { x in
            func start(_ token: String) throws -> String {
                let reply = try x.send(MockHarness.request("PUT", "/contact/outbound-voice", headers: Self.json, body: """
                    {"InstanceId":"inst-1","ContactFlowId":"flow-1","DestinationPhoneNumber":"+12065550100","QueueId":"q-1","ClientToken":"\(token)"}
                    """))
                XCTAssertEqual(reply.status, 200, reply.text)
                assertOutputShape(reply, operation: "StartOutboundVoiceContact", token)
                return try XCTUnwrap(reply.json?["ContactId"] as? String)
            }
            let first = try start("token-1")
            XCTAssertEqual(try start("token-1"), first, "in progress: the same contact (\(x.name))")
            XCTAssertEqual(try stop(x, first).status, 200)
            let second = try start("token-1")
            XCTAssertNotEqual(second, first, "disconnected: a new contact (\(x.name))")
            XCTAssertEqual(try start("token-1"), second)
        }
    }
}
