import ContactModel
@testable import ContactStore
import Foundation
import Timekeeping
import XCTest

final class ContactStoreTests: XCTestCase {
    /// Every index a contacts table of the current schema has, sorted by name.
    static let allIndexes = ["contacts_by_agent", "contacts_by_agent_time", "contacts_by_chain", "contacts_by_disconnect", "contacts_by_enqueue", "contacts_by_expiry", "contacts_by_queue", "contacts_by_scheduled", "contacts_by_time", "contacts_key"]

    func record(_ id: String, at seconds: Int64, doc: String = "{}") -> ContactRecord {
        ContactRecord(instanceId: "i", contactId: id, initiation: Instant(secondsSinceEpoch: seconds), document: Array(doc.utf8))
    }

    func testUpsertLookupDelete() throws {
        let store = try ContactStore(path: ":memory:")
        let policy = RetentionPolicy()
        XCTAssertTrue(try store.upsert(record("a", at: 1_700_000_000, doc: "{\"v\":1}"), policy: policy))
        XCTAssertFalse(try store.upsert(record("a", at: 1_700_000_000, doc: "{\"v\":2}"), policy: policy))
        XCTAssertEqual(try store.lookup(instanceId: "i", contactId: "a")?.document, Array("{\"v\":2}".utf8))
        XCTAssertNil(try store.lookup(instanceId: "i", contactId: "b"))
        XCTAssertTrue(try store.delete(instanceId: "i", contactId: "a"))
        XCTAssertFalse(try store.delete(instanceId: "i", contactId: "a"))
    }

    /// The document cache is keyed by contact id: the same id in two instances must still give
    /// each instance its own document, read after read.
    func testOneContactIdInTwoInstances() throws {
        let store = try ContactStore(path: ":memory:")
        let policy = RetentionPolicy()
        for (instance, doc) in [("i1", "{\"v\":1}"), ("i2", "{\"v\":2}")] {
            var r = record("same", at: 1_700_000_000, doc: doc)
            r.instanceId = instance
            XCTAssertTrue(try store.upsert(r, policy: policy))
        }
        for _ in 0..<3 {
            XCTAssertEqual(try store.lookup(instanceId: "i1", contactId: "same")?.document, Array("{\"v\":1}".utf8))
            XCTAssertEqual(try store.lookup(instanceId: "i2", contactId: "same")?.document, Array("{\"v\":2}".utf8))
        }
        XCTAssertNil(try store.lookup(instanceId: "i3", contactId: "same"))
    }

    func testTransactionRollsBackOnError() throws {
        let store = try ContactStore(path: ":memory:")
        try store.upsert(record("keep", at: 1_700_000_000), policy: RetentionPolicy())
        struct Boom: Error {}
        XCTAssertThrowsError(try store.transaction { s in
            try s.deleteAll()
            try s.upsert(self.record("new", at: 1_700_000_000), policy: RetentionPolicy())
            throw Boom()
        })
        XCTAssertEqual(try store.count(), 1)
        XCTAssertNotNil(try store.lookup(instanceId: "i", contactId: "keep"))
    }

