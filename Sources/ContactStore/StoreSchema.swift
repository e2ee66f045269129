import ContactModel
import Timekeeping

/// The file's tables and indexes, and the steps that bring a file of an earlier schema
/// version to this one. Everything here runs when a store opens, or when a seed drops and
/// rebuilds the indexes; nothing on the request path.
enum StoreSchema {
    static let version: Int64 = 4

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
            PRAGMA user_version = \(version);
            COMMIT;
            """)
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
            recipe BLOB
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
    /// listing and the purge use. `IF NOT EXISTS`, so it also rebuilds what a bulk seed or a
    /// retention change dropped.
    static let indexes = """
        CREATE UNIQUE INDEX IF NOT EXISTS contacts_key ON contacts (instance_id, contact_id);
        CREATE INDEX IF NOT EXISTS contacts_by_time ON contacts (instance_id, initiated_at, contact_id);
        CREATE INDEX IF NOT EXISTS contacts_by_expiry ON contacts (expires_at)
        """

    static let dropIndexes = "DROP INDEX contacts_key; DROP INDEX contacts_by_time; DROP INDEX contacts_by_expiry"
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
            try db.execute(StoreSchema.indexes)
            try db.prepare("INSERT INTO meta (key, value) VALUES ('retention_months', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .run([.text(String(policy.months))])
        }
    }
}
