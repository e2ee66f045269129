import ContactModel
import Timekeeping

/// The file's tables and indexes, and the steps that bring a file of an earlier schema
/// version to this one. Everything here runs when a store opens, or when a seed drops and
/// rebuilds the indexes; nothing on the request path.
enum StoreSchema {
    static let version: Int64 = 5

    /// Brings the file to `version` in one transaction; a file of a newer version is refused
    /// rather than written with rules it was not made for.
    static func migrate(_ db: SQLiteConnection) throws(StoreError) {
        let read = try db.prepare("PRAGMA user_version")
        _ = try read.bind([]).step()
        let current = read.int(0)
        read.finishReading()
        if current > version {
            throw .unreadable(path: db.path, reason: "the file has schema version \(current), newer than this build's \(version)")
        }
        if current == version { return }
        var steps: [String] = []
        if current < 1 {
            steps = ["CREATE TABLE IF NOT EXISTS instances (id TEXT PRIMARY KEY, region TEXT NOT NULL, account_id TEXT NOT NULL, alias TEXT) WITHOUT ROWID",
                     contactsTable("contacts")]
        } else if current < 3 {
            // Version 1 kept contacts in a WITHOUT ROWID table, which overflows large rows;
            // version 2 made (instance, contact) unique in the table's definition, so a bulk
            // seed could not drop that index and had to keep it up to date row by row.
            steps = [contactsTable("contacts_v4"), """
                INSERT INTO contacts_v4 (instance_id, contact_id, initiated_at, expires_at, document)
                    SELECT instance_id, contact_id, initiated_at, expires_at, document FROM contacts
                """, "DROP TABLE contacts", "ALTER TABLE contacts_v4 RENAME TO contacts"]
        } else {
            // Version 4 keeps synthetic contacts as recipes; every version-3 row is a document.
            if current < 4 { steps += ["ALTER TABLE contacts ADD COLUMN synthesis_run INTEGER", "ALTER TABLE contacts ADD COLUMN recipe BLOB"] }
            // Version 5 adds what SearchContacts reads (`SearchFields`), filled below.
            steps += searchColumns.map { "ALTER TABLE contacts ADD COLUMN \($0.name) \($0.type)" }
            // Its time index also covers visibility and the list criteria (see `indexes`).
            steps.append("DROP INDEX IF EXISTS contacts_by_time")
        }
        try db.execute("BEGIN IMMEDIATE")
        do {
            for step in steps { try db.execute(step) }
            try db.execute(synthesisRunsTable)
            if current >= 1 { try fillSearchColumns(db) }
            try db.execute(indexes)
            try db.execute("PRAGMA user_version = \(version)")
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    /// The columns `SearchFields` fills, in `ContactStore.insertSQL`'s order after `recipe`.
    static let searchColumns: [(name: String, type: String)] = [
        ("channel", "TEXT NOT NULL DEFAULT ''"), ("method", "TEXT NOT NULL DEFAULT ''"), ("chain_id", "TEXT NOT NULL DEFAULT ''"),
        ("scheduled_at", "INTEGER"), ("agent_at", "INTEGER"), ("disconnect_at", "INTEGER"), ("enqueue_at", "INTEGER"),
        ("routing_expiry_at", "INTEGER"), ("queue_id", "TEXT"), ("agent_id", "TEXT"), ("hierarchy", "TEXT"),
        ("attributes", "TEXT"), ("segments", "TEXT"), ("tags", "TEXT"),
    ]

    /// Reads every row's document (made again from its recipe for a synthetic one) and stores
    /// its search fields: the version-4 to 5 migration, in its transaction, a batch at a time.
    static func fillSearchColumns(_ db: SQLiteConnection) throws(StoreError) {
        var runs = SyntheticRuns(db)
        let batch = try db.prepare("SELECT id, document, initiated_at, synthesis_run, recipe FROM contacts WHERE id > ?1 ORDER BY id LIMIT 2048")
        let update = try db.prepare("UPDATE contacts SET " + searchColumns.enumerated().map { "\($0.element.name) = ?\($0.offset + 2)" }.joined(separator: ", ")
                                    + " WHERE id = ?1")
        var after = Int64.min
        var rows: [(id: Int64, fields: SearchFields)] = []
        repeat {
            rows.removeAll(keepingCapacity: true)
            try batch.bind([.int(after)])
            while try batch.step() {
                // A synthetic row of an earlier generator cannot be made here (its synthesizer is
                // refused): it gets empty fields rather than fail the migration, so the file still
                // opens and `seed --replace` can replace it, as the generator check says.
                let document: [UInt8]?
                do { document = try runs.document(batch, from: 1) } catch .generatorMismatch { document = nil }
                rows.append((batch.int(0), document.flatMap { SearchFields(document: $0) } ?? SearchFields()))
            }
            batch.finishReading()
            for row in rows { try update.run([.int(row.id)] + ContactStore.searchValues(row.fields)) }
            after = rows.last?.id ?? after
        } while !rows.isEmpty
    }

    /// A row holds a document, or (when `synthesis_run` is set) an empty one and the recipe
    /// that `synthesis_run`'s synthesizer makes it from.
    static func contactsTable(_ name: String) -> String {
        """
        CREATE TABLE IF NOT EXISTS \(name) (
            id INTEGER PRIMARY KEY,
            instance_id TEXT NOT NULL,
            contact_id TEXT NOT NULL,
            initiated_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            document BLOB NOT NULL,
            synthesis_run INTEGER,
            recipe BLOB,
            \(searchColumns.map { "\($0.name) \($0.type)" }.joined(separator: ",\n    "))
        )
        """
    }

    /// What a synthetic contact's document is made from besides its recipe, once per seed run.
    /// The ids are never reused, so a cached run is never another's.
    static let synthesisRunsTable = """
        CREATE TABLE IF NOT EXISTS synthesis_runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            generator INTEGER NOT NULL,
            instance_id TEXT NOT NULL, region TEXT NOT NULL, account_id TEXT NOT NULL,
            now INTEGER NOT NULL, window_start INTEGER NOT NULL
        )
        """

    /// The unique (instance, contact) index that upserts match on, and the indexes the
    /// listing, the purge and SearchContacts use. The time index also holds the expiry and the
    /// columns of the list criteria, so that a search's count and its filter read the index
    /// alone: looking each row up in the table made a 7-day search over a million contacts take
    /// 53 ms at the median and 223 ms at p99. `IF NOT EXISTS`, so it also rebuilds what a bulk seed or a
    /// retention change dropped.
    static let indexes = """
        CREATE UNIQUE INDEX IF NOT EXISTS contacts_key ON contacts (instance_id, contact_id);
        CREATE INDEX IF NOT EXISTS contacts_by_time ON contacts (instance_id, initiated_at, contact_id, expires_at, channel, method, queue_id, agent_id);
        CREATE INDEX IF NOT EXISTS contacts_by_expiry ON contacts (expires_at);
        CREATE INDEX IF NOT EXISTS contacts_by_chain ON contacts (instance_id, chain_id);
        CREATE INDEX IF NOT EXISTS contacts_by_scheduled ON contacts (instance_id, scheduled_at) WHERE scheduled_at IS NOT NULL;
        CREATE INDEX IF NOT EXISTS contacts_by_agent_time ON contacts (instance_id, agent_at) WHERE agent_at IS NOT NULL;
        CREATE INDEX IF NOT EXISTS contacts_by_disconnect ON contacts (instance_id, disconnect_at) WHERE disconnect_at IS NOT NULL;
        CREATE INDEX IF NOT EXISTS contacts_by_enqueue ON contacts (instance_id, enqueue_at) WHERE enqueue_at IS NOT NULL;
        CREATE INDEX IF NOT EXISTS contacts_by_queue ON contacts (instance_id, queue_id, initiated_at) WHERE queue_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS contacts_by_agent ON contacts (instance_id, agent_id, initiated_at) WHERE agent_id IS NOT NULL
        """

    static let dropIndexes = """
        DROP INDEX contacts_key; DROP INDEX contacts_by_time; DROP INDEX contacts_by_expiry; DROP INDEX contacts_by_chain;
        DROP INDEX contacts_by_scheduled; DROP INDEX contacts_by_agent_time; DROP INDEX contacts_by_disconnect;
        DROP INDEX contacts_by_enqueue; DROP INDEX contacts_by_queue; DROP INDEX contacts_by_agent
        """
}

extension ContactStore {
    public static var schemaVersion: Int64 { StoreSchema.version }

    /// The contacts table's index names, sorted; for checks and for whoever inspects the file.
    public func indexNames() throws(StoreError) -> [String] {
        let s = try db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contacts' ORDER BY name")
        try s.bind([])
        var out: [String] = []
        while try s.step() { out.append(s.text(0)) }
        return out
    }

    /// SQLite's journal mode for this file (`wal`, or `delete` inside a bulk seed); for checks.
    public func journalMode() throws(StoreError) -> String {
        let s = try db.prepare("PRAGMA journal_mode")
        _ = try s.bind([]).step()
        return s.text(0)
    }

    /// Records the retention months the stored `expires_at` values were computed with, and
    /// recomputes them when the configuration changed since (the lookup applies the rule
    /// itself; the purge relies on these values). A migration of the data to the
    /// configuration rather than of the schema, run when the store opens.
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
            try db.execute("DROP INDEX contacts_by_expiry; DROP INDEX contacts_by_time")
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
            try db.execute(StoreSchema.indexes)
            try db.prepare("INSERT INTO meta (key, value) VALUES ('retention_months', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .run([.text(String(policy.months))])
        }
    }
}
