import ContactModel
import JSON
import Timekeeping

/// A SearchContacts query as the store runs it: every criterion is a condition on the search
/// columns (`StoreSchema.searchColumns`), so a page reads an index range and the rows on it,
/// never documents it does not return.
public struct ContactQuery: Sendable {
    /// The timestamp a TimeRange (or a sort) is on, by its column.
    public enum TimeField: String, Sendable, CaseIterable {
        case initiation = "initiated_at", scheduled = "scheduled_at", connectedToAgent = "agent_at"
        case disconnect = "disconnect_at", enqueue = "enqueue_at", routingExpiry = "routing_expiry_at"
    }

    public enum SortField: Sendable, Equatable {
        case time(TimeField)
        case method, channel

        var column: String {
            switch self {
            case .time(let f): f.rawValue
            case .method: "method"
            case .channel: "channel"
            }
        }

        var isText: Bool { self == .method || self == .channel }
    }

    /// Key/values criteria over a string map column (user attributes, segment attributes):
    /// one matches when the key is present with one of the values (any value when `values` is
    /// empty); `all` requires every criterion, else any.
    public struct MapCriteria: Sendable {
        public var criteria: [(key: String, values: [String])]
        public var all: Bool

        public init(criteria: [(key: String, values: [String])], all: Bool) {
            self.criteria = criteria
            self.all = all
        }
    }

    /// ControlPlaneTagFilter: a tag is a key with a value (any value when nil).
    public struct Tag: Sendable {
        public var key: String
        public var value: String?

        public init(key: String, value: String?) {
            self.key = key
            self.value = value
        }
    }

    /// The tag filter's members, all of which must hold: `anyOf` is an OR of ANDs.
    public struct TagFilter: Sendable {
        public var anyOf: [[Tag]]?
        public var allOf: [Tag]?
        public var tag: Tag?

        public init(anyOf: [[Tag]]?, allOf: [Tag]?, tag: Tag?) {
            self.anyOf = anyOf
            self.allOf = allOf
            self.tag = tag
        }
    }

    public var instanceId: String
    public var timeField: TimeField = .initiation
    public var start: Instant
    public var end: Instant
    public var channels: [String]?
    public var methods: [String]?
    public var queueIds: [String]?
    public var agentIds: [String]?
    /// L1Ids to L5Ids; nil or empty for a level that is not constrained.
    public var hierarchy: [[String]?] = Array(repeating: nil, count: 5)
    public var attributes: MapCriteria?
    public var segments: MapCriteria?
    public var tags: TagFilter?
    public var sort: SortField = .time(.initiation)
    public var ascending = false

    public init(instanceId: String, timeField: TimeField, start: Instant, end: Instant) {
        self.instanceId = instanceId
        self.timeField = timeField
        self.start = start
        self.end = end
    }
}

/// Where a page starts: the sort value and id of the last contact of the page before.
public struct SearchCursor: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case int(Int64), text(String), null
    }

    public var value: Value
    public var contactId: String

    public init(value: Value, contactId: String) {
        self.value = value
        self.contactId = contactId
    }
}

public struct SearchPage: Sendable {
    public struct Hit: Sendable {
        public var contactId: String
        public var cursor: SearchCursor
        public var document: [UInt8]
        /// The contact's latest moment when synthesis knows it (nil for a stored document).
        public var latest: Instant?
    }

    public var hits: [Hit]
    public var total: Int
    /// Whether contacts follow the last hit.
    public var more: Bool
}

