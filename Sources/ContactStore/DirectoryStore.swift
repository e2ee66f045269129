import ContactModel
import Timekeeping

/// The directory's tables (SPEC §8): users and queues per instance, each row the normalized
/// `User` or `Queue` document served as stored, and the sizes of each synthesis run's
/// synthetic directory (its contacts draw their agents and queues from those pools when they
/// are made). Created when a store opens, beside the schema rather than in its migrations:
/// `IF NOT EXISTS` on every open costs nothing and needs no version step.
enum DirectoryTables {
    static let create = """
        CREATE TABLE IF NOT EXISTS directory_users (
            instance_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT, document BLOB NOT NULL,
            PRIMARY KEY (instance_id, id)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS directory_queues (
            instance_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT, queue_type TEXT NOT NULL, document BLOB NOT NULL,
            PRIMARY KEY (instance_id, id)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS synthetic_directories (
            run INTEGER PRIMARY KEY, users INTEGER NOT NULL, queues INTEGER NOT NULL
        )
        """

    static let deleteAll = "DELETE FROM directory_users; DELETE FROM directory_queues; DELETE FROM synthetic_directories"

    static func table(_ kind: DirectoryRecord.Kind) -> String { kind == .user ? "directory_users" : "directory_queues" }
}

/// One store's prepared directory statements and its caches of recently read documents
/// (DescribeUser and DescribeQueue serve stored bytes as DescribeContact does, and a hit costs
/// what a contact's does).
final class DirectoryAccess {
    private let db: SQLiteConnection
    /// One per kind, made on first use: two stored slots rather than a dictionary, so that a
    /// lookup mutates its cache in place.
    private var users: Table?
    private var queues: Table?

    private struct Table {
        let lookup: SQLiteConnection.Statement
        var cache: DocumentCache<SQLiteDataVersion>
    }

    init(_ db: SQLiteConnection) {
        self.db = db
    }

    func lookup(_ kind: DirectoryRecord.Kind, instanceId: String, id: String, now: UInt64) throws(StoreError) -> [UInt8]? {
        if kind == .user {
            if users == nil { users = try table(kind) }
            return try DirectoryAccess.lookup(&users!, instanceId: instanceId, id: id, now: now)
        }
        if queues == nil { queues = try table(kind) }
        return try DirectoryAccess.lookup(&queues!, instanceId: instanceId, id: id, now: now)
    }

    private func table(_ kind: DirectoryRecord.Kind) throws(StoreError) -> Table {
        Table(lookup: try db.prepare("SELECT document FROM \(DirectoryTables.table(kind)) WHERE instance_id = ?1 AND id = ?2"),
              cache: DocumentCache(source: try SQLiteDataVersion(db), limit: 4096))
    }

    private static func lookup(_ t: inout Table, instanceId: String, id: String, now: UInt64) throws(StoreError) -> [UInt8]? {
        if let hit = try t.cache.cached(instanceId: instanceId, contactId: id, now: now) { return hit.document }
        let s = t.lookup
        try s.bind([.text(instanceId), .text(id)])
        defer { s.finishReading() }
        guard try s.step() else { return nil }
        let document = s.blob(0)
        // A user or a queue has no moments: nothing to parse for the view as of the clock.
        let none = Instant(millisecondsSinceEpoch: 0)
        t.cache.insert(ContactStore.StoredContact(document: document, initiation: none, latest: none),
                       instanceId: instanceId, contactId: id)
        return document
    }
}

extension ContactStore {
    /// A user's or a queue's stored document (`kind`), or nil. `now` is the monotonic clock's
    /// reading, as for `lookup`.
    public func lookupDirectory(_ kind: DirectoryRecord.Kind, instanceId: String, id: String,
                                now: UInt64 = MonotonicClock.nanoseconds()) throws(StoreError) -> [UInt8]? {
        try directory.lookup(kind, instanceId: instanceId, id: id, now: now)
    }

    /// Inserts or replaces a user or a queue; true when it was new.
    @discardableResult
    public func upsertDirectory(_ record: DirectoryRecord) throws(StoreError) -> Bool {
        // The existence check and the write commit together, as every write of the store does.
        try writing { () throws(StoreError) -> Bool in try upsertDirectoryInTransaction(record) }
    }

