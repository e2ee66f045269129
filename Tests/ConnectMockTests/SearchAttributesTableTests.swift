@testable import ConnectMock
import ContactModel
import ContactStore
import Foundation
import Timekeeping
import XCTest

/// SearchContacts, GetContactAttributes and UpdateContactAttributes (SPEC §8), row by row, each
/// run in-process and over a live socket by the same body (MockHarness).
final class SearchAttributesTableTests: XCTestCase {
    static let folder = MockHarness.fixtureFolder("search-table", lines: [
        #"{"Contact":{"Id":"first","Channel":"VOICE","InitiationMethod":"INBOUND","InitiationTimestamp":"2026-05-01T00:00:00Z","QueueInfo":{"Id":"q1","EnqueueTimestamp":"2026-05-01T00:00:10Z"},"Attributes":{"tier":"gold"},"Tags":{"team":"red"},"SegmentAttributes":{"connect:Subtype":{"ValueString":"connect:Telephony"}}}}"#,
        #"{"Contact":{"Id":"second","InitialContactId":"first","PreviousContactId":"first","Channel":"VOICE","InitiationMethod":"TRANSFER","InitiationTimestamp":"2026-05-01T00:05:00Z","AgentInfo":{"Id":"agent-1","ConnectedToAgentTimestamp":"2026-05-01T00:06:00Z","HierarchyGroups":{"Level1":{"Arn":"arn:aws:connect:us-east-1:123456789012:instance/inst-1/agent-group/g1"}}},"Attributes":{"tier":"gold"}}}"#,
        #"{"Contact":{"Id":"chat","Channel":"CHAT","InitiationMethod":"API","InitiationTimestamp":"2026-05-02T00:00:00Z","DisconnectTimestamp":"2026-05-02T00:10:00Z"}}"#,
        #"{"Contact":{"Id":"expired","Channel":"VOICE","InitiationMethod":"INBOUND","InitiationTimestamp":"2023-01-01T00:00:00Z"}}"#,
        #"{"Contact":{"Id":"not-yet","Channel":"VOICE","InitiationMethod":"INBOUND","InitiationTimestamp":"2026-07-01T00:00:00Z"}}"#,
    ])

    static var yaml: String { MockHarness.oneInstanceYAML(fixtures: folder) }

    static let range = #""TimeRange":{"Type":"INITIATION_TIMESTAMP","StartTime":"2020-01-01T00:00:00Z","EndTime":"2027-01-01T00:00:00Z"}"#

