import ContactModel
@testable import ContactStore
import Foundation
import JSON
import Timekeeping
import XCTest

final class ContactSearchTests: XCTestCase {
    let policy = RetentionPolicy()
    var now: Instant { synthesizer.now }

    /// A store holding the store tests' 1,500 synthetic contacts, seeded as `seed` does.
    func seeded(path: String = ":memory:") throws -> ContactStore {
        let store = try ContactStore(path: path)
        let records = synthetic
        try store.bulkSeed(syntheticCount: records.count) { seed in
            try seed.synthesize(synthesizer) { load in
                for r in records { try load.write(r, policy: policy) }
            }
        }
        return store
    }

    /// Every page of `query`, `limit` at a time, following the cursors.
    func allPages(_ store: ContactStore, _ query: ContactQuery, limit: Int) throws -> (ids: [String], totals: Set<Int>) {
        var ids: [String] = []
        var totals: Set<Int> = []
        var cursor: SearchCursor?
        repeat {
            let page = try store.search(query, policy: policy, now: now, after: cursor, limit: limit)
            ids += page.hits.map(\.contactId)
            totals.insert(page.total)
            cursor = page.more ? page.hits.last?.cursor : nil
        } while cursor != nil
        return (ids, totals)
    }

    /// What the query should find, by reading every document: the reference the SQL is held to.
    func bruteForce(_ docs: [(id: String, fields: SearchFields, initiation: Int64)], _ q: ContactQuery) -> [String] {
        func time(_ f: ContactQuery.TimeField, _ d: (id: String, fields: SearchFields, initiation: Int64)) -> Int64? {
            switch f {
            case .initiation: d.initiation
            case .scheduled: d.fields.scheduled
            case .connectedToAgent: d.fields.connectedToAgent
            case .disconnect: d.fields.disconnect
            case .enqueue: d.fields.enqueue
            case .routingExpiry: d.fields.routingExpiry
            }
        }
        func mapHas(_ json: String?, _ key: String, _ values: [String]) -> Bool {
            guard let json, let v = try? JSONParser.parse(json), let s = v[key]?.stringValue else { return false }
            return values.isEmpty || values.contains(s)
        }
        let matching = docs.filter { d in
            guard let t = time(q.timeField, d), t >= q.start.millisecondsSinceEpoch, t <= q.end.millisecondsSinceEpoch else { return false }
            if policy.hiddenReason(initiation: Instant(millisecondsSinceEpoch: d.initiation), now: now) != nil { return false }
            if let c = q.channels, !c.isEmpty, !c.contains(d.fields.channel) { return false }
            if let m = q.methods, !m.isEmpty, !m.contains(d.fields.method) { return false }
            if let x = q.queueIds, !x.isEmpty, !x.contains(d.fields.queueId ?? "\u{0}") { return false }
            if let x = q.agentIds, !x.isEmpty, !x.contains(d.fields.agentId ?? "\u{0}") { return false }
            if let a = q.attributes, !a.criteria.isEmpty {
                let hits = a.criteria.map { mapHas(d.fields.attributes, $0.key, $0.values) }
                if a.all ? hits.contains(false) : !hits.contains(true) { return false }
            }
            return true
        }
        func key(_ d: (id: String, fields: SearchFields, initiation: Int64)) -> SearchCursor.Value {
            switch q.sort {
            case .channel: .text(d.fields.channel)
            case .method: .text(d.fields.method)
            case .time(let f): time(f, d).map { .int($0) } ?? .null
            }
        }
        func less(_ a: SearchCursor.Value, _ b: SearchCursor.Value) -> Bool {
            switch (a, b) {
            case (.null, .null): false
            case (.null, _): true
            case (_, .null): false
            case (.int(let x), .int(let y)): x < y
            case (.text(let x), .text(let y)): x.utf8.lexicographicallyPrecedes(y.utf8)
            default: false
            }
        }
        let sorted = matching.sorted { a, b in
            let ka = key(a), kb = key(b)
            if ka == kb { return a.id.utf8.lexicographicallyPrecedes(b.id.utf8) }
            return less(ka, kb)
        }
        return (q.ascending ? sorted : sorted.reversed()).map(\.id)
    }

