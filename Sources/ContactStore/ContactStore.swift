import ContactModel
import JSON
import Synchronization
import Timekeeping

/// The contacts file: schema, queries and write transactions over one SQLite connection.
///
/// One store per thread: the server's loop owns one, the seed command owns one. SQLite in WAL
/// mode lets those readers and one writer work side by side without `database is locked`.
public final class ContactStore {
    public static let schemaVersion: Int64 = 4

    private let db: SQLiteConnection
    private let lookupStatement: SQLiteConnection.Statement
    private let dataVersionStatement: SQLiteConnection.Statement
    private var upsertStatement: SQLiteConnection.Statement?
    private var insertStatement: SQLiteConnection.Statement?
    /// Inside `withIndexesBuiltAfter`: no unique index to upsert against, so writes insert.
    private var bulkLoading = false
    /// Inside `transaction`: writes join it rather than commit on their own.
    private var inTransaction = false
    public let path: String

    /// A cached document, keyed by its contact id alone and checked for its instance on a
    /// hit, so a lookup hashes one id rather than two; one contact id in two instances only
    /// costs the other a miss.
    private struct CacheEntry {
        var instanceId: String
        var contact: StoredContact
    }

    /// Recently read documents. Bounded (emptied when full), and emptied whenever the file
    /// changes: at once for writes made in this process (this connection's, or another
    /// worker's, which `processWrites` counts), and within a millisecond for another process's
    /// commit (a `connect-mock seed` run meanwhile), which `PRAGMA data_version` reports.
    /// Asking SQLite on every lookup cost a read transaction, two `fcntl` locks and a tenth
    /// of a cached request's instructions.
    private var cache: [String: CacheEntry] = [:]
    private static let cacheLimit = 2048
    private var seenDataVersion: Int64 = -1
    private static let processWrites = Atomic<UInt64>(0)
    private var seenProcessWrites: UInt64 = 0
    private var lastVersionCheck: UInt64 = 0
    private static let versionCheckInterval: UInt64 = 1_000_000