    /// `update` hands its change the contact as stored (read from the file, past a cache that
    /// another connection's commit made stale), writes what it gives back, and writes nothing
    /// when the change throws or the contact is missing.
    func testUpdateReadsChangesAndWritesInOneTransaction() throws {
        let path = NSTemporaryDirectory() + "update-\(UUID().uuidString).sqlite"
        let store = try ContactStore(path: path)
        let other = try ContactStore(path: path)
        let policy = RetentionPolicy()
        try store.upsert(record("a", at: 1_700_000_000, doc: "{\"v\":1}"), policy: policy)
        XCTAssertEqual(try store.lookup(instanceId: "i", contactId: "a")?.document, Array("{\"v\":1}".utf8))
        try other.upsert(record("a", at: 1_700_000_000, doc: "{\"v\":2}"), policy: policy)
        var seen: [UInt8]?
        let written = try store.update(instanceId: "i", contactId: "a", policy: policy) { current in
            seen = current.document
            XCTAssertEqual(current.initiation, Instant(secondsSinceEpoch: 1_700_000_000))
            return Array("{\"v\":3}".utf8)
        }
        XCTAssertEqual(seen, Array("{\"v\":2}".utf8), "the other connection's commit, not this one's cached document")
        XCTAssertEqual(written, Array("{\"v\":3}".utf8))
        XCTAssertEqual(try other.lookup(instanceId: "i", contactId: "a")?.document, Array("{\"v\":3}".utf8))
        struct Refused: Error {}
        XCTAssertThrowsError(try store.update(instanceId: "i", contactId: "a", policy: policy) { _ in throw Refused() }) { XCTAssertTrue($0 is Refused) }
        XCTAssertEqual(try store.lookup(instanceId: "i", contactId: "a")?.document, Array("{\"v\":3}".utf8))
        XCTAssertNil(try store.update(instanceId: "i", contactId: "missing", policy: policy) { _ in XCTFail("called for a missing contact"); return [] })
        XCTAssertEqual(try store.count(), 1)
    }

    /// A bulk seed into an empty table loads its synthetic contacts without indexes and
    /// rebuilds them; into a table with rows, below the bulk threshold, or when it fails, the
    /// indexes stay as they were.
    func testBulkSeedBuildsIndexesAfterward() throws {
        let all = ContactStoreTests.allIndexes
        let store = try ContactStore(path: ":memory:")
        let records = synthetic
        XCTAssertEqual(try store.indexNames(), all)
        struct Boom: Error {}
        XCTAssertThrowsError(try store.bulkSeed(syntheticCount: ContactStore.bulkSeedThreshold) { seed in
            try seed.synthesize(synthesizer) { load in
                XCTAssertEqual(try store.indexNames(), [])
                try load.write(records[0], policy: RetentionPolicy())
                throw Boom()
            }
        })
        XCTAssertEqual(try store.indexNames(), all)
        XCTAssertEqual(try store.count(), 0)
        try store.bulkSeed(syntheticCount: ContactStore.bulkSeedThreshold) { seed in
            try seed.synthesize(synthesizer) { load in
                for r in records.prefix(5) { try load.write(r, policy: RetentionPolicy()) }
            }
        }
        XCTAssertEqual(try store.indexNames(), all)
        XCTAssertEqual(Set(try store.list(instanceId: "s", after: nil, limit: 10).map(\.contactId)), Set(records.prefix(5).map(\.contactId)))
        try store.bulkSeed(syntheticCount: ContactStore.bulkSeedThreshold) { seed in
            try seed.synthesize(synthesizer) { load in
                XCTAssertEqual(try store.indexNames(), all, "the table has rows")
                try load.write(records[5], policy: RetentionPolicy())
            }
        }
        XCTAssertEqual(try store.count(), 6)
        let small = try ContactStore(path: ":memory:")
        try small.bulkSeed(syntheticCount: ContactStore.bulkSeedThreshold - 1) { seed in
            try seed.synthesize(synthesizer) { load in
                XCTAssertEqual(try small.indexNames(), all, "below the bulk threshold")
                try load.write(records[0], policy: RetentionPolicy())
            }
        }
        XCTAssertEqual(try small.count(), 1)
    }

    /// Two rows with one (instance, contact) in a bulk load fail it when the unique index is
    /// built, and nothing of the seed stays: not even when the seed's body caught the failure
    /// and went on, since the indexes may be gone by then.
    func testBulkLoadWithADuplicateFailsTheSeed() throws {
        let store = try ContactStore(path: ":memory:")
        let twice = synthetic[0]
        for catchIt in [false, true] {
            XCTAssertThrowsError(try store.bulkSeed(syntheticCount: ContactStore.bulkSeedThreshold) { seed in
                do {
                    try seed.synthesize(synthesizer) { load in
                        try load.write(twice, policy: RetentionPolicy())
                        try load.write(twice, policy: RetentionPolicy())
                    }
                } catch where catchIt {}
            }) { error in
                guard case StoreError.sqlite? = error as? StoreError else { return XCTFail("expected .sqlite, got \(error)") }
                XCTAssertTrue("\(error)".contains("UNIQUE"), "\(error)")
            }
            XCTAssertEqual(try store.count(), 0, "caught: \(catchIt)")
            XCTAssertEqual(try store.indexNames(), ContactStoreTests.allIndexes, "caught: \(catchIt)")
        }
        XCTAssertTrue(try store.upsert(record("twice", at: 1_700_000_000), policy: RetentionPolicy()))
        XCTAssertFalse(try store.upsert(record("twice", at: 1_700_000_001), policy: RetentionPolicy()))
    }

