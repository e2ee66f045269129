import ContactModel
import JSON
import Timekeeping
import XCTest

/// SPEC §9's second bullet: the contact events a stored contact gives, as AWS documents them at
/// https://docs.aws.amazon.com/connect/latest/adminguide/contact-events.html
final class ContactEventsTests: XCTestCase {
    typealias F = TimelineFixture

    func events(method: String = "API") throws -> ContactEvents { try ContactEvents(F.document(method: method)) }

    func summary(_ list: [ContactEvent]) -> [String] {
        list.map { e in
            let props = e.updatedProperties.isEmpty ? "" : " " + e.updatedProperties.map(\.rawValue).joined(separator: ",")
            return "+\((e.moment.millisecondsSinceEpoch - F.t0.millisecondsSinceEpoch) / 1000) \(e.type.rawValue)\(props)"
        }
    }

    /// Every event of a whole contact, in order; which ones depends on how it was initiated.
    func testAFullContactsEventsInOrder() throws {
        let rows: [(method: String, events: [String])] = [
            ("API", ["+0 INITIATED", "+2 CONNECTED_TO_SYSTEM", "+10 QUEUED", "+40 CONTACT_DATA_UPDATED RoutingCriteria.Step.Status",
                     "+55 CONNECTED_TO_AGENT", "+300 DISCONNECTED", "+360 COMPLETED"]),
            // An inbound call is not one of the contacts AWS generates CONNECTED_TO_SYSTEM for.
            ("INBOUND", ["+0 INITIATED", "+10 QUEUED", "+40 CONTACT_DATA_UPDATED RoutingCriteria.Step.Status",
                         "+55 CONNECTED_TO_AGENT", "+300 DISCONNECTED", "+360 COMPLETED"]),
        ]
        for row in rows {
            let list = try events(method: row.method).all()
            XCTAssertEqual(summary(list), row.events, row.method)
            XCTAssertEqual(list, list.sorted(by: ContactEvent.precedes), row.method)
            for e in list { XCTAssertEqual(e.json["detail"]?["eventType"], .string(e.type.rawValue)) }
        }
    }

    /// Each event's detail is the contact as it stood at the event's moment, in the page's form.
    func testEachEventsDetailIsTheContactAtItsMoment() throws {
        let list = try events().all()
        func detail(_ type: ContactEventType) -> JSONValue { list.first { $0.type == type }!.json["detail"]! }
        func statuses(_ d: JSONValue) -> [String] {
            guard case .array(let steps)? = d["routingCriteria"]?["steps"] else { return [] }
            return steps.map { $0["status"]?.stringValue ?? "-" }
        }
        let rows: [(type: ContactEventType, present: [String], absent: [String], steps: [String])] = [
            (.initiated, ["contactId", "channel", "instanceArn", "initiationMethod", "initiationTimestamp", "tags"],
             ["connectedToSystemTimestamp", "queueInfo", "agentInfo", "routingCriteria", "disconnectTimestamp", "updatedProperties"], []),
            (.queued, ["connectedToSystemTimestamp", "queueInfo", "routingCriteria"], ["agentInfo", "disconnectTimestamp"], ["ACTIVE", "INACTIVE", "INACTIVE"]),
            (.contactDataUpdated, ["updatedProperties", "queueInfo"], ["agentInfo"], ["EXPIRED", "ACTIVE", "INACTIVE"]),
            (.connectedToAgent, ["agentInfo"], ["disconnectTimestamp", "disconnectReason", "updatedProperties"], ["EXPIRED", "JOINED", "INACTIVE"]),
            (.disconnected, ["disconnectTimestamp", "disconnectReason", "agentInfo"], ["updatedProperties"], ["EXPIRED", "JOINED", "INACTIVE"]),
        ]
        for row in rows {
            let d = detail(row.type)
            for key in row.present { XCTAssertNotNil(d[key], "\(row.type) has \(key)") }
            for key in row.absent { XCTAssertNil(d[key], "\(row.type) has no \(key)") }
            XCTAssertEqual(statuses(d), row.steps, "\(row.type)")
        }
        let queued = detail(.queued)
        XCTAssertEqual(queued["queueInfo"], .fields([
            "queueArn": .string(F.instanceArn + "/queue/5b8e3f0a-1111-4222-8333-944455566677"),
            "enqueueTimestamp": .string("2026-05-01T10:00:10.000Z"),
            "queueType": .string("STANDARD"),
        ]))
        XCTAssertEqual(queued["tags"], .fields(["aws:connect:instanceId": .string(demoInstance.id), "aws:connect:systemEndpoint": .string("+15550100"),
                                                "Department": .string("Billing")]))
        XCTAssertNil(queued["Attributes"] ?? queued["attributes"], "user-defined attributes are not in contact events")
        XCTAssertEqual(detail(.contactDataUpdated)["updatedProperties"], .array([.string("RoutingCriteria.Step.Status")]))
        XCTAssertEqual(detail(.disconnected)["agentInfo"]?.members?.map(\.key),
                       ["agentArn", "connectedToAgentTimestamp", "acceptedByAgentTimestamp", "hierarchyGroups", "afterContactWorkStartTimestamp", "agentInitiatedHoldDuration"])
        XCTAssertEqual(detail(.completed)["agentInfo"]?["afterContactWorkEndTimestamp"], .string("2026-05-01T10:06:00.000Z"))
        XCTAssertEqual(detail(.completed)["agentInfo"]?["afterContactWorkDuration"], .int(60))
        XCTAssertEqual(detail(.connectedToAgent)["agentInfo"]?["agentArn"], .string(F.instanceArn + "/agent/0d1e2f30-aaaa-4bbb-8ccc-ddddeeeeffff"))
        XCTAssertEqual(detail(.connectedToAgent)["agentInfo"]?["hierarchyGroups"]?["level1"]?["arn"],
                       .string(F.instanceArn + "/agent-group/6a7b8c9d-0000-4000-8000-000000000001"))
        // "queueInfo is not included in events received by EventBridge when initiationMethod is OUTBOUND".
        for e in try events(method: "OUTBOUND").all() { XCTAssertNil(e.json["detail"]?["queueInfo"], "\(e.type)") }
    }