    /// Opens (creating when absent) and migrates the store. `":memory:"` gives a private
    /// in-memory store.
    public init(path: String, readOnly: Bool = false) throws {
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
            try ContactStore.migrate(db)
        }
        lookupStatement = try db.prepare("SELECT document, initiated_at, synthesis_run, recipe FROM contacts WHERE instance_id = ?1 AND contact_id = ?2")
        dataVersionStatement = try db.prepare("PRAGMA data_version")
    }

    private static func migrate(_ db: SQLiteConnection) throws {
        let version = try db.prepare("PRAGMA user_version")
        _ = try version.bind([]).step()
        let current = version.int(0)
        version.finishReading()
        if current > schemaVersion {
            throw StoreError.unreadable(path: db.path, reason: "the file has schema version \(current), newer than this build's \(schemaVersion)")
        }
        let steps: String
        if current < 1 {
            steps = """
                CREATE TABLE IF NOT EXISTS instances (
                    id TEXT PRIMARY KEY, region TEXT NOT NULL, account_id TEXT NOT NULL, alias TEXT
                ) WITHOUT ROWID;
                \(contactsTable("contacts"));
                \(indexes)
                """
        } else if current < 3 {
            // Version 1 kept contacts in a WITHOUT ROWID table, which overflows large rows;
            // version 2 made (instance, contact) unique in the table's definition, so a bulk
            // seed could not drop that index and had to keep it up to date row by row.
            steps = """
                \(contactsTable("contacts_v4"));
                INSERT INTO contacts_v4 (instance_id, contact_id, initiated_at, expires_at, document)
                    SELECT instance_id, contact_id, initiated_at, expires_at, document FROM contacts;
                DROP TABLE contacts;
                ALTER TABLE contacts_v4 RENAME TO contacts;
                \(indexes)
                """
        } else if current < 4 {
            // Version 4 keeps synthetic contacts as recipes; every version-3 row is a document.
            steps = """
                ALTER TABLE contacts ADD COLUMN synthesis_run INTEGER;
                ALTER TABLE contacts ADD COLUMN recipe BLOB
                """
        } else {
            return
        }
        try db.execute("""
            BEGIN IMMEDIATE;
            \(steps);
            \(synthesisRunsTable);
            PRAGMA user_version = \(schemaVersion);
            COMMIT;
            """)
    }

    /// What a synthetic contact's document is made from besides its recipe, once per seed run.
    /// The ids are never reused, so a cached run is never another's.
    private static let synthesisRunsTable = """
        CREATE TABLE IF NOT EXISTS synthesis_runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            generator INTEGER NOT NULL,
            instance_id TEXT NOT NULL, region TEXT NOT NULL, account_id TEXT NOT NULL,
            now INTEGER NOT NULL, window_start INTEGER NOT NULL
        )
        """

    /// The unique (instance, contact) index that upserts match on, and the indexes the
    /// listing and the purge use.
    private static let indexes = """
        CREATE UNIQUE INDEX IF NOT EXISTS contacts_key ON contacts (instance_id, contact_id);
        CREATE INDEX IF NOT EXISTS contacts_by_time ON contacts (instance_id, initiated_at, contact_id);
        CREATE INDEX IF NOT EXISTS contacts_by_expiry ON contacts (expires_at)
        """

    /// Runs a bulk write into an empty table with every index dropped, then builds them in
    /// one sorted pass each; inside the caller's transaction, so a failure restores them.
    /// Random keys inserted into B-trees larger than the page cache made a million-contact
    /// seed read pages back row after row: 45 s with all three indexes in place, 37 s with
    /// the two secondary ones built after, and 28 s with all three built after. Writes in
    /// `body` insert rather than upsert; two with the same (instance, contact) make building
    /// the unique index fail, which fails the transaction.
    public func withIndexesBuiltAfter<T>(_ body: () throws -> T) throws -> T {
        let probe = try db.prepare("SELECT EXISTS (SELECT 1 FROM contacts)")
        _ = try probe.bind([]).step()
        let empty = probe.int(0) == 0
        probe.finishReading()
        guard empty else { return try body() }
        try db.execute("DROP INDEX contacts_key; DROP INDEX contacts_by_time; DROP INDEX contacts_by_expiry")
        bulkLoading = true
        let result: T
        do {
            defer { bulkLoading = false }
            result = try body()
        }
        try db.execute(ContactStore.indexes)
        return result
    }

    /// SQLite's journal mode for this file (`wal`, or `delete` inside a bulk transaction); for
    /// checks.
    public func journalMode() throws -> String {
        let s = try db.prepare("PRAGMA journal_mode")
        _ = try s.bind([]).step()
        return s.text(0)
    }

    /// The contacts table's index names, sorted; for checks and for whoever inspects the file.
    public func indexNames() throws -> [String] {
        let s = try db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contacts' ORDER BY name")
        try s.bind([])
        var out: [String] = []
        while try s.step() { out.append(s.text(0)) }
        return out
    }

    /// A row holds a document, or (when `synthesis_run` is set) an empty one and the recipe
    /// that `synthesis_run`'s synthesizer makes it from.
    private static func contactsTable(_ name: String) -> String {
        """
        CREATE TABLE IF NOT EXISTS \(name) (
            id INTEGER PRIMARY KEY,
            instance_id TEXT NOT NULL,
            contact_id TEXT NOT NULL,
            initiated_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            document BLOB NOT NULL,
            synthesis_run INTEGER,
            recipe BLOB
        )
        """
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
    }

    /// `now` is the monotonic clock's reading, which decides whether another process's commit
    /// must be asked about; the server passes the one it took when the request arrived.
    public func lookup(instanceId: String, contactId: String, now: UInt64 = MonotonicClock.nanoseconds()) throws -> StoredContact? {
        let writes = ContactStore.processWrites.load(ordering: .acquiring)
        if writes != seenProcessWrites || now &- lastVersionCheck >= ContactStore.versionCheckInterval {
            try dataVersionStatement.bind([])
            _ = try dataVersionStatement.step()
            let version = dataVersionStatement.int(0)
            dataVersionStatement.finishReading()
            if version != seenDataVersion || writes != seenProcessWrites {
                cache.removeAll(keepingCapacity: true)
                seenDataVersion = version
                seenProcessWrites = writes
            }
            lastVersionCheck = now
        }
        if let hit = cache[contactId], hit.instanceId == instanceId { return hit.contact }
        try lookupStatement.bind([.text(instanceId), .text(contactId)])
        defer { lookupStatement.finishReading() }
        guard try lookupStatement.step() else { return nil }
        let found = StoredContact(document: try document(lookupStatement, from: 0), initiation: Instant(millisecondsSinceEpoch: lookupStatement.int(1)))
        if cache.count >= ContactStore.cacheLimit { cache.removeAll(keepingCapacity: true) }
        cache[contactId] = CacheEntry(instanceId: instanceId, contact: found)
        return found
    }

    /// The document of the row `s` is on, whose columns from `first` are document,
    /// initiated_at, synthesis_run and recipe: stored, or made from its recipe.
    private func document(_ s: SQLiteConnection.Statement, from first: Int32) throws -> [UInt8] {
        guard s.isNull(first + 2) == false else { return s.blob(first) }
        let run = s.int(first + 2)
        guard let recipe = SyntheticRecipe(bytes: s.blob(first + 3)) else {
            throw StoreError.unreadable(path: path, reason: "a synthetic contact of synthesis run \(run) has a recipe this build does not read")
        }
        return try synthesizer(run).document(for: recipe, stream: stream)
    }

    /// Where this store's synthetic documents are made, one after another.
    private let stream = JSONStream()

    /// Seed runs' synthesizers, read once each; runs never change.
    private var synthesizers: [Int64: ContactSynthesizer] = [:]

    private func synthesizer(_ run: Int64) throws -> ContactSynthesizer {
        if let known = synthesizers[run] { return known }
        let s = try db.prepare("SELECT generator, instance_id, region, account_id, now, window_start FROM synthesis_runs WHERE id = ?1")
        try s.bind([.int(run)])
        guard try s.step() else {
            throw StoreError.unreadable(path: path, reason: "synthesis run \(run), which a synthetic contact is made from, is missing from the file")
        }
        guard s.int(0) == ContactSynthesizer.generatorVersion else {
            throw StoreError.unreadable(path: path, reason: "synthetic contacts in it were made by generator version \(s.int(0)) and this build makes version \(ContactSynthesizer.generatorVersion); seed them again (connect-mock seed --replace)")
        }
        let made = ContactSynthesizer(instance: InstanceInfo(id: s.text(1), region: s.text(2), accountId: s.text(3)),
                                      now: Instant(millisecondsSinceEpoch: s.int(4)), windowStart: Instant(millisecondsSinceEpoch: s.int(5)))
        synthesizers[run] = made
        return made
    }

    /// Reads every seed run's synthesizer now, so that a file whose recipes another generator
    /// version wrote stops `serve` at start with how to fix it, rather than failing each
    /// lookup of those contacts.
    ///
    /// A run of another version that no contact names any more (its contacts purged, deleted
    /// or seeded again) is passed over: nothing would be made from it. Only such runs cost a
    /// scan of the table, since no index leads from a run to its contacts.
    public func loadSynthesisRuns() throws {
        let s = try db.prepare("SELECT id, generator FROM synthesis_runs")
        try s.bind([])
        var runs: [(id: Int64, generator: Int64)] = []
        while try s.step() { runs.append((s.int(0), s.int(1))) }
        let used = try db.prepare("SELECT EXISTS (SELECT 1 FROM contacts WHERE synthesis_run = ?1)")
        for run in runs {
            if run.generator != ContactSynthesizer.generatorVersion {
                try used.bind([.int(run.id)])
                _ = try used.step()
                let named = used.int(0) != 0
                used.finishReading()
                if !named { continue }
            }
            _ = try synthesizer(run.id)
        }
    }

    /// Records what `synthesizer`'s contacts are made from; their rows name the id returned.
    public func recordSynthesisRun(_ synthesizer: ContactSynthesizer) throws -> Int64 {
        precondition(inTransaction, "a synthesis run is recorded in the transaction that writes its contacts")
        try db.prepare("INSERT INTO synthesis_runs (generator, instance_id, region, account_id, now, window_start) VALUES (?1, ?2, ?3, ?4, ?5, ?6)").run([
            .int(ContactSynthesizer.generatorVersion), .text(synthesizer.instance.id), .text(synthesizer.instance.region),
            .text(synthesizer.instance.accountId), .int(synthesizer.now.millisecondsSinceEpoch), .int(synthesizer.windowStart.millisecondsSinceEpoch),
        ])
        return db.lastInsertRowID
    }

    /// Called by every write of this connection (`data_version` only reports other connections'),
    /// after it commits, so the other workers' next lookups see it.
    private func invalidateCache() {
        cache.removeAll(keepingCapacity: true)
        ContactStore.processWrites.add(1, ordering: .releasing)
    }

    /// How long a write waits for another connection's lock before failing as `.busy` (5 s
    /// unless set); tests shorten it.
    var busyTimeoutMilliseconds: Int32 = 5000 {
        didSet { db.setBusyTimeout(milliseconds: busyTimeoutMilliseconds) }
    }

    /// Caps the file at `pages` pages for this connection (SQLite's `max_page_count`): a write
    /// that needs more fails as `StoreError.full`, as on a full disk. Tests of that path use
    /// it; a full disk cannot be had on demand.
    public func capPages(_ pages: Int) throws {
        try db.execute("PRAGMA max_page_count = \(pages)")
    }

    public func count() throws -> Int {
        let s = try db.prepare("SELECT count(*) FROM contacts")
        _ = try s.bind([]).step()
        return Int(s.int(0))
    }

    /// Writes inside one transaction; any error rolls everything back.
    ///
    /// Called inside another transaction of this store, `body` joins that one (whose options
    /// then apply): a mock-API reset runs the seed's transaction inside its own, so that the
    /// count it answers is the one its commit left.
    ///
    /// A seed passes `durable: false`, which skips SQLite's fsyncs for this transaction: a
    /// killed seed still leaves the previous data (the WAL is in the OS's page cache), and
    /// only an OS crash or power loss in the seconds after can damage the file, which a
    /// re-seed then rebuilds. Without the fsyncs SQLite alone wrote 200,000 documents at
    /// 55,600 rows a second instead of 36,800.
    ///
    /// `bulk` asks for SQLite's rollback journal instead of the WAL for this one transaction,
    /// when no other connection has the file open (else it stays in the WAL). In the WAL
    /// every page is written twice, once to the log and once when the commit's checkpoint
    /// copies it home; the rollback journal holds only the pages that existed before, so the
    /// new pages of a large seed are written once. The file is back in WAL mode afterwards.
    public func transaction<T>(durable: Bool = true, bulk: Bool = false, _ body: (ContactStore) throws -> T) throws -> T {
        if inTransaction { return try body(self) }
        if !durable {
            try db.execute("PRAGMA synchronous=OFF")
        }
        defer { if !durable { try? db.execute("PRAGMA synchronous=NORMAL") } }
        let rollbackJournal = bulk && path != ":memory:" && (try? db.execute("PRAGMA journal_mode=DELETE")) != nil
        // Best effort: a reader that opened the file meanwhile can hold the switch back off,
        // and then the next `ContactStore` to open the file switches it.
        defer { if rollbackJournal { try? db.execute("PRAGMA journal_mode=WAL") } }
        try db.execute("BEGIN IMMEDIATE")
        inTransaction = true
        defer { inTransaction = false }
        invalidateCache()
        do {
            let result = try body(self)
            try db.execute("COMMIT")
            invalidateCache()
            return result
        } catch {
            try? db.execute("ROLLBACK")
            invalidateCache()
            throw error
        }
    }

    /// Runs a write in the caller's transaction, or in one of its own: no write of this store
    /// commits on its own statement by statement. Delete-all once deleted the contacts and the
    /// synthesis runs in two commits, and a reset on another worker that committed between
    /// them left synthetic contacts whose run was gone (500 for them from then on).
    private func writing<T>(_ body: () throws -> T) throws -> T {
        if inTransaction { return try body() }
        return try transaction { _ in try body() }
    }

    /// Inserts or replaces; true when the contact was new. `expires_at` follows `policy`.
    @discardableResult
    public func upsert(_ record: ContactRecord, policy: RetentionPolicy) throws -> Bool {
        try writing {
            let existed = try lookup(instanceId: record.instanceId, contactId: record.contactId) != nil
            try write(record, policy: policy)
            return !existed
        }
    }

    /// Inserts or replaces without asking whether the contact existed (seeds write many). A
    /// record with a recipe needs the `synthesisRun` its synthesizer was recorded as.
    public func write(_ record: ContactRecord, policy: RetentionPolicy, synthesisRun: Int64? = nil) throws {
        guard inTransaction else { return try writing { try write(record, policy: policy, synthesisRun: synthesisRun) } }
        defer { invalidateCache() }
        precondition((record.recipe == nil) == (synthesisRun == nil), "a recipe and its synthesis run go together")
        let insert = "INSERT INTO contacts (instance_id, contact_id, initiated_at, expires_at, document, synthesis_run, recipe) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
        let statement: SQLiteConnection.Statement
        if bulkLoading {
            if insertStatement == nil { insertStatement = try db.prepare(insert) }
            statement = insertStatement!
        } else {
            if upsertStatement == nil {
                upsertStatement = try db.prepare(insert + """
                     ON CONFLICT (instance_id, contact_id) DO UPDATE SET
                        initiated_at = excluded.initiated_at, expires_at = excluded.expires_at, document = excluded.document,
                        synthesis_run = excluded.synthesis_run, recipe = excluded.recipe
                    """)
            }
            statement = upsertStatement!
        }
        try statement.run([
            .text(record.instanceId), .text(record.contactId), .int(record.initiation.millisecondsSinceEpoch),
            .int(policy.expiry(of: record.initiation).millisecondsSinceEpoch), .blob(record.document),
            synthesisRun.map { .int($0) } ?? .null, record.recipe.map { .blob($0.bytes) } ?? .null,
        ])
    }

    @discardableResult
    public func delete(instanceId: String, contactId: String) throws -> Bool {
        try writing {
            defer { invalidateCache() }
            try db.prepare("DELETE FROM contacts WHERE instance_id = ?1 AND contact_id = ?2").run([.text(instanceId), .text(contactId)])
            return db.changes > 0
        }
    }

    /// Deletes every contact and every synthesis run, in one transaction (see `writing`).
    @discardableResult
    public func deleteAll() throws -> Int {
        try writing {
            // Inside a caller's transaction too: a lookup later in it must not find these.
            defer { invalidateCache() }
            try db.prepare("DELETE FROM contacts").run()
            let deleted = db.changes
            try db.prepare("DELETE FROM synthesis_runs").run()
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

    /// Records the retention months the stored `expires_at` values were computed with, and
    /// recomputes them when the configuration changed since (the lookup applies the rule
    /// itself; the purge relies on these values).
    public func useRetention(_ policy: RetentionPolicy) throws {
        try db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")
        let read = try db.prepare("SELECT value FROM meta WHERE key = 'retention_months'")
        try read.bind([])
        let stored = try read.step() ? read.text(0) : nil
        read.finishReading()
        guard stored != String(policy.months) else { return }
        // Every row changes, so the expiry index is dropped and built again in one sorted pass
        // rather than kept up to date row by row, and rows are read by rowid a batch at a time
        // rather than all held at once: 300,000 contacts took 10.3 s and 153 MB, now 6.2 s and 96 MB.
        try transaction { _ in
            try db.execute("DROP INDEX contacts_by_expiry")
            let batch = try db.prepare("SELECT id, initiated_at FROM contacts WHERE id > ?1 ORDER BY id LIMIT 4096")
            let update = try db.prepare("UPDATE contacts SET expires_at = ?2 WHERE id = ?1")
            var after = Int64.min
            var rows: [(id: Int64, initiation: Int64)] = []
            repeat {
                rows.removeAll(keepingCapacity: true)
                try batch.bind([.int(after)])
                while try batch.step() { rows.append((batch.int(0), batch.int(1))) }
                batch.finishReading()
                for row in rows {
                    let expiry = policy.expiry(of: Instant(millisecondsSinceEpoch: row.initiation))
                    try update.run([.int(row.id), .int(expiry.millisecondsSinceEpoch)])
                }
                after = rows.last?.id ?? after
            } while !rows.isEmpty
            try db.execute(ContactStore.indexes)
            try db.prepare("INSERT INTO meta (key, value) VALUES ('retention_months', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .run([.text(String(policy.months))])
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
                                     document: try document(s, from: 2)))
        }
        return out
    }
}