extension ContactStore {
    /// The WHERE clause of `query` (visibility at `now` under `policy` included) and its values.
    static func searchCondition(_ q: ContactQuery, policy: RetentionPolicy, now: Instant) -> (String, [SQLiteConnection.Statement.Value]) {
        // With a TimeRange on another timestamp, the visibility bounds on initiated_at are kept
        // from the index choice (unary `+`): SQLite took them as a range of the initiation index,
        // which is every visible contact, rather than the TimeRange's own index.
        let initiated = q.timeField == .initiation ? "initiated_at" : "+initiated_at"
        var sql = "instance_id = ? AND \(q.timeField.rawValue) BETWEEN ? AND ? AND \(initiated) >= ? AND \(initiated) <= ? AND expires_at > ?"
        var values: [SQLiteConnection.Statement.Value] = [
            .text(q.instanceId), .int(q.start.millisecondsSinceEpoch), .int(q.end.millisecondsSinceEpoch),
            .int(policy.cutoff.millisecondsSinceEpoch), .int(now.millisecondsSinceEpoch), .int(now.millisecondsSinceEpoch),
        ]
        func placeholders(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ", ") }
        func list(_ column: String, _ items: [String]?) {
            guard let items, !items.isEmpty else { return }
            sql += " AND \(column) IN (\(placeholders(items.count)))"
            values += items.map { .text($0) }
        }
        list("channel", q.channels)
        list("method", q.methods)
        list("queue_id", q.queueIds)
        list("agent_id", q.agentIds)
        for (level, ids) in q.hierarchy.enumerated() {
            guard let ids, !ids.isEmpty else { continue }
            sql += " AND json_extract(hierarchy, '$[\(level)]') IN (\(placeholders(ids.count)))"
            values += ids.map { .text($0) }
        }
        func map(_ column: String, _ m: ContactQuery.MapCriteria?) {
            guard let m, !m.criteria.isEmpty else { return }
            let parts = m.criteria.map { c -> String in
                values.append(.text(c.key))
                if c.values.isEmpty { return "EXISTS (SELECT 1 FROM json_each(\(column)) WHERE key = ?)" }
                values += c.values.map { .text($0) }
                return "EXISTS (SELECT 1 FROM json_each(\(column)) WHERE key = ? AND value IN (\(placeholders(c.values.count))))"
            }
            sql += " AND (" + parts.joined(separator: m.all ? " AND " : " OR ") + ")"
        }
        map("attributes", q.attributes)
        map("segments", q.segments)
        func tag(_ t: ContactQuery.Tag) -> String {
            values.append(.text(t.key))
            guard let v = t.value else { return "EXISTS (SELECT 1 FROM json_each(tags) WHERE key = ?)" }
            values.append(.text(v))
            return "EXISTS (SELECT 1 FROM json_each(tags) WHERE key = ? AND value = ?)"
        }
        if let f = q.tags {
            if let any = f.anyOf, !any.isEmpty {
                let groups = any.map { group in group.isEmpty ? "1" : "(" + group.map(tag).joined(separator: " AND ") + ")" }
                sql += " AND (" + groups.joined(separator: " OR ") + ")"
            }
            if let all = f.allOf, !all.isEmpty { sql += " AND " + all.map(tag).joined(separator: " AND ") }
            if let t = f.tag { sql += " AND " + tag(t) }
        }
        return (sql, values)
    }

    /// The page query: the condition, the start after `cursor`, the order (the sort, then the
    /// contact id in the same direction, so that the order is total) and the limit.
    static func pageStatement(_ q: ContactQuery, policy: RetentionPolicy, now: Instant, after cursor: SearchCursor?, limit: Int)
        -> (String, [SQLiteConnection.Statement.Value]) {
        var (condition, values) = searchCondition(q, policy: policy, now: now)
        let s = q.sort.column
        if let cursor {
            // SQLite sorts NULL first ascending and last descending.
            let id = SQLiteConnection.Statement.Value.text(cursor.contactId)
            let v: SQLiteConnection.Statement.Value
            switch cursor.value {
            case .int(let n): v = .int(n)
            case .text(let t): v = .text(t)
            case .null: v = .null
            }
            switch (q.ascending, cursor.value == .null) {
            case (true, true):
                condition += " AND ((\(s) IS NULL AND contact_id > ?) OR \(s) IS NOT NULL)"
                values += [id]
            case (true, false):
                condition += " AND (\(s) > ? OR (\(s) = ? AND contact_id > ?))"
                values += [v, v, id]
            case (false, true):
                condition += " AND (\(s) IS NULL AND contact_id < ?)"
                values += [id]
            case (false, false):
                condition += " AND (\(s) < ? OR (\(s) = ? AND contact_id < ?) OR \(s) IS NULL)"
                values += [v, v, id]
            }
        }
        let direction = q.ascending ? "ASC" : "DESC"
        // Ids only: the scan stays in the index when it covers the condition (selecting the
        // document made SQLite look up every row of the range when filtering on the queue or
        // agent id: 30 to 110 ms for a 7-day range of a million contacts, instead of 1 to 2).
        let sql = "SELECT contact_id, \(s), id FROM contacts WHERE \(condition)"
            + " ORDER BY \(s) \(direction), contact_id \(direction) LIMIT ?"
        return (sql, values + [.int(Int64(limit))])
    }

    /// One page of `query`'s matches visible at `now`, after `cursor`, and how many match in all.
    public func search(_ query: ContactQuery, policy: RetentionPolicy, now: Instant, after cursor: SearchCursor?, limit: Int) throws(StoreError) -> SearchPage {
        // One read transaction: the count and the page see the same commit.
        let ownRead = !inTransaction
        if ownRead { try db.execute("BEGIN") }
        defer { if ownRead { try? db.execute("COMMIT") } }
        let (countCondition, countValues) = ContactStore.searchCondition(query, policy: policy, now: now)
        let count = try db.prepare("SELECT count(*) FROM contacts WHERE " + countCondition)
        try count.bind(countValues)
        _ = try count.step()
        let total = Int(count.int(0))
        count.finishReading()
        let (sql, values) = ContactStore.pageStatement(query, policy: policy, now: now, after: cursor, limit: limit + 1)
        let page = try db.prepare(sql)
        try page.bind(values)
        var found: [(id: String, cursor: SearchCursor, row: Int64)] = []
        var more = false
        while try page.step() {
            if found.count == limit {
                more = true
                break
            }
            let id = page.text(0)
            let value: SearchCursor.Value = page.isNull(1) ? .null : query.sort.isText ? .text(page.text(1)) : .int(page.int(1))
            found.append((id, SearchCursor(value: value, contactId: id), page.int(2)))
        }
        page.finishReading()
        let read = try db.prepare("SELECT document, initiated_at, synthesis_run, recipe FROM contacts WHERE id = ?1")
        var hits: [SearchPage.Hit] = []
        hits.reserveCapacity(found.count)
        for f in found {
            try read.bind([.int(f.row)])
            guard try read.step() else { throw .unreadable(path: path, reason: "contact row \(f.row) vanished inside a read") }
            let row = try runs.documentAndLatest(read, from: 0)
            hits.append(SearchPage.Hit(contactId: f.id, cursor: f.cursor, document: row.document, latest: row.latest))
            read.finishReading()
        }
        return SearchPage(hits: hits, total: total, more: more)
    }

    /// SQLite's plan for `query`'s page (`EXPLAIN QUERY PLAN`), one line per step; for checks
    /// that a search reads an index range rather than the table.
    public func searchPlan(_ query: ContactQuery, policy: RetentionPolicy, now: Instant, after cursor: SearchCursor? = nil) throws(StoreError) -> [String] {
        let (sql, values) = ContactStore.pageStatement(query, policy: policy, now: now, after: cursor, limit: 100)
        let s = try db.prepare("EXPLAIN QUERY PLAN " + sql)
        try s.bind(values)
        var out: [String] = []
        while try s.step() { out.append(s.text(3)) }
        return out
    }
}