    func testPurgeRemovesExpiredAndPreCutoff() throws {
        let store = try ContactStore(path: ":memory:")
        let policy = RetentionPolicy()
        let now = ISO8601.parse("2026-01-15T00:00:00Z")!
        try store.upsert(record("expired", at: ISO8601.parse("2024-01-15T00:00:00Z")!.secondsSinceEpoch), policy: policy)
        try store.upsert(record("kept", at: ISO8601.parse("2024-01-15T00:00:01Z")!.secondsSinceEpoch), policy: policy)
        try store.upsert(record("old", at: ISO8601.parse("2021-01-01T00:00:00Z")!.secondsSinceEpoch), policy: policy)
        XCTAssertEqual(try store.purge(policy: policy, now: now), 2)
        XCTAssertNotNil(try store.lookup(instanceId: "i", contactId: "kept"))
    }

    /// The purge must not read every row: at a million contacts that is gigabytes, on the
    /// serving loop, once an interval.
    func testPurgeReadsTheExpiryIndex() throws {
        let path = temporaryStorePath("plan")
        defer { removeStoreFiles(path) }
        _ = try ContactStore(path: path)
        let db = try SQLiteConnection(path: path, readOnly: true)
        XCTAssertEqual(try queryPlan(ContactStore.purgeStatement, in: db), ["SEARCH contacts USING INDEX contacts_by_expiry (expires_at<?)"])
    }

    /// SQLite's plan for `sql`, one line per step.
    func queryPlan(_ sql: String, in db: SQLiteConnection) throws -> [String] {
        let plan = try db.prepare("EXPLAIN QUERY PLAN " + sql)
        try plan.bind([])
        var details: [String] = []
        while try plan.step() { details.append(plan.text(3)) }
        return details
    }

    func testListPagesInOrder() throws {
        let store = try ContactStore(path: ":memory:")
        for k in 0..<5 { try store.upsert(record("c\(k)", at: 1_700_000_000 - Int64(k)), policy: RetentionPolicy()) }
        let first = try store.list(instanceId: nil, after: nil, limit: 3)
        XCTAssertEqual(first.map(\.contactId), ["c4", "c3", "c2"])
        let last = first.last!
        let rest = try store.list(instanceId: "i", after: (last.instanceId, last.initiation.millisecondsSinceEpoch, last.contactId), limit: 3)
        XCTAssertEqual(rest.map(\.contactId), ["c1", "c0"])
    }

    /// A page starts from a place in the index; it does not read the index from its first entry.
    func testListPagesSeekTheirStart() throws {
        let path = temporaryStorePath("list-plan")
        defer { removeStoreFiles(path) }
        _ = try ContactStore(path: path)
        let db = try SQLiteConnection(path: path, readOnly: true)
        let cases: [(instance: Bool, within: Bool, after: Bool, plan: String)] = [
            (true, true, false, "SEARCH contacts USING INDEX contacts_by_time (instance_id=? AND (initiated_at,contact_id)>(?,?))"),
            (true, false, false, "SEARCH contacts USING INDEX contacts_by_time (instance_id=?)"),
            (false, false, true, "SEARCH contacts USING INDEX contacts_by_time ((instance_id,initiated_at,contact_id)>(?,?,?))"),
            (false, false, false, "SCAN contacts USING INDEX contacts_by_time"),
        ]
        for c in cases {
            let sql = ContactStore.listStatement(instance: c.instance, within: c.within, after: c.after)
            XCTAssertEqual(try queryPlan(sql, in: db), [c.plan], "\(c)")
        }
    }

