import ContactModel
import JSON
import Timekeeping
import XCTest

final class ContactSynthesizerTests: XCTestCase {
    /// The records of a run, each with the document its recipe makes.
    func generate(_ n: Int, seed: UInt64 = 7, now: Instant = fixedNow) -> [ContactRecord] {
        var out: [ContactRecord] = []
        let synth = ContactSynthesizer(instance: demoInstance, seed: seed, now: now, policy: RetentionPolicy())
        synth.generate(count: n) { r in
            var r = r
            r.document = synth.document(for: r.recipe!)
            out.append(r)
        }
        return out
    }

    /// The store trusts synthesis' latest timestamp in place of parsing the document: it must
    /// never be before the document's latest moment, or a contact still unfolding would be
    /// served whole.
    func testTheLatestTimestampWrittenIsNeverBeforeTheLatestMoment() throws {
        let synth = ContactSynthesizer(instance: demoInstance, seed: 11, now: fixedNow, policy: RetentionPolicy())
        var checked = 0
        try synth.generate(count: 3000) { r in
            let made = synth.documentAndLatest(for: r.recipe!)
            let timeline = try ContactTimeline(bytes: made.document)
            XCTAssertGreaterThanOrEqual(made.latest, timeline.latest)
            checked += 1
        }
        XCTAssertEqual(checked, 3000)
    }

    func testRecipesRoundTripThroughTheirBytes() {
        var seen = 0
        for r in generate(600) {
            let recipe = r.recipe!
            XCTAssertEqual(SyntheticRecipe(bytes: recipe.bytes), recipe)
            if recipe.relatedContactId != nil { seen += 1 }
        }
        XCTAssertGreaterThan(seen, 0, "no recipe carried a related contact")
        for bad: [UInt8] in [[], [1], [2] + Array(repeating: 0, count: 10), [1] + Array(repeating: 0, count: 8) + [4, 0], [1] + Array(repeating: 0, count: 8) + [2, 2]] {
            XCTAssertNil(SyntheticRecipe(bytes: bad), "\(bad)")
        }
    }

    /// The store keeps only the instance, the clock and the window start of a run; a
    /// synthesizer built from those alone makes the same bytes as the one that seeded.
    func testARunsStoredPartsMakeTheSameDocuments() {
        let seeding = ContactSynthesizer(instance: demoInstance, seed: 11, now: fixedNow, policy: RetentionPolicy())
        let reading = ContactSynthesizer(instance: demoInstance, now: seeding.now, windowStart: seeding.windowStart)
        seeding.generate(count: 700) { r in
            XCTAssertEqual(reading.document(for: r.recipe!), seeding.document(for: r.recipe!))
            XCTAssertTrue(r.document.isEmpty)
        }
    }

    func testEachContactsDocumentNamesItsRecordsKeysAndInitiation() throws {
        for r in generate(500) {
            let d = try JSONParser.parse(r.document)
            XCTAssertEqual(d["Id"]?.stringValue, r.contactId)
            XCTAssertEqual(d["InitiationTimestamp"], .number(TimestampValue.json(r.initiation)))
        }
    }

    func testDeterministic() {
        XCTAssertEqual(generate(300), generate(300))
        XCTAssertNotEqual(generate(50, seed: 1), generate(50, seed: 2))
    }

    func testEveryContactValidatesAndIsAlreadyNormalized() throws {
        let validator = ContactValidator(now: fixedNow)
        for r in generate(3000) {
            let doc = try JSONParser.parse(r.document)
            let normalized = try validator.normalize(doc, line: 1)
            XCTAssertEqual(JSONWriter.bytes(normalized), r.document, "\(r.contactId) is not in normalized form")
        }
    }

