import ContactModel
import JSON
import Timekeeping
import XCTest

/// SPEC §9's first bullet: the contact as it stands at t.
final class ContactViewTests: XCTestCase {
    typealias F = TimelineFixture

    /// The members that depend on time, in the model's order.
    static let timed = ["QueueInfo", "AgentInfo", "DisconnectTimestamp", "RingStartTimestamp", "ConnectedToSystemTimestamp",
                        "RoutingCriteria", "QualityMetrics", "DisconnectReason"]

    func items(_ value: JSONValue?) -> [JSONValue] {
        if case .array(let items)? = value { return items }
        return []
    }

    func view(_ seconds: Int64, millis: Int64 = 0) throws -> JSONValue {
        try JSONParser.parse(ContactView.bytes(F.bytes(), at: F.at(seconds).adding(milliseconds: millis)))
    }

    /// The view grows member by member as t passes each moment.
    func testTheViewGrowsMomentByMoment() throws {
        let stored = F.document()
        let storedKeys = stored.members!.map(\.key)
        let rows: [(t: Int64, timed: [String], agent: [String], steps: [String], lastUpdate: Int64)] = [
            (0, [], [], [], 0),
            (1, [], [], [], 0),
            (2, ["ConnectedToSystemTimestamp"], [], [], 2),
            (10, ["QueueInfo", "ConnectedToSystemTimestamp", "RoutingCriteria"], [], ["ACTIVE", "INACTIVE", "INACTIVE"], 10),
            (39, ["QueueInfo", "ConnectedToSystemTimestamp", "RoutingCriteria"], [], ["ACTIVE", "INACTIVE", "INACTIVE"], 10),
            (40, ["QueueInfo", "ConnectedToSystemTimestamp", "RoutingCriteria"], [], ["EXPIRED", "ACTIVE", "INACTIVE"], 40),
            (50, ["QueueInfo", "RingStartTimestamp", "ConnectedToSystemTimestamp", "RoutingCriteria"], [], ["EXPIRED", "ACTIVE", "INACTIVE"], 50),
            (55, ["QueueInfo", "AgentInfo", "RingStartTimestamp", "ConnectedToSystemTimestamp", "RoutingCriteria"],
             ["Id", "AcceptedByAgentTimestamp", "ConnectedToAgentTimestamp", "HierarchyGroups"], ["EXPIRED", "JOINED", "INACTIVE"], 55),
            (299, ["QueueInfo", "AgentInfo", "RingStartTimestamp", "ConnectedToSystemTimestamp", "RoutingCriteria"],
             ["Id", "AcceptedByAgentTimestamp", "ConnectedToAgentTimestamp", "HierarchyGroups"], ["EXPIRED", "JOINED", "INACTIVE"], 55),
            (300, ContactViewTests.timed,
             ["Id", "AcceptedByAgentTimestamp", "ConnectedToAgentTimestamp", "HierarchyGroups", "AfterContactWorkStartTimestamp", "AgentInitiatedHoldDuration"],
             ["EXPIRED", "JOINED", "INACTIVE"], 300),
            (360, ContactViewTests.timed,
             ["Id", "AcceptedByAgentTimestamp", "ConnectedToAgentTimestamp", "HierarchyGroups", "AfterContactWorkDuration",
              "AfterContactWorkStartTimestamp", "AfterContactWorkEndTimestamp", "AgentInitiatedHoldDuration"],
             ["EXPIRED", "JOINED", "INACTIVE"], 360),
            (364, ContactViewTests.timed,
             ["Id", "AcceptedByAgentTimestamp", "ConnectedToAgentTimestamp", "HierarchyGroups", "AfterContactWorkDuration",
              "AfterContactWorkStartTimestamp", "AfterContactWorkEndTimestamp", "AgentInitiatedHoldDuration"],
             ["EXPIRED", "JOINED", "INACTIVE"], 360),
        ]
        for row in rows {
            let v = try view(row.t)
            let keys = v.members!.map(\.key)
            XCTAssertEqual(keys.filter { ContactViewTests.timed.contains($0) }, row.timed, "t+\(row.t)")
            XCTAssertEqual(keys, storedKeys.filter { !ContactViewTests.timed.contains($0) || row.timed.contains($0) },
                           "t+\(row.t): every other member shows as stored, in the stored order")
            XCTAssertEqual(v["AgentInfo"]?.members?.map(\.key) ?? [], row.agent, "t+\(row.t)")
            let steps = items(v["RoutingCriteria"]?["Steps"])
            XCTAssertEqual(steps.map { $0["Status"]?.stringValue ?? "-" }, row.steps, "t+\(row.t)")
            XCTAssertEqual(v["LastUpdateTimestamp"], .number(F.s(row.lastUpdate)), "t+\(row.t)")
            for name in ["Arn", "Id", "Name", "Tags", "Attributes", "SystemEndpoint", "CustomerEndpoint", "InitiationTimestamp"] {
                XCTAssertEqual(v[name], stored[name], "t+\(row.t): \(name) has no moment")
            }
        }
    }