/// User attributes of contact chains (SPEC §8): a chain is the contacts with one
/// InitialContactId (a contact without one is its own initial contact), and they share one map.
extension ContactStore {
    /// The chain of a stored contact and the contact's initiation; nil when it is not stored.
    public func chain(instanceId: String, contactId: String) throws(StoreError) -> (chainId: String, initiation: Instant)? {
        let s = try db.prepare("SELECT chain_id, initiated_at FROM contacts WHERE instance_id = ?1 AND contact_id = ?2")
        try s.bind([.text(instanceId), .text(contactId)])
        defer { s.finishReading() }
        guard try s.step() else { return nil }
        return (s.text(0), Instant(millisecondsSinceEpoch: s.int(1)))
    }

    /// The chain's attributes: the initial contact's, or (when it is not stored) those of the
    /// chain's earliest contact; empty when none has any.
    public func chainAttributes(instanceId: String, chainId: String) throws(StoreError) -> [JSONMember] {
        let s = try db.prepare("""
            SELECT attributes FROM contacts WHERE instance_id = ?1 AND chain_id = ?2
            ORDER BY contact_id = chain_id DESC, initiated_at, contact_id LIMIT 1
            """)
        try s.bind([.text(instanceId), .text(chainId)])
        defer { s.finishReading() }
        guard try s.step(), !s.isNull(0), let parsed = try? JSONParser.parse(Array(s.text(0).utf8)), let members = parsed.members else { return [] }
        return members
    }

    /// Replaces the chain's attributes with `merge(current)` and sets `LastUpdateTimestamp` to
    /// `now` on every contact of the chain, in one transaction: each document is read (made
    /// from its recipe for a synthetic contact, which then becomes a stored document), given
    /// the new members, put in the model's order by `normalize`, and written back. Every
    /// store's document cache sees the write (`transaction` counts it for the process, and
    /// SQLite's data_version moves for other processes). Returns the documents written, by
    /// contact id, for the events of the update.
    @discardableResult
    public func updateChainAttributes(instanceId: String, chainId: String, now: Instant,
                                      normalize: (JSONValue) throws -> JSONValue,
                                      merge: ([JSONMember]) throws -> [JSONMember]) throws -> [(contactId: String, document: [UInt8])] {
        try transaction { store in
            let merged = try merge(try store.chainAttributes(instanceId: instanceId, chainId: chainId))
            let read = try db.prepare("SELECT id, document, initiated_at, synthesis_run, recipe, contact_id FROM contacts WHERE instance_id = ?1 AND chain_id = ?2")
            try read.bind([.text(instanceId), .text(chainId)])
            var rows: [(id: Int64, document: [UInt8], contactId: String)] = []
            while try read.step() { rows.append((read.int(0), try runs.document(read, from: 1), read.text(5))) }
            read.finishReading()
            let update = try db.prepare("UPDATE contacts SET document = ?2, synthesis_run = NULL, recipe = NULL, attributes = ?3 WHERE id = ?1")
            let attributesText = merged.isEmpty ? SQLiteConnection.Statement.Value.null : .text(JSONWriter.string(.object(merged)))
            var written: [(contactId: String, document: [UInt8])] = []
            for row in rows {
                guard case .object(var members) = try JSONParser.parse(row.document) else { continue }
                members.removeAll { $0.key == "Attributes" || $0.key == "LastUpdateTimestamp" }
                members.append(JSONMember(key: "Attributes", value: .object(merged)))
                members.append(JSONMember(key: "LastUpdateTimestamp", value: .number(TimestampValue.json(now))))
                let normalized = try normalize(.object(members))
                let bytes = JSONWriter.bytes(normalized)
                try update.run([.int(row.id), .blob(bytes), attributesText])
                written.append((row.contactId, bytes))
            }
            cache.invalidate()
            return written
        }
    }
}
