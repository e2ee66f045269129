import ContactModel
import Timekeeping

/// The contacts file: lookup, write, delete, list, count and purge over one SQLite connection.
/// The rest of the store's work lives beside it, each in its own file: the schema and its
/// migrations (`StoreSchema`), the document cache and its freshness check (`DocumentCache`),
/// synthetic contacts' recipe expansion (`SyntheticRuns`) and seeding (`BulkSeed`).
///
/// One store per thread: the server's loop owns one, the seed command owns one. SQLite in WAL
/// mode lets those readers and one writer work side by side without `database is locked`.
public final class ContactStore {
    let db: SQLiteConnection
    private let lookupStatement: SQLiteConnection.Statement
    private var upsertPrepared: SQLiteConnection.Statement?
    private var insertPrepared: SQLiteConnection.Statement?
    /// Inside `transaction`: writes join it rather than commit on their own.
    private(set) var inTransaction = false
    public let path: String
    /// Unchecked for exclusivity: `lookup` holds it across `cached`'s call into SQLite (the
    /// version check), so the compiler could not prove accesses never overlap and checked each
    /// lookup at run time (150 instructions per request, measured with `bench/callgrind.py`).
    /// A store belongs to one thread and nothing reenters it from SQLite.
    @exclusivity(unchecked) var cache: DocumentCache<SQLiteDataVersion>
    var runs: SyntheticRuns
    /// The users' and queues' lookups (`DirectoryStore`).
    let directory: DirectoryAccess

    /// Opens (creating when absent) and migrates the store. `":memory:"` gives a private
    /// in-memory store.
    public init(path: String, readOnly: Bool = false) throws(StoreError) {
        self.path = path
        db = try SQLiteConnection(path: path, readOnly: readOnly)
        if !readOnly {
            // 16 KiB pages hold several 2-5 KB documents each; with 4 KiB pages most rows
            // spill into overflow pages. Only takes effect while the file is still empty.
            try db.execute("PRAGMA page_size=16384")
            if path != ":memory:" { try db.execute("PRAGMA journal_mode=WAL") }
            try db.execute("PRAGMA synchronous=NORMAL")
            // 64 MiB of page cache: seeds insert random UUID keys all over the B-trees, and a
            // small cache turns that into a read and a write per row.
            try db.execute("PRAGMA cache_size=-65536")
            // The directory's tables first: the migration makes synthetic documents, whose
            // synthesizer reads its run's directory sizes.
            try db.execute(DirectoryTables.create)
            try StoreSchema.migrate(db)
        }
        lookupStatement = try db.prepare("SELECT document, initiated_at, synthesis_run, recipe FROM contacts WHERE instance_id = ?1 AND contact_id = ?2")
        cache = DocumentCache(source: try SQLiteDataVersion(db))
        runs = SyntheticRuns(db)
        directory = DirectoryAccess(db)
    }

    /// Mirrors the configured instances into the file, for whoever inspects it with sqlite3.
    public func recordInstances(_ instances: [InstanceInfo]) throws {
        try transaction { _ in
            try db.execute("DELETE FROM instances")
            let insert = try db.prepare("INSERT INTO instances (id, region, account_id, alias) VALUES (?1, ?2, ?3, ?4)")
            for i in instances {
                try insert.run([.text(i.id), .text(i.region), .text(i.accountId), i.alias.map { .text($0) } ?? .null])
            }
        }
    }

    public struct StoredContact: Sendable {
        public var document: [UInt8]
        public var initiation: Instant
        /// The contact's latest moment (SPEC §9): at or after it the view as of the clock is the
        /// stored bytes, so the common lookup of a past contact costs one comparison. Read once
        /// when the document enters the cache.
        public var latest: Instant

        public init(document: [UInt8], initiation: Instant, latest: Instant? = nil) {
            self.document = document
            self.initiation = initiation
            self.latest = latest ?? (try? ContactTimeline(bytes: document))?.latest ?? initiation
        }
    }