    func testSearchAgreesWithReadingEveryDocument() throws {
        let store = try seeded()
        let docs = synthetic.map { r in
            (id: r.contactId, fields: SearchFields(document: synthesizer.document(for: r.recipe!))!, initiation: r.initiation.millisecondsSinceEpoch)
        }
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        let window = (start: synthesizer.windowStart.millisecondsSinceEpoch, end: now.millisecondsSinceEpoch)
        let channels = ["VOICE", "CHAT", "TASK", "EMAIL"]
        let methods = Array(Set(docs.map(\.fields.method))).sorted()
        let queues = Array(Set(docs.compactMap(\.fields.queueId))).sorted()
        let sorts: [ContactQuery.SortField] = [.time(.initiation), .time(.scheduled), .time(.connectedToAgent), .time(.disconnect),
                                               .method, .channel, .time(.routingExpiry)]
        let fields: [ContactQuery.TimeField] = [.initiation, .scheduled, .connectedToAgent, .disconnect, .enqueue]
        for round in 0..<120 {
            let a = window.start + Int64(next(Int(window.end - window.start)))
            let b = window.start + Int64(next(Int(window.end - window.start)))
            var q = ContactQuery(instanceId: "s", timeField: fields[next(fields.count)], start: Instant(millisecondsSinceEpoch: min(a, b)),
                                 end: Instant(millisecondsSinceEpoch: max(a, b)))
            if next(2) == 0 { q.channels = [channels[next(4)], channels[next(4)]] }
            if next(3) == 0 { q.methods = [methods[next(methods.count)]] }
            if next(5) == 0 { q.queueIds = [queues[next(queues.count)], queues[next(queues.count)]] }
            if next(4) == 0 {
                q.attributes = .init(criteria: [(key: "language", values: ["en-US"]), (key: "accountTier", values: next(2) == 0 ? [] : ["gold"])],
                                     all: next(2) == 0)
            }
            q.sort = sorts[next(sorts.count)]
            q.ascending = next(2) == 0
            let expected = bruteForce(docs, q)
            let got = try allPages(store, q, limit: [1, 7, 100][next(3)])
            XCTAssertEqual(got.ids, expected, "round \(round): \(q)")
            XCTAssertEqual(got.totals, [expected.count], "round \(round)")
        }
    }