    func testRealisticAndConsistent() throws {
        let records = generate(4000)
        XCTAssertEqual(records.count, 4000)
        let docs = try records.map { try JSONParser.parse($0.document) }
        let ids = Set(records.map(\.contactId))
        var methods = Set<String>(), channels = Set<String>()
        var depth3 = 0
        let policy = RetentionPolicy()
        for d in docs {
            let method = d["InitiationMethod"]!.stringValue!, channel = d["Channel"]!.stringValue!
            methods.insert(method)
            channels.insert(channel)
            func ts(_ v: JSONValue?) -> Double? { if case .number(let n)? = v { return Double(n) } else { return nil } }
            let chain = [ts(d["InitiationTimestamp"]), ts(d["ConnectedToSystemTimestamp"]), ts(d["QueueInfo"]?["EnqueueTimestamp"]),
                         ts(d["AgentInfo"]?["ConnectedToAgentTimestamp"]), ts(d["DisconnectTimestamp"]), ts(d["LastUpdateTimestamp"])].compactMap { $0 }
            XCTAssertEqual(chain, chain.sorted(), "timestamps out of order in \(d["Id"]!)")
            let initiation = Instant(millisecondsSinceEpoch: Int64(ts(d["InitiationTimestamp"])! * 1000))
            XCTAssertNil(policy.hiddenReason(initiation: initiation, now: fixedNow))
            if ["MONITOR", "QUEUE_TRANSFER", "CALLBACK"].contains(method) { XCTAssertNil(d["SystemEndpoint"]) }
            if d["AnsweringMachineDetectionStatus"] != nil { XCTAssertEqual(channel, "VOICE") }
            if d["Campaign"] != nil { XCTAssertFalse(["INBOUND", "TRANSFER", "QUEUE_TRANSFER", "MONITOR"].contains(method)) }
            if channel == "VOICE", d["AgentInfo"] != nil { XCTAssertNotNil(d["QualityMetrics"]) }
            if channel == "CHAT" { XCTAssertNotNil(d["ChatMetrics"]) }
            if channel == "TASK" { XCTAssertNotNil(d["TaskTemplateInfo"]) }
            if channel == "EMAIL" { XCTAssertNotNil(d["AdditionalEmailRecipients"]) }
            for key in ["InitialContactId", "PreviousContactId", "RelatedContactId"] {
                if let ref = d[key]?.stringValue { XCTAssertTrue(ids.contains(ref), "\(key) \(ref) does not resolve") }
            }
            if case .array(let next)? = d["NextContacts"] {
                for n in next { XCTAssertTrue(ids.contains(n["NextContactMetadata"]!["QuickConnectContactData"]!["ContactId"]!.stringValue!)) }
            }
            if case .array(let steps)? = d["RoutingCriteria"]?["Steps"] {
                XCTAssertTrue((1...4).contains(steps.count))
                let statuses = steps.map { $0["Status"]!.stringValue! }
                let current = statuses.firstIndex(where: { $0 == "ACTIVE" || $0 == "JOINED" })!
                XCTAssertTrue(statuses[..<current].allSatisfy { $0 == "EXPIRED" }, "\(statuses)")
                XCTAssertTrue(statuses[(current + 1)...].allSatisfy { $0 == "INACTIVE" }, "\(statuses)")
                for (k, s) in steps.enumerated() {
                    XCTAssertEqual(s["Expiry"]?["DurationInSeconds"] != nil, k < steps.count - 1)
                    if statuses[k] == "EXPIRED" {
                        let e = ts(s["Expiry"]?["ExpiryTimestamp"])!
                        XCTAssertTrue(e >= ts(d["InitiationTimestamp"])! && e <= ts(d["DisconnectTimestamp"])!)
                    }
                    let depth = ContactSynthesizerTests.depth(s["Expression"]!)
                    XCTAssertTrue((1...3).contains(depth))
                    if depth == 3 { depth3 += 1 }
                }
            }
        }
        XCTAssertEqual(channels, ["VOICE", "CHAT", "TASK", "EMAIL"])
        XCTAssertEqual(methods.count, 12, "\(methods.sorted())")
        XCTAssertGreaterThan(depth3, 0)
    }

    static func depth(_ e: JSONValue) -> Int {
        for key in ["AndExpression", "OrExpression"] {
            if case .array(let children)? = e[key] { return 1 + (children.map(depth).max() ?? 0) }
        }
        return 1
    }
}