    /// A NextToken from another instance's listing starts before or after all of this one's.
    func testListWithAStartInAnotherInstance() throws {
        let store = try ContactStore(path: ":memory:")
        for k in 0..<3 { try store.upsert(record("c\(k)", at: 1_700_000_000 + Int64(k)), policy: RetentionPolicy()) }
        XCTAssertEqual(try store.list(instanceId: "i", after: ("h", 9_999_999_999_999, "z"), limit: 10).map(\.contactId), ["c0", "c1", "c2"])
        XCTAssertEqual(try store.list(instanceId: "i", after: ("j", 0, ""), limit: 10).map(\.contactId), [])
        XCTAssertEqual(try store.list(instanceId: "i", after: ("i", 1_700_000_000_000, "c0"), limit: 10).map(\.contactId), ["c1", "c2"])
        XCTAssertEqual(try store.list(instanceId: nil, after: ("h", 0, ""), limit: 2).map(\.contactId), ["c0", "c1"])
    }

    func testFileStoreUsesWALAndSchemaVersion() throws {
        let path = temporaryStorePath("store")
        defer { removeStoreFiles(path) }
        do {
            let store = try ContactStore(path: path)
            try store.upsert(record("a", at: 1_700_000_000), policy: RetentionPolicy())
        }
        let reopened = try ContactStore(path: path, readOnly: true)
        XCTAssertEqual(try reopened.count(), 1)
        XCTAssertEqual(try reopened.journalMode(), "wal")
    }

    /// A bulk seed writes through the rollback journal when it has the file to itself, stays
    /// in the WAL when another connection has it open or when it is small, and leaves the file
    /// in WAL mode either way, committed or rolled back.
    func testBulkSeedJournal() throws {
        let path = temporaryStorePath("bulk")
        defer { removeStoreFiles(path) }
        let store = try ContactStore(path: path)
        let bulk = ContactStore.bulkSeedThreshold
        struct Boom: Error {}
        XCTAssertThrowsError(try store.bulkSeed(syntheticCount: bulk) { seed in
            XCTAssertEqual(try store.journalMode(), "delete")
            try seed.write(self.record("lost", at: 1_700_000_000), policy: RetentionPolicy())
            throw Boom()
        })
        XCTAssertEqual(try store.journalMode(), "wal")
        XCTAssertEqual(try store.count(), 0)
        try store.bulkSeed(syntheticCount: bulk) { seed in
            XCTAssertEqual(try store.journalMode(), "delete")
            try seed.write(self.record("alone", at: 1_700_000_000), policy: RetentionPolicy())
        }
        XCTAssertEqual(try store.journalMode(), "wal")
        try store.bulkSeed(syntheticCount: bulk - 1) { seed in
            XCTAssertEqual(try store.journalMode(), "wal", "a small seed")
            try seed.write(self.record("small", at: 1_700_000_000), policy: RetentionPolicy())
        }
        let reader = try ContactStore(path: path, readOnly: true)
        XCTAssertNotNil(try reader.lookup(instanceId: "i", contactId: "alone"))
        try store.bulkSeed(syntheticCount: bulk) { seed in
            XCTAssertEqual(try store.journalMode(), "wal", "a reader has the file open")
            try seed.write(self.record("shared", at: 1_700_000_000), policy: RetentionPolicy())
        }
        XCTAssertEqual(try store.journalMode(), "wal")
        XCTAssertNotNil(try reader.lookup(instanceId: "i", contactId: "shared"))
    }
}