    /// The scanner that skips what it does not need reads what a parse of the whole document reads.
    func testScannedFieldsEqualParsedFields() throws {
        for r in synthetic {
            let document = synthesizer.document(for: r.recipe!)
            let whole = SearchFields(contact: try JSONParser.parse(document))
            XCTAssertEqual(SearchFields(document: document), whole)
        }
        let odd = Array(#"{ "Id" : "x\"y", "Tags":{"a\u0041":"b"}, "Channel":"VOICE", "N":[1,{"c":"}"}], "InitiationMethod":"API", "Z":true}"#.utf8)
        XCTAssertEqual(SearchFields(document: odd), SearchFields(contact: try JSONParser.parse(odd)))
        XCTAssertNil(SearchFields(document: Array("[1]".utf8)))
    }

    /// The byte-copying summary holds what a summary built from parsed values holds.
    func testSummaryBytesEqualTheParsedSummary() throws {
        func reference(_ c: JSONValue) -> JSONValue {
            var out: [JSONMember] = []
            for key in ["Arn", "Id", "InitialContactId", "PreviousContactId", "InitiationMethod", "Channel", "QueueInfo", "AgentInfo",
                        "InitiationTimestamp", "DisconnectTimestamp", "ScheduledTimestamp", "SegmentAttributes", "Name", "RoutingCriteria",
                        "Tags", "GlobalResiliencyMetadata"] {
                guard let v = c[key] else { continue }
                func pick(_ o: JSONValue, _ names: [String]) -> JSONValue? {
                    let kept = names.compactMap { n in o[n].map { JSONMember(key: n, value: $0) } }
                    return kept.isEmpty ? nil : .object(kept)
                }
                switch key {
                case "QueueInfo": if let p = pick(v, ["Id", "EnqueueTimestamp"]) { out.append(JSONMember(key: key, value: p)) }
                case "AgentInfo": if let p = pick(v, ["Id", "ConnectedToAgentTimestamp"]) { out.append(JSONMember(key: key, value: p)) }
                case "SegmentAttributes":
                    let kept = (v.members ?? []).compactMap { m in pick(m.value, ["ValueString", "ValueMap"]).map { JSONMember(key: m.key, value: $0) } }
                    if !kept.isEmpty { out.append(JSONMember(key: key, value: .object(kept))) }
                default: out.append(JSONMember(key: key, value: v))
                }
            }
            return .object(out)
        }
        var docs = synthetic.prefix(400).map { synthesizer.document(for: $0.recipe!) }
        docs.append(Array(#"{"Id":"a","AgentInfo":{"DeviceInfo":{"PlatformName":"x"}},"SegmentAttributes":{"s":{"ValueInteger":3},"t":{"ValueString":"v"}}}"#.utf8))
        for doc in docs {
            var bytes: [UInt8] = []
            XCTAssertTrue(SearchSummary.append(doc, to: &bytes))
            XCTAssertEqual(try JSONParser.parse(bytes), reference(try JSONParser.parse(doc)))
        }
    }

    /// A page's cursor gives the same next page every time while the store is unchanged.
    func testPagesAreStable() throws {
        let store = try seeded()
        var q = ContactQuery(instanceId: "s", timeField: .initiation, start: synthesizer.windowStart, end: now)
        q.sort = .channel
        let whole = try allPages(store, q, limit: 100)
        XCTAssertEqual(try allPages(store, q, limit: 13).ids, whole.ids)
        XCTAssertEqual(try allPages(store, q, limit: 13).ids, whole.ids)
        XCTAssertEqual(Set(whole.ids).count, whole.ids.count)
    }

    /// For each TimeRange type with a criterion and the default sort, SQLite reads an index
    /// range of contacts, never the whole table.
    func testPlansUseAnIndex() throws {
        let store = try seeded()
        for field in [ContactQuery.TimeField.initiation, .scheduled, .connectedToAgent, .disconnect, .enqueue] {
            for criterion in 0..<3 {
                var q = ContactQuery(instanceId: "s", timeField: field, start: synthesizer.windowStart, end: now)
                switch criterion {
                case 0: q.channels = ["VOICE"]
                case 1: q.queueIds = ["q"]
                default: q.agentIds = ["a"]
                }
                for cursor in [nil, SearchCursor(value: .int(1), contactId: "x")] {
                    let plan = try store.searchPlan(q, policy: policy, now: now, after: cursor)
                    let reads = plan.filter { $0.contains(" contacts") }
                    XCTAssertFalse(reads.isEmpty, "\(field) \(criterion): \(plan)")
                    for step in reads {
                        XCTAssertTrue(step.hasPrefix("SEARCH contacts USING "), "\(field) criterion \(criterion): \(plan)")
                    }
                    // The range read is the TimeRange's own (the queue and agent indexes also
                    // hold a range of initiations; with a channel only the time index can).
                    let own = ["initiated_at": "contacts_by_time", "scheduled_at": "contacts_by_scheduled", "agent_at": "contacts_by_agent_time",
                               "disconnect_at": "contacts_by_disconnect", "enqueue_at": "contacts_by_enqueue"][field.rawValue]!
                    if criterion == 0 {
                        XCTAssertTrue(reads.contains { $0.contains("INDEX \(own) ") && $0.contains("\(field.rawValue)>?") }, "\(field): \(plan)")
                    }
                }
            }
        }
    }

    /// An update reaches every contact of the chain: documents (synthetic ones become stored
    /// documents), the search columns and the chain's map.
    func testChainAttributesUpdateEveryContact() throws {
        let store = try seeded()
        let records = synthetic
        let byChain = Dictionary(grouping: records) { r in SearchFields(document: synthesizer.document(for: r.recipe!))!.chainId }
        let (chain, members) = byChain.first { $0.value.count >= 2 }!
        let later = now.adding(seconds: 60)
        try store.updateChainAttributes(instanceId: "s", chainId: chain, now: later, normalize: { try ContactValidator(now: later, unknownMembers: .keep).normalize($0, line: 0) },
                                        merge: { current in current.filter { $0.key != "zz" } + [JSONMember(key: "zz", value: .string("1"))] })
        for r in members {
            let doc = try JSONParser.parse(try XCTUnwrap(store.lookup(instanceId: "s", contactId: r.contactId)).document)
            XCTAssertEqual(doc["Attributes"]?["zz"], .string("1"))
            XCTAssertEqual(doc["LastUpdateTimestamp"], .number(TimestampValue.json(later)))
        }
        XCTAssertEqual(try store.chainAttributes(instanceId: "s", chainId: chain).last, JSONMember(key: "zz", value: .string("1")))
        var q = ContactQuery(instanceId: "s", timeField: .initiation, start: synthesizer.windowStart, end: now)
        q.attributes = .init(criteria: [(key: "zz", values: ["1"])], all: true)
        XCTAssertEqual(Set(try allPages(store, q, limit: 100).ids), Set(members.map(\.contactId)))
    }

    /// A version-4 file (no search columns) opens with every row's search fields read from its
    /// document, synthetic rows included.
    func testMigratesVersion4() throws {
        let path = temporaryStorePath("v4")
        defer { removeStoreFiles(path) }
        var expected: [String: SearchFields] = [:]
        do {
            let store = try seeded(path: path)
            try store.upsert(ContactRecord(instanceId: "s", contactId: "doc", initiation: now,
                                           document: Array(#"{"Id":"doc","Channel":"VOICE","InitiationMethod":"API","InitiationTimestamp":1750000000,"Attributes":{"a":"b"}}"#.utf8)),
                             policy: policy)
            let s = try store.db.prepare("SELECT contact_id, " + StoreSchema.searchColumns.map(\.name).joined(separator: ", ") + " FROM contacts")
            try s.bind([])
            while try s.step() {
                var f = SearchFields()
                f.channel = s.text(1)
                f.chainId = s.text(3)
                f.attributes = s.isNull(12) ? nil : s.text(12)
                expected[s.text(0)] = f
            }
        }
        let drop = StoreSchema.searchColumns.map { "ALTER TABLE contacts DROP COLUMN \($0.name);" }.joined()
        let script = """
            DROP INDEX contacts_by_chain; DROP INDEX contacts_by_scheduled; DROP INDEX contacts_by_agent_time; DROP INDEX contacts_by_disconnect;
            DROP INDEX contacts_by_enqueue; DROP INDEX contacts_by_queue; DROP INDEX contacts_by_agent; DROP INDEX contacts_by_time; \(drop)
            CREATE INDEX contacts_by_time ON contacts (instance_id, initiated_at, contact_id); PRAGMA user_version = 4;
            """
        try writeWithPythonSQLite(path, script)
        let store = try ContactStore(path: path)
        XCTAssertEqual(try store.indexNames(), ContactStoreTests.allIndexes)
        let s = try store.db.prepare("SELECT contact_id, channel, chain_id, attributes FROM contacts")
        try s.bind([])
        var seen = 0
        while try s.step() {
            let f = try XCTUnwrap(expected[s.text(0)])
            XCTAssertEqual(s.text(1), f.channel)
            XCTAssertEqual(s.text(2), f.chainId)
            XCTAssertEqual(s.isNull(3) ? nil : s.text(3), f.attributes)
            XCTAssertFalse(f.channel.isEmpty)
            seen += 1
        }
        XCTAssertEqual(seen, 1501)
    }
}