    /// `now` is the monotonic clock's reading, which decides whether another process's commit
    /// must be asked about; the server passes the one it took when the request arrived.
    ///
    /// On the request path: a hit costs the cache's check and nothing else (no allocation, no
    /// lock); a miss one prepared statement and, for a synthetic contact, one synthesis.
    public func lookup(instanceId: String, contactId: String, now: UInt64 = MonotonicClock.nanoseconds()) throws(StoreError) -> StoredContact? {
        if let hit = try cache.cached(instanceId: instanceId, contactId: contactId, now: now) { return hit }
        try lookupStatement.bind([.text(instanceId), .text(contactId)])
        defer { lookupStatement.finishReading() }
        guard try lookupStatement.step() else { return nil }
        let row = try runs.documentAndLatest(lookupStatement, from: 0)
        let found = StoredContact(document: row.document, initiation: Instant(millisecondsSinceEpoch: lookupStatement.int(1)), latest: row.latest)
        cache.insert(found, instanceId: instanceId, contactId: contactId)
        return found
    }

    /// How long a write waits for another connection's lock before failing as `.busy` (5 s
    /// unless set); tests shorten it.
    var busyTimeoutMilliseconds: Int32 = 5000 {
        didSet { db.setBusyTimeout(milliseconds: busyTimeoutMilliseconds) }
    }

    /// Caps the file at `pages` pages for this connection (SQLite's `max_page_count`): a write
    /// that needs more fails as `StoreError.full`, as on a full disk. Tests of that path use
    /// it; a full disk cannot be had on demand.
    public func capPages(_ pages: Int) throws(StoreError) {
        try db.execute("PRAGMA max_page_count = \(pages)")
    }

    public func count() throws(StoreError) -> Int {
        let s = try db.prepare("SELECT count(*) FROM contacts")
        _ = try s.bind([]).step()
        return Int(s.int(0))
    }

    /// True when the contacts table has no row.
    func isEmpty() throws(StoreError) -> Bool {
        let probe = try db.prepare("SELECT EXISTS (SELECT 1 FROM contacts)")
        _ = try probe.bind([]).step()
        return probe.int(0) == 0
    }

    /// Writes inside one transaction; any error rolls everything back.
    ///
    /// Called inside another transaction of this store, `body` joins that one: a seed's
    /// writes and the count a reset answers share the seed's transaction (`bulkSeed`), so
    /// the count is the one its commit left. Seeds open theirs with `bulkSeed`, which also
    /// sets the file's modes for them.
    public func transaction<T>(_ body: (ContactStore) throws -> T) throws -> T {
        if inTransaction { return try body(self) }
        try db.execute("BEGIN IMMEDIATE")
        inTransaction = true
        defer { inTransaction = false }
        cache.forget()
        do {
            let result = try body(self)
            try db.execute("COMMIT")
            cache.invalidate()
            return result
        } catch {
            try? db.execute("ROLLBACK")
            cache.forget()
            throw error
        }
    }

    /// A stored contact as `update` hands it to its change.
    public struct Current: Sendable {
        public var document: [UInt8]
        public var initiation: Instant
    }

    /// One contact read, changed and written back in one write transaction, so that no other
    /// connection commits between the read and the write (StopContact: an attribute update on
    /// another worker in between would otherwise be written over). `change` gets the contact as
    /// stored now and gives its new document; what it throws rolls back and is rethrown. The
    /// row is read from the file, not the cache, and no document is parsed here. Returns what
    /// was written, or nil when there is no such contact (and `change` is not called).
    public func update(instanceId: String, contactId: String, policy: RetentionPolicy,
                       _ change: (Current) throws -> [UInt8]) throws -> [UInt8]? {
        try transaction { store in
            guard let current = try store.readCurrent(instanceId: instanceId, contactId: contactId) else { return nil }
            let document = try change(current)
            try store.write(ContactRecord(instanceId: instanceId, contactId: contactId, initiation: current.initiation, document: document),
                            policy: policy)
            return document
        }
    }

    private func readCurrent(instanceId: String, contactId: String) throws(StoreError) -> Current? {
        try lookupStatement.bind([.text(instanceId), .text(contactId)])
        defer { lookupStatement.finishReading() }
        guard try lookupStatement.step() else { return nil }
        return Current(document: try runs.document(lookupStatement, from: 0), initiation: Instant(millisecondsSinceEpoch: lookupStatement.int(1)))
    }