extension ContactStoreTests {
    /// Expiries written under 24 months are recomputed when the store is opened under 12, so
    /// the purge follows the configured months.
    func testChangedRetentionMonthsAreReapplied() throws {
        let store = try ContactStore(path: ":memory:")
        try store.useRetention(RetentionPolicy(months: 24))
        let initiated = ISO8601.parse("2024-01-15T00:00:00Z")!
        try store.upsert(record("c", at: initiated.secondsSinceEpoch), policy: RetentionPolicy(months: 24))
        let now = ISO8601.parse("2025-06-01T00:00:00Z")!
        XCTAssertEqual(try store.purge(policy: RetentionPolicy(months: 12), now: now), 0, "still under the old expiry")
        try store.useRetention(RetentionPolicy(months: 12))
        XCTAssertEqual(try store.purge(policy: RetentionPolicy(months: 12), now: now), 1)
        XCTAssertEqual(try store.indexNames(), ContactStoreTests.allIndexes)
    }

    /// More rows than one batch of the recomputation, each one's expiry recomputed.
    func testRetentionMonthsReappliedAcrossBatches() throws {
        let store = try ContactStore(path: ":memory:")
        try store.useRetention(RetentionPolicy(months: 24))
        let initiated = ISO8601.parse("2024-01-15T00:00:00Z")!.secondsSinceEpoch
        try store.transaction { s in
            for k in 0..<10_000 { try s.upsert(record("c\(k)", at: initiated + Int64(k)), policy: RetentionPolicy(months: 24)) }
        }
        try store.useRetention(RetentionPolicy(months: 12))
        let expiry = ISO8601.parse("2025-01-15T00:00:00Z")!
        XCTAssertEqual(try store.purge(policy: RetentionPolicy(months: 12), now: expiry.adding(seconds: 4_999)), 5_000)
        XCTAssertEqual(try store.purge(policy: RetentionPolicy(months: 12), now: expiry.adding(seconds: 9_999)), 5_000)
        XCTAssertEqual(try store.count(), 0)
        XCTAssertEqual(try store.indexNames(), ContactStoreTests.allIndexes)
    }
}

extension ContactStoreTests {
    /// A document cached by one connection is not served after another connection replaced it.
    func testCacheFollowsOtherConnectionsWrites() throws {
        let path = temporaryStorePath("cache")
        defer { removeStoreFiles(path) }
        let writer = try ContactStore(path: path)
        let reader = try ContactStore(path: path)
        try writer.upsert(record("a", at: 1_700_000_000, doc: "{\"v\":1}"), policy: RetentionPolicy())
        XCTAssertEqual(try reader.lookup(instanceId: "i", contactId: "a")?.document, Array("{\"v\":1}".utf8))
        try writer.upsert(record("a", at: 1_700_000_000, doc: "{\"v\":2}"), policy: RetentionPolicy())
        XCTAssertEqual(try reader.lookup(instanceId: "i", contactId: "a")?.document, Array("{\"v\":2}".utf8))
        try writer.delete(instanceId: "i", contactId: "a")
        XCTAssertNil(try reader.lookup(instanceId: "i", contactId: "a"))
    }
}