    func testTheEnvelope() throws {
        let e = try events().all().first { $0.type == .contactDataUpdated }!
        XCTAssertEqual(e.json.members?.map(\.key), ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"])
        XCTAssertEqual(e.json["version"], .string("0"))
        XCTAssertEqual(e.json["detail-type"], .string("Amazon Connect Contact Event"))
        XCTAssertEqual(e.json["source"], .string("aws.connect"))
        XCTAssertEqual(e.json["account"], .string("123456789012"))
        XCTAssertEqual(e.json["region"], .string("us-east-1"))
        XCTAssertEqual(e.json["time"], .string("2026-05-01T10:00:40Z"))
        XCTAssertEqual(e.json["resources"], .array([.string(F.instanceArn), .string(F.contactArn)]))
        // A name-based (version 5) UUID, as EventBridge's ids are UUIDs.
        let id = try XCTUnwrap(e.json["id"]?.stringValue)
        XCTAssertNotNil(id.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/), id)
        XCTAssertEqual(try JSONParser.parse(e.bytes), e.json, "the bytes are the JSON")
        // EventBridge's time is to the second; the detail keeps the milliseconds.
        let odd = try ContactEvents(JSONParser.parse(#"{"Arn":"\#(F.contactArn)","InitiationTimestamp":1777629600.987}"#)).all()
        XCTAssertEqual(odd.first?.json["time"], .string("2026-05-01T10:00:00Z"))
        XCTAssertEqual(odd.first?.json["detail"]?["initiationTimestamp"], .string("2026-05-01T10:00:00.987Z"))
    }

    /// (a, b]: each moment belongs to exactly one of two adjacent intervals.
    func testEventsInAHalfOpenInterval() throws {
        let source = try events()
        let rows: [(a: Int64, b: Int64, events: [String])] = [
            (-10, -1, []),
            (-1, 0, ["+0 INITIATED"]),
            (0, 0, []),
            (0, 10, ["+2 CONNECTED_TO_SYSTEM", "+10 QUEUED"]),
            (10, 40, ["+40 CONTACT_DATA_UPDATED RoutingCriteria.Step.Status"]),
            (40, 359, ["+55 CONNECTED_TO_AGENT", "+300 DISCONNECTED"]),
            (359, 10_000, ["+360 COMPLETED"]),
        ]
        for row in rows {
            XCTAssertEqual(summary(source.between(after: F.at(row.a), through: F.at(row.b))), row.events, "(\(row.a), \(row.b)]")
        }
        let all = source.all()
        for cut in stride(from: Int64(-1), through: 361, by: 1) {
            let joined = source.between(after: F.at(-1), through: F.at(cut)) + source.between(after: F.at(cut), through: F.at(400))
            XCTAssertEqual(joined, all, "cut at +\(cut)")
        }
    }

    /// Ids depend only on the contact, the type, the moment (and a data update's properties):
    /// the same on every derivation, different between events, and the one Python's
    /// `uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL, "connect-mock:contact-event"), name)` gives.
    func testIdsAreDeterministic() throws {
        let first = try events().all(), again = try ContactEvents(bytes: F.bytes()).all()
        XCTAssertEqual(first.map(\.id), again.map(\.id))
        XCTAssertEqual(first, again)
        XCTAssertEqual(Set(first.map(\.id)).count, first.count)
        XCTAssertEqual(first.first?.id, "ab8954ce-eb3a-548e-8db0-e495f9ed6bc2", "INITIATED at 1777629600000, as Python computes it")
        XCTAssertEqual(ContactEvents.eventId(contactArn: F.contactArn, type: .initiated, moment: F.t0), first.first?.id)
        let variants = [
            ContactEvents.eventId(contactArn: F.contactArn + "x", type: .initiated, moment: F.t0),
            ContactEvents.eventId(contactArn: F.contactArn, type: .queued, moment: F.t0),
            ContactEvents.eventId(contactArn: F.contactArn, type: .initiated, moment: F.t0.adding(milliseconds: 1)),
            ContactEvents.eventId(contactArn: F.contactArn, type: .contactDataUpdated, moment: F.t0, updatedProperties: [.tags]),
            ContactEvents.eventId(contactArn: F.contactArn, type: .contactDataUpdated, moment: F.t0, updatedProperties: [.userDefinedAttributes]),
        ]
        XCTAssertEqual(Set(variants + [first.first!.id]).count, variants.count + 1)
        // An event made by the server for an update carries its properties, and its id is stable.
        let update = try events().event(.contactDataUpdated, at: F.at(70), updatedProperties: [.userDefinedAttributes])
        XCTAssertEqual(update.json["detail"]?["updatedProperties"], .array([.string("UserDefinedAttributes")]))
        XCTAssertEqual(update.id, try events().event(.contactDataUpdated, at: F.at(70), updatedProperties: [.userDefinedAttributes]).id)
    }

    /// SPEC §9's order over several contacts: time, then contact, then type.
    func testOrderAcrossContacts() throws {
        func contact(_ id: String, _ initiation: Int64) throws -> [ContactEvent] {
            let arn = F.instanceArn + "/contact/" + id
            return try ContactEvents(JSONParser.parse(#"{"Arn":"\#(arn)","Id":"\#(id)","Channel":"CHAT","InitiationMethod":"API","InitiationTimestamp":\#(F.s(initiation)),"ConnectedToSystemTimestamp":\#(F.s(initiation)),"DisconnectTimestamp":\#(F.s(5))}"#)).all()
        }
        let merged = (try contact("b", 0) + contact("a", 0) + contact("c", -1)).sorted(by: ContactEvent.precedes)
        XCTAssertEqual(merged.map { "\($0.contactId) \($0.type.rawValue)" }, [
            "c INITIATED", "c CONNECTED_TO_SYSTEM",
            "a INITIATED", "a CONNECTED_TO_SYSTEM", "b INITIATED", "b CONNECTED_TO_SYSTEM",
            "a DISCONNECTED", "a COMPLETED", "b DISCONNECTED", "b COMPLETED", "c DISCONNECTED", "c COMPLETED",
        ])
        XCTAssertEqual(ContactEventType.allCases.map(\.rawValue), [
            "INITIATED", "CONNECTED_TO_SYSTEM", "QUEUED", "CONTACT_DATA_UPDATED", "CONNECTED_TO_AGENT", "PAUSED", "RESUMED", "DISCONNECTED", "COMPLETED",
        ])
    }

    func testFailuresAreTyped() {
        XCTAssertThrowsError(try ContactEvents(JSONParser.parse(#"{"InitiationTimestamp":1}"#))) { XCTAssertEqual($0 as? ContactDocumentError, .missingArn) }
        XCTAssertThrowsError(try ContactEvents(JSONParser.parse(#"{"Arn":"x","InitiationTimestamp":1}"#))) { XCTAssertEqual($0 as? ContactDocumentError, .notAContactArn("x")) }
    }

    /// Over synthetic contacts of every channel: events in order, COMPLETED last, details whose
    /// eventType is the event's, ids unique.
    func testSyntheticContactsEvents() throws {
        let synth = ContactSynthesizer(instance: demoInstance, seed: 9, now: fixedNow, policy: RetentionPolicy())
        var ids = Set<String>(), types = Set<ContactEventType>()
        try synth.generate(count: 300) { r in
            let list = try ContactEvents(bytes: synth.document(for: r.recipe!)).all()
            XCTAssertEqual(list, list.sorted(by: ContactEvent.precedes))
            XCTAssertEqual(list.first?.type, .initiated)
            XCTAssertEqual(list.last?.type, .completed)
            for e in list {
                XCTAssertEqual(e.json["detail"]?["eventType"], .string(e.type.rawValue))
                XCTAssertEqual(e.json["detail"]?["contactId"], .string(r.contactId))
                XCTAssertTrue(ids.insert(e.id).inserted)
                types.insert(e.type)
            }
        }
        XCTAssertEqual(types, Set(ContactEventType.allCases), "tasks pause and resume too")
    }
}