    /// Runs a write in the caller's transaction, or in one of its own: no write of this store
    /// commits on its own statement by statement. Delete-all once deleted the contacts and the
    /// synthesis runs in two commits, and a reset on another worker that committed between
    /// them left synthetic contacts whose run was gone (500 for them from then on).
    func writing<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        if inTransaction { return try body() }
        do {
            return try transaction { _ in try body() }
        } catch let e as StoreError {
            throw e
        } catch {
            preconditionFailure("a store write threw \(error), which is not a StoreError")
        }
    }

    /// Inserts or replaces; true when the contact was new. `expires_at` follows `policy`.
    @discardableResult
    public func upsert(_ record: ContactRecord, policy: RetentionPolicy) throws(StoreError) -> Bool {
        try writing { () throws(StoreError) in
            let existed = try lookup(instanceId: record.instanceId, contactId: record.contactId) != nil
            try write(record, policy: policy)
            return !existed
        }
    }

    /// Inserts or replaces without asking whether the contact existed. A record with a recipe
    /// needs the `synthesisRun` its synthesizer was recorded as (seeds write those through
    /// `BulkSeed.synthesize`).
    public func write(_ record: ContactRecord, policy: RetentionPolicy, synthesisRun: Int64? = nil) throws(StoreError) {
        precondition((record.recipe == nil) == (synthesisRun == nil), "a recipe and its synthesis run go together")
        try writing { () throws(StoreError) in
            defer { cache.invalidate() }
            var fields = record.search
            if fields == nil, let recipe = record.recipe, let synthesisRun {
                fields = try runs.synthesizer(synthesisRun).searchFields(for: recipe)
            }
            try upsertStatement().run(ContactStore.rowValues(record, policy: policy, synthesisRun: synthesisRun,
                                                             fields: fields ?? SearchFields(document: record.document) ?? SearchFields()))
        }
    }

    static let insertSQL = "INSERT INTO contacts (instance_id, contact_id, initiated_at, expires_at, document, synthesis_run, recipe, "
        + StoreSchema.searchColumns.map(\.name).joined(separator: ", ") + ") VALUES ("
        + (1...(7 + StoreSchema.searchColumns.count)).map { "?\($0)" }.joined(separator: ", ") + ")"

    /// The insert-or-replace every write but a bulk seed's uses; matches on the unique index.
    func upsertStatement() throws(StoreError) -> SQLiteConnection.Statement {
        if let s = upsertPrepared { return s }
        let s = try db.prepare(ContactStore.insertSQL + """
             ON CONFLICT (instance_id, contact_id) DO UPDATE SET
                initiated_at = excluded.initiated_at, expires_at = excluded.expires_at, document = excluded.document,
                synthesis_run = excluded.synthesis_run, recipe = excluded.recipe,
            """ + StoreSchema.searchColumns.map { "\($0.name) = excluded.\($0.name)" }.joined(separator: ", "))
        upsertPrepared = s
        return s
    }

    /// The plain insert a bulk seed uses while the indexes are dropped (no unique index to
    /// upsert against).
    func insertStatement() throws(StoreError) -> SQLiteConnection.Statement {
        if let s = insertPrepared { return s }
        let s = try db.prepare(ContactStore.insertSQL)
        insertPrepared = s
        return s
    }

    /// `insertSQL`'s parameters for `record`.
    static func rowValues(_ record: ContactRecord, policy: RetentionPolicy, synthesisRun: Int64?, fields: SearchFields) -> [SQLiteConnection.Statement.Value] {
        [
            .text(record.instanceId), .text(record.contactId), .int(record.initiation.millisecondsSinceEpoch),
            .int(policy.expiry(of: record.initiation).millisecondsSinceEpoch), .blob(record.document),
            synthesisRun.map { .int($0) } ?? .null, record.recipe.map { .blob($0.bytes) } ?? .null,
        ] + searchValues(fields)
    }

    /// The search columns' values (`StoreSchema.searchColumns`' order).
    static func searchValues(_ f: SearchFields) -> [SQLiteConnection.Statement.Value] {
        func int(_ v: Int64?) -> SQLiteConnection.Statement.Value { v.map { .int($0) } ?? .null }
        func text(_ v: String?) -> SQLiteConnection.Statement.Value { v.map { .text($0) } ?? .null }
        return [.text(f.channel), .text(f.method), .text(f.chainId), int(f.scheduled), int(f.connectedToAgent), int(f.disconnect),
                int(f.enqueue), int(f.routingExpiry), text(f.queueId), text(f.agentId), text(f.hierarchy), text(f.attributes),
                text(f.segments), text(f.tags)]
    }

    @discardableResult
    public func delete(instanceId: String, contactId: String) throws(StoreError) -> Bool {
        try writing { () throws(StoreError) in
            defer { cache.invalidate() }
            try db.prepare("DELETE FROM contacts WHERE instance_id = ?1 AND contact_id = ?2").run([.text(instanceId), .text(contactId)])
            return db.changes > 0
        }
    }

    /// Deletes every contact, every synthesis run and the directory, in one transaction (see `writing`).
    @discardableResult
    public func deleteAll() throws(StoreError) -> Int {
        try writing { () throws(StoreError) in
            // Inside a caller's transaction too: a lookup later in it must not find these.
            defer { cache.invalidate() }
            try db.prepare("DELETE FROM contacts").run()
            let deleted = db.changes
            try db.prepare("DELETE FROM synthesis_runs").run()
            try db.execute(DirectoryTables.deleteAll)
            return deleted
        }
    }

    /// The purge's rule, with the bound `?3` (implied by the rule) that lets SQLite read the
    /// expiry index instead of every row: without it the `OR` made each purge scan the whole
    /// table, gigabytes at a million contacts, on the serving loop once an interval.
    static let purgeStatement = """
        DELETE FROM contacts WHERE expires_at <= ?3 AND (initiated_at < ?1 OR (expires_at <= ?2 AND initiated_at <= ?2))
        """

    /// Deletes what is past retention or before the cutoff at `now`; the count deleted. Reads
    /// the stored expiries, which `useRetention` keeps in step with the configured months.
    public func purge(policy: RetentionPolicy, now: Instant) throws -> Int {
        try transaction { _ in
            try db.prepare(ContactStore.purgeStatement).run([
                .int(policy.cutoff.millisecondsSinceEpoch), .int(now.millisecondsSinceEpoch),
                .int(policy.purgeExpiryBound(now: now).millisecondsSinceEpoch),
            ])
            return db.changes
        }
    }

    public struct ListedContact: Sendable, Equatable {
        public var instanceId: String
        public var contactId: String
        public var initiation: Instant
        public var document: [UInt8]
    }

    /// The listing's query. Within one instance the page starts at a range over (initiation,
    /// id): written as one row value with the instance in it, SQLite could only seek to the
    /// instance and read its index entries from the first on every page, so paging through a
    /// million contacts took time in the square of their number.
    static func listStatement(instance: Bool, within: Bool, after: Bool) -> String {
        var sql = "SELECT instance_id, contact_id, document, initiated_at, synthesis_run, recipe FROM contacts WHERE 1=1"
        var n = 0
        if instance {
            n += 1
            sql += " AND instance_id = ?\(n)"
            if within {
                sql += " AND (initiated_at, contact_id) > (?\(n + 1), ?\(n + 2))"
                n += 2
            }
        } else if after {
            sql += " AND (instance_id, initiated_at, contact_id) > (?\(n + 1), ?\(n + 2), ?\(n + 3))"
            n += 3
        }
        return sql + " ORDER BY instance_id, initiated_at, contact_id LIMIT ?\(n + 1)"
    }

    /// Contacts in (instance, initiation, id) order, strictly after `after` when given.
    public func list(instanceId: String?, after: (String, Int64, String)?, limit: Int) throws -> [ListedContact] {
        var values: [SQLiteConnection.Statement.Value] = []
        var within = false, afterAll = false
        if let instanceId {
            values.append(.text(instanceId))
            if let (i, t, c) = after {
                // SQLite orders text by its bytes; a start in another instance either admits
                // all of this one or none of it.
                if i.utf8.elementsEqual(instanceId.utf8) {
                    within = true
                    values.append(contentsOf: [.int(t), .text(c)])
                } else if !i.utf8.lexicographicallyPrecedes(instanceId.utf8) {
                    return []
                }
            }
        } else if let after {
            afterAll = true
            values.append(contentsOf: [.text(after.0), .int(after.1), .text(after.2)])
        }
        values.append(.int(Int64(limit)))
        let sql = ContactStore.listStatement(instance: instanceId != nil, within: within, after: afterAll)
        let s = try db.prepare(sql)
        try s.bind(values)
        var out: [ListedContact] = []
        while try s.step() {
            out.append(ListedContact(instanceId: s.text(0), contactId: s.text(1), initiation: Instant(millisecondsSinceEpoch: s.int(3)),
                                     document: try runs.document(s, from: 2)))
        }
        return out
    }
}