extension ContactStoreTests {
    /// Files of earlier schema versions open as the current one, with their rows and indexes:
    /// version 1 kept contacts in a WITHOUT ROWID table, version 2 had the unique key in the
    /// table's definition, version 3 had no synthetic recipes.
    func testMigratesEarlierVersions() throws {
        let earlier = [
            """
            CREATE TABLE instances (id TEXT PRIMARY KEY, region TEXT NOT NULL, account_id TEXT NOT NULL, alias TEXT) WITHOUT ROWID;
            CREATE TABLE contacts (instance_id TEXT NOT NULL, contact_id TEXT NOT NULL, initiated_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL, document BLOB NOT NULL, PRIMARY KEY (instance_id, contact_id)) WITHOUT ROWID;
            INSERT INTO contacts VALUES ('i', 'old', 1700000000000, 1763072000000, X'7B7D');
            PRAGMA user_version = 1;
            """,
            """
            CREATE TABLE instances (id TEXT PRIMARY KEY, region TEXT NOT NULL, account_id TEXT NOT NULL, alias TEXT) WITHOUT ROWID;
            CREATE TABLE contacts (id INTEGER PRIMARY KEY, instance_id TEXT NOT NULL, contact_id TEXT NOT NULL,
                initiated_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, document BLOB NOT NULL, UNIQUE (instance_id, contact_id));
            CREATE INDEX contacts_by_time ON contacts (instance_id, initiated_at, contact_id);
            CREATE INDEX contacts_by_expiry ON contacts (expires_at);
            INSERT INTO contacts (instance_id, contact_id, initiated_at, expires_at, document) VALUES ('i', 'old', 1700000000000, 1763072000000, X'7B7D');
            PRAGMA user_version = 2;
            """,
            """
            CREATE TABLE instances (id TEXT PRIMARY KEY, region TEXT NOT NULL, account_id TEXT NOT NULL, alias TEXT) WITHOUT ROWID;
            CREATE TABLE contacts (id INTEGER PRIMARY KEY, instance_id TEXT NOT NULL, contact_id TEXT NOT NULL,
                initiated_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, document BLOB NOT NULL);
            CREATE UNIQUE INDEX contacts_key ON contacts (instance_id, contact_id);
            CREATE INDEX contacts_by_time ON contacts (instance_id, initiated_at, contact_id);
            CREATE INDEX contacts_by_expiry ON contacts (expires_at);
            INSERT INTO contacts (instance_id, contact_id, initiated_at, expires_at, document) VALUES ('i', 'old', 1700000000000, 1763072000000, X'7B7D');
            PRAGMA user_version = 3;
            """,
        ]
        for (k, script) in earlier.enumerated() {
            let path = temporaryStorePath("v\(k + 1)")
            defer { removeStoreFiles(path) }
            try writeWithPythonSQLite(path, script)
            let store = try ContactStore(path: path)
            XCTAssertEqual(try store.lookup(instanceId: "i", contactId: "old")?.document, Array("{}".utf8), "version \(k + 1)")
            XCTAssertEqual(try store.indexNames(), ContactStoreTests.allIndexes, "version \(k + 1)")
            XCTAssertFalse(try store.upsert(record("old", at: 1_700_000_000), policy: RetentionPolicy()), "version \(k + 1)")
            XCTAssertTrue(try store.upsert(record("new", at: 1_700_000_001), policy: RetentionPolicy()), "version \(k + 1)")
            XCTAssertEqual(try store.count(), 2, "version \(k + 1)")
            try store.transaction { s in
                try s.write(synthetic.first!, policy: RetentionPolicy(), synthesisRun: try s.recordSynthesisRun(synthesizer))
            }
            XCTAssertEqual(try store.lookup(instanceId: synthetic.first!.instanceId, contactId: synthetic.first!.contactId)?.document,
                           synthesizer.document(for: synthetic.first!.recipe!), "version \(k + 1)")
        }
    }

}

extension XCTestCase {
    /// The store tests' synthesizer: one instance, a fixed seed and clock.
    var synthesizer: ContactSynthesizer {
        ContactSynthesizer(instance: InstanceInfo(id: "s", region: "eu-west-2", accountId: "111122223333"), seed: 3,
                           now: Instant(secondsSinceEpoch: 1_750_000_000), policy: RetentionPolicy())
    }

    /// Its first 1,500 records, as a seed stores them (recipes, no documents).
    var synthetic: [ContactRecord] {
        var out: [ContactRecord] = []
        synthesizer.generate(count: 1500) { out.append($0) }
        return out
    }
}

/// A new file for a store in the temporary folder.
func temporaryStorePath(_ name: String) -> String {
    NSTemporaryDirectory() + "\(name)-\(UUID().uuidString).sqlite"
}

/// Removes a store file and the files SQLite keeps beside it.
func removeStoreFiles(_ path: String) {
    for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}

/// Runs `script` on the file at `path` with Python's own SQLite, not this build's: how the tests
/// make files of earlier schema versions, written as those versions wrote them.
func writeWithPythonSQLite(_ path: String, _ script: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()", path, script]
    try p.run()
    p.waitUntilExit()
    XCTAssertEqual(p.terminationStatus, 0, "python3's sqlite3 could not run the script", file: file, line: line)
}