    func search(_ exchange: Exchange, _ extra: String) throws -> Reply {
        let reply = try exchange.send(MockHarness.request("POST", "/search-contacts", headers: [("Content-Type", "application/json")],
                                                          body: #"{"InstanceId":"inst-1","# + Self.range + extra + "}"))
        if reply.status == 200 { assertOutputShape(reply, operation: "SearchContacts", "\(extra) (\(exchange.name))") }
        return reply
    }

    func ids(_ reply: Reply) -> [String] {
        (reply.json?["Contacts"] as? [[String: Any]] ?? []).compactMap { $0["Id"] as? String }
    }

    func testSearchRows() throws {
        try MockHarness.run(yaml: Self.yaml) { x in
            let rows: [(String, [String])] = [
                ("", ["chat", "second", "first"]),
                (#","Sort":{"FieldName":"INITIATION_TIMESTAMP","Order":"ASCENDING"}"#, ["first", "second", "chat"]),
                (#","SearchCriteria":{"Channels":["CHAT"]}"#, ["chat"]),
                (#","SearchCriteria":{"InitiationMethods":["TRANSFER","API"]}"#, ["chat", "second"]),
                (#","SearchCriteria":{"QueueIds":["q1"]}"#, ["first"]),
                (#","SearchCriteria":{"AgentIds":["agent-1"]}"#, ["second"]),
                (#","SearchCriteria":{"AgentHierarchyGroups":{"L1Ids":["g1"]}}"#, ["second"]),
                (#","SearchCriteria":{"SearchableContactAttributes":{"Criteria":[{"Key":"tier","Values":["gold"]}]}}"#, ["second", "first"]),
                (#","SearchCriteria":{"SearchableSegmentAttributes":{"Criteria":[{"Key":"connect:Subtype","Values":["connect:Telephony"]}]}}"#, ["first"]),
                (#","SearchCriteria":{"ContactTags":{"TagCondition":{"TagKey":"team","TagValue":"red"}}}"#, ["first"]),
                (#","SearchCriteria":{"ContactTags":{"OrConditions":[[{"TagKey":"team","TagValue":"blue"}],[{"TagKey":"team"}]]}}"#, ["first"]),
                (#","Sort":{"FieldName":"CHANNEL","Order":"DESCENDING"}"#, ["second", "first", "chat"]),
            ]
            for (extra, expected) in rows {
                let reply = try search(x, extra)
                XCTAssertEqual(reply.status, 200, "\(extra) (\(x.name)): \(reply.text)")
                XCTAssertEqual(ids(reply), expected, "\(extra) (\(x.name))")
                XCTAssertEqual(reply.json?["TotalCount"] as? Int, expected.count, "\(extra) (\(x.name))")
            }
            let first = try search(x, #","MaxResults":2"#)
            XCTAssertEqual(ids(first), ["chat", "second"])
            let token = try XCTUnwrap(first.json?["NextToken"] as? String)
            let next = try search(x, #","MaxResults":2,"NextToken":"\#(token)""#)
            XCTAssertEqual(ids(next), ["first"])
            XCTAssertNil(next.json?["NextToken"])
            let other = try search(x, #","MaxResults":2,"NextToken":"\#(token)","SearchCriteria":{"Channels":["VOICE"]}"#)
            XCTAssertEqual(other.status, 400)
            XCTAssertEqual(other.headers["x-amzn-errortype"], "InvalidParameterException")
            for member in [#""Name":{"SearchText":["x"],"MatchType":"MATCH_ALL"}"#, #""ContactAnalysis":{}"#, #""ActiveRegions":["us-east-1"]"#] {
                let refused = try search(x, #","SearchCriteria":{"# + member + "}")
                XCTAssertEqual(refused.status, 400, member)
                XCTAssertEqual(refused.headers["x-amzn-errortype"], "InvalidRequestException", member)
                XCTAssertTrue(refused.text.contains("connect-mock does not evaluate SearchCriteria."), refused.text)
            }
            let bad = try search(x, #","MaxResults":101"#)
            XCTAssertEqual(bad.status, 400)
            XCTAssertEqual(bad.headers["x-amzn-errortype"], "InvalidParameterException")
            let summary = try XCTUnwrap((try search(x, #","SearchCriteria":{"AgentIds":["agent-1"]}"#).json?["Contacts"] as? [[String: Any]])?.first)
            XCTAssertEqual(Set(summary.keys), ["Arn", "Id", "InitialContactId", "PreviousContactId", "InitiationMethod", "Channel", "AgentInfo", "InitiationTimestamp"])
        }
    }

    func testAttributeRows() throws {
        try MockHarness.run(yaml: Self.yaml) { x in
            // Both runs share the file: start each from the seed.
            XCTAssertEqual(try x.send(MockHarness.request("POST", "/_mock/reset")).status, 200)
            func get(_ id: String) throws -> Reply {
                let reply = try x.send(MockHarness.request("GET", "/contact/attributes/inst-1/\(id)"))
                if reply.status == 200 { assertOutputShape(reply, operation: "GetContactAttributes", id) }
                return reply
            }
            func update(_ id: String, _ attributes: String) throws -> Reply {
                let reply = try x.send(MockHarness.request("POST", "/contact/attributes", headers: [("Content-Type", "application/json")],
                                                           body: #"{"InstanceId":"inst-1","InitialContactId":"\#(id)","Attributes":\#(attributes)}"#))
                if reply.status == 200 { assertOutputShape(reply, operation: "UpdateContactAttributes", id) }
                return reply
            }
            XCTAssertEqual(try get("first").json?["Attributes"] as? [String: String], ["tier": "gold"])
            XCTAssertEqual(try get("chat").json?["Attributes"] as? [String: String], [:])
            for id in ["nobody", "expired", "not-yet"] {
                let r = try get(id)
                XCTAssertEqual(r.status, 404, id)
                XCTAssertEqual(r.headers["x-amzn-errortype"], "ResourceNotFoundException", id)
                XCTAssertEqual(try update(id, #"{"a":"b"}"#).status, 404, id)
            }
            let updated = try update("first", #"{"tier":"silver","lang":"fr"}"#)
            XCTAssertEqual(updated.status, 200, updated.text)
            XCTAssertEqual(updated.text, "{}")
            XCTAssertEqual(try get("first").json?["Attributes"] as? [String: String], ["tier": "silver", "lang": "fr"])
            for id in ["first", "second"] {
                let c = try x.send(MockHarness.request("GET", "/contacts/inst-1/\(id)")).json?["Contact"] as? [String: Any]
                XCTAssertEqual(c?["Attributes"] as? [String: String], ["tier": "silver", "lang": "fr"], id)
                XCTAssertEqual(c?["LastUpdateTimestamp"] as? Double, 1_780_315_200, id)
            }
            let found = try search(x, #","SearchCriteria":{"SearchableContactAttributes":{"Criteria":[{"Key":"lang","Values":["fr"]}]}}"#)
            XCTAssertEqual(ids(found), ["second", "first"])
            let big = String(repeating: "x", count: 32_768 - 19)
            XCTAssertEqual(try update("second", #"{"big":"\#(big)"}"#).status, 200, "exactly 32,768 bytes with the chain's map")
            let over = try update("second", #"{"more":"y"}"#)
            XCTAssertEqual(over.status, 400)
            XCTAssertEqual(over.headers["x-amzn-errortype"], "InvalidParameterException")
        }
    }
}

/// Fixtures that give Attributes for contacts of one chain must give the same map.
final class ChainAttributeFixtureTests: XCTestCase {
    func testDisagreeingChainIsRefusedNamingFileAndLine() throws {
        let dir = NSTemporaryDirectory() + "chain-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let file = dir + "/chain.jsonl"
        try [
            #"{"Contact":{"Id":"a","Channel":"VOICE","InitiationMethod":"INBOUND","InitiationTimestamp":"2026-05-01T00:00:00Z","Attributes":{"k":"1","j":"2"}}}"#,
            #"{"Contact":{"Id":"b","InitialContactId":"a","Channel":"VOICE","InitiationMethod":"TRANSFER","InitiationTimestamp":"2026-05-01T00:01:00Z","Attributes":{"j":"2","k":"1"}}}"#,
            #"{"Contact":{"Id":"c","InitialContactId":"a","Channel":"VOICE","InitiationMethod":"TRANSFER","InitiationTimestamp":"2026-05-01T00:02:00Z","Attributes":{"k":"other"}}}"#,
        ].joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let seeder = Seeder(instances: [InstanceInfo(id: "i", region: "us-east-1", accountId: "123456789012")], policy: RetentionPolicy(),
                            now: ISO8601.parse("2026-06-01T00:00:00Z")!)
        let store = try ContactStore(path: ":memory:")
        XCTAssertThrowsError(try seeder.seed(into: store, fixtures: [file], syntheticCount: 0, syntheticSeed: 0, instanceId: nil, replace: false)) { error in
            let text = (error as? SeedFailure)?.description ?? "\(error)"
            XCTAssertTrue(text.hasPrefix("\(file):3: $.Contact.Attributes: expected the attributes given for chain a at \(file):1"), text)
        }
        XCTAssertEqual(try store.count(), 0)
    }
}