    private func upsertDirectoryInTransaction(_ record: DirectoryRecord) throws(StoreError) -> Bool {
        let table = DirectoryTables.table(record.kind)
        let exists = try db.prepare("SELECT 1 FROM \(table) WHERE instance_id = ?1 AND id = ?2")
        try exists.bind([.text(record.instanceId), .text(record.id)])
        let existed = try exists.step()
        exists.finishReading()
        let name: SQLiteConnection.Statement.Value = record.name.map { .text($0) } ?? .null
        if record.kind == .user {
            try db.prepare("INSERT OR REPLACE INTO directory_users (instance_id, id, name, document) VALUES (?1, ?2, ?3, ?4)")
                .run([.text(record.instanceId), .text(record.id), name, .blob(record.document)])
        } else {
            try db.prepare("INSERT OR REPLACE INTO directory_queues (instance_id, id, name, queue_type, document) VALUES (?1, ?2, ?3, ?4, ?5)")
                .run([.text(record.instanceId), .text(record.id), name, .text(record.queueType ?? "STANDARD"), .blob(record.document)])
        }
        cache.invalidate()
        return !existed
    }

    /// Upserts every record in one transaction (the caller's when inside one).
    public func upsertDirectory(_ records: [DirectoryRecord]) throws {
        try transaction { store in
            for r in records { try store.upsertDirectory(r) }
        }
    }

    @discardableResult
    public func deleteDirectory(_ kind: DirectoryRecord.Kind, instanceId: String, id: String) throws -> Bool {
        try transaction { _ in
            try db.prepare("DELETE FROM \(DirectoryTables.table(kind)) WHERE instance_id = ?1 AND id = ?2").run([.text(instanceId), .text(id)])
            let deleted = db.changes > 0
            cache.invalidate()
            return deleted
        }
    }

    public func directoryCount(_ kind: DirectoryRecord.Kind) throws(StoreError) -> Int {
        let s = try db.prepare("SELECT count(*) FROM \(DirectoryTables.table(kind))")
        _ = try s.bind([]).step()
        return Int(s.int(0))
    }

    public struct ListedDirectoryEntry: Sendable, Equatable {
        public var instanceId: String
        public var id: String
        public var name: String?
        public var queueType: String?
        public var document: [UInt8]
    }

    /// Users or queues in (instance, id) order, strictly after `after` (an (instance, id) pair)
    /// when given; queues only of `queueTypes` when given.
    public func listDirectory(_ kind: DirectoryRecord.Kind, instanceId: String?, after: (String, String)?, limit: Int,
                              queueTypes: [String]? = nil) throws(StoreError) -> [ListedDirectoryEntry] {
        var sql = "SELECT instance_id, id, name, \(kind == .queue ? "queue_type" : "NULL"), document FROM \(DirectoryTables.table(kind)) WHERE 1=1"
        var values: [SQLiteConnection.Statement.Value] = []
        if let instanceId {
            values.append(.text(instanceId))
            sql += " AND instance_id = ?\(values.count)"
        }
        if let (i, id) = after {
            values.append(contentsOf: [.text(i), .text(id)])
            sql += " AND (instance_id, id) > (?\(values.count - 1), ?\(values.count))"
        }
        if kind == .queue, let types = queueTypes, !types.isEmpty {
            sql += " AND queue_type IN (" + types.map { t in
                values.append(.text(t))
                return "?\(values.count)"
            }.joined(separator: ", ") + ")"
        }
        values.append(.int(Int64(limit)))
        sql += " ORDER BY instance_id, id LIMIT ?\(values.count)"
        let s = try db.prepare(sql)
        try s.bind(values)
        var out: [ListedDirectoryEntry] = []
        while try s.step() {
            out.append(ListedDirectoryEntry(instanceId: s.text(0), id: s.text(1), name: s.isNull(2) ? nil : s.text(2),
                                            queueType: s.isNull(3) ? nil : s.text(3), document: s.blob(4)))
        }
        return out
    }

}

extension SQLiteConnection {
    /// Records the sizes of a synthesis run's directory, in the caller's transaction.
    func recordSyntheticDirectory(run: Int64, _ directory: SyntheticDirectory) throws(StoreError) {
        try prepare("INSERT OR REPLACE INTO synthetic_directories (run, users, queues) VALUES (?1, ?2, ?3)")
            .run([.int(run), .int(Int64(directory.userCount)), .int(Int64(directory.queueCount))])
    }

    /// The sizes of synthesis run `run`'s directory, nil for a run recorded without one.
    func syntheticDirectorySizes(run: Int64) throws(StoreError) -> (users: Int, queues: Int)? {
        let s = try prepare("SELECT users, queues FROM synthetic_directories WHERE run = ?1")
        try s.bind([.int(run)])
        defer { s.finishReading() }
        guard try s.step() else { return nil }
        return (Int(s.int(0)), Int(s.int(1)))
    }
}