    /// A step's expiry shows once it has happened (as AWS shows a step not yet expired: the
    /// duration only); the steps' other members are as stored.
    func testAStepsExpiryShowsWhenItHappens() throws {
        func firstStep(_ t: Int64) throws -> JSONValue? {
            guard case .array(let steps)? = try view(t)["RoutingCriteria"]?["Steps"] else { return nil }
            return steps.first
        }
        XCTAssertEqual(try firstStep(39)?["Expiry"], .fields(["DurationInSeconds": .int(30)]))
        XCTAssertEqual(try firstStep(40)?["Expiry"], .fields(["DurationInSeconds": .int(30), "ExpiryTimestamp": .number(F.s(40))]))
        XCTAssertEqual(try firstStep(39)?["Expression"], items(F.document()["RoutingCriteria"]?["Steps"]).first?["Expression"])
    }

    /// Steps' statuses follow SPEC's rule whatever the stored ones say, and a step with no
    /// expiry never expires.
    func testRoutingStepStatusesAtT() throws {
        func steps(_ expiries: [Int64?], agentAt: Int64?, at t: Int64) throws -> [String] {
            let stepsJSON = expiries.map { e -> String in
                let expiry = e.map { #""Expiry":{"ExpiryTimestamp":\#(F.s($0))},"# } ?? ""
                return #"{\#(expiry)"Expression":\#(F.condition("Language", "English", "2.0")),"Status":"INACTIVE"}"#
            }
            let agent = agentAt.map { #","AgentInfo":{"Id":"a","ConnectedToAgentTimestamp":\#(F.s($0))}"# } ?? ""
            let text = #"{"Arn":"\#(F.contactArn)","InitiationTimestamp":\#(F.s(0)),"LastUpdateTimestamp":\#(F.s(1000)),"RoutingCriteria":{"Steps":[\#(stepsJSON.joined(separator: ","))],"ActivationTimestamp":\#(F.s(0))}\#(agent)}"#
            guard case .array(let s)? = try ContactView.document(JSONParser.parse(text), at: F.at(t))["RoutingCriteria"]?["Steps"] else { return [] }
            return s.map { $0["Status"]?.stringValue ?? "-" }
        }
        let rows: [(expiries: [Int64?], agent: Int64?, t: Int64, statuses: [String])] = [
            ([10, 20, nil], nil, 5, ["ACTIVE", "INACTIVE", "INACTIVE"]),
            ([10, 20, nil], nil, 10, ["EXPIRED", "ACTIVE", "INACTIVE"]),
            ([10, 20, nil], nil, 25, ["EXPIRED", "EXPIRED", "ACTIVE"]),
            ([10, 20, nil], 30, 29, ["EXPIRED", "EXPIRED", "ACTIVE"]),
            ([10, 20, nil], 30, 30, ["EXPIRED", "EXPIRED", "JOINED"]),
            ([10, 20, nil], 15, 15, ["EXPIRED", "JOINED", "INACTIVE"]),
            ([10, 20], nil, 500, ["EXPIRED", "EXPIRED"]),
            ([nil], 15, 999, ["JOINED"]),
            ([nil, nil], nil, 999, ["ACTIVE", "INACTIVE"]),
        ]
        for row in rows {
            XCTAssertEqual(try steps(row.expiries, agentAt: row.agent, at: row.t), row.statuses, "\(row)")
        }
    }

    /// LastUpdateTimestamp is the latest moment at or before t, never after the stored one.
    func testLastUpdateIsTheLatestMomentNeverAfterTheStoredOne() throws {
        // Stored LastUpdateTimestamp (100) before the disconnect (300): a fixture may say so.
        let early = F.bytes(lastUpdate: 100)
        let rows: [(t: Int64, lastUpdate: Int64)] = [(0, 0), (54, 50), (55, 55), (99, 55), (100, 100), (299, 100), (300, 100), (1000, 100)]
        for row in rows {
            let v = try JSONParser.parse(ContactView.bytes(early, at: F.at(row.t)))
            XCTAssertEqual(v["LastUpdateTimestamp"], .number(F.s(row.lastUpdate)), "t+\(row.t)")
        }
        // Milliseconds count: just before a moment the previous one holds.
        XCTAssertEqual(try view(54, millis: 999)["LastUpdateTimestamp"], .number(F.s(50)))
    }

    /// Once every moment has passed the stored bytes come back as they are.
    func testCompleteContactIsByteForByteAsStored() throws {
        let stored = F.bytes()
        let timeline = try ContactTimeline(bytes: stored)
        XCTAssertEqual(timeline.latest, F.at(365))
        for t in [F.at(365), F.at(366), F.at(86_400 * 400)] {
            XCTAssertTrue(timeline.isComplete(at: t))
            XCTAssertEqual(try ContactView.bytes(stored, at: t), stored)
            XCTAssertEqual(try ContactView.bytes(stored, timeline: timeline, at: t), stored)
        }
        XCTAssertFalse(timeline.isComplete(at: F.at(365).adding(milliseconds: -1)))
        XCTAssertNotEqual(try ContactView.bytes(stored, at: F.at(364)), stored)
        // Even bytes the writer would not make (spaces): a complete contact is not rewritten.
        let spaced = Array(String(decoding: stored, as: UTF8.self).replacingOccurrences(of: ",", with: ", ").utf8)
        XCTAssertEqual(try ContactView.bytes(spaced, at: F.at(365)), spaced)
    }

    func testTimelineMomentsExistenceAndNext() throws {
        let timeline = try ContactTimeline(F.document())
        XCTAssertEqual(timeline.moments, [0, 2, 10, 40, 50, 55, 300, 360, 365].map(F.at))
        XCTAssertEqual(timeline.initiation, F.at(0))
        XCTAssertFalse(timeline.exists(at: F.at(0).adding(milliseconds: -1)))
        XCTAssertTrue(timeline.exists(at: F.at(0)))
        XCTAssertEqual(timeline.nextMoment(after: F.at(10)), F.at(40))
        XCTAssertEqual(timeline.nextMoment(after: F.at(9)), F.at(10))
        XCTAssertNil(timeline.nextMoment(after: F.at(365)))
        XCTAssertEqual(timeline.latestMoment(atOrBefore: F.at(39)), F.at(10))
        XCTAssertNil(timeline.latestMoment(atOrBefore: F.at(-1)))
    }

    /// In progress from the initiation until the disconnect, after contact work included; a
    /// contact without a disconnect stays in progress.
    func testInProgressEndsAtTheDisconnect() throws {
        let timeline = try ContactTimeline(F.document())
        XCTAssertEqual(timeline.disconnect, F.at(300))
        let rows: [(Instant, Bool)] = [
            (F.at(0).adding(milliseconds: -1), false), (F.at(0), true), (F.at(299), true),
            (F.at(300).adding(milliseconds: -1), true), (F.at(300), false), (F.at(330), false), (F.at(400), false),
        ]
        for (t, expected) in rows { XCTAssertEqual(timeline.isInProgress(at: t), expected, "\(t)") }
        guard case .object(let members) = F.document() else { return XCTFail("fixture") }
        let open = try ContactTimeline(.object(members.filter { $0.key != "DisconnectTimestamp" }))
        XCTAssertNil(open.disconnect)
        XCTAssertTrue(open.isInProgress(at: F.at(86_400 * 400)))
        XCTAssertFalse(open.isInProgress(at: F.at(-1)))
    }

    /// Broken documents are typed failures, not crashes.
    func testFailuresAreTyped() {
        let rows: [(String, ContactDocumentError)] = [
            ("[1]", .notAnObject),
            (#"{"Id":"x"}"#, .missingInitiationTimestamp),
            (#"{"InitiationTimestamp":"2026-01-01T00:00:00Z"}"#, .notATimestamp(path: "$.InitiationTimestamp")),
            (#"{"InitiationTimestamp":1,"AgentInfo":{"ConnectedToAgentTimestamp":true}}"#, .notATimestamp(path: "$.AgentInfo.ConnectedToAgentTimestamp")),
        ]
        for (text, expected) in rows {
            XCTAssertThrowsError(try ContactView.bytes(Array(text.utf8), at: F.t0)) { XCTAssertEqual($0 as? ContactDocumentError, expected, text) }
        }
        XCTAssertThrowsError(try ContactTimeline(bytes: Array("{".utf8))) { error in
            guard case .notJSON? = error as? ContactDocumentError else { return XCTFail("\(error)") }
        }
    }

    /// Over synthetic contacts: members only ever appear as t grows, in the stored order, and
    /// the view at the latest moment is the stored bytes.
    func testSyntheticContactsUnfoldMonotonically() throws {
        let synth = ContactSynthesizer(instance: demoInstance, seed: 5, now: fixedNow, policy: RetentionPolicy())
        var checked = 0
        try synth.generate(count: 200) { r in
            let stored = synth.document(for: r.recipe!)
            let document = try JSONParser.parse(stored)
            XCTAssertEqual(JSONWriter.bytes(document), stored, "the writer gives stored bytes back, so a view changes only what it must")
            let timeline = try ContactTimeline(document)
            XCTAssertEqual(try ContactView.bytes(stored, at: timeline.latest), stored)
            var previous: [String] = []
            for t in timeline.moments {
                let keys = try ContactView.document(document, at: t).members!.map(\.key)
                XCTAssertTrue(Set(previous).isSubset(of: Set(keys)), "\(r.contactId) at \(t)")
                XCTAssertEqual(keys, document.members!.map(\.key).filter { keys.contains($0) }, "\(r.contactId): stored order")
                previous = keys
            }
            checked += 1
        }
        XCTAssertEqual(checked, 200)
    }
}
