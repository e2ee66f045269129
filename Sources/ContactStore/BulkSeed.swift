import ContactModel
import JSON

extension ContactStore {
    /// Synthetic counts from which a seed writes through the rollback journal (when it has the
    /// file to itself) and, into an empty table, builds the indexes after the rows rather than
    /// row by row. Below it the switches cost more than they save.
    public static let bulkSeedThreshold = 20_000

    /// Runs a seed: one transaction, every write of it through `body`'s session, which is
    /// the only way to write in bulk mode. Any error rolls the whole seed back; so does an
    /// error of `BulkSeed.synthesize` that `body` caught and did not rethrow, since the
    /// indexes may be gone by then. The file's modes are back as they were when this returns,
    /// committed or not: the session cannot be kept (it is borrowed and not copyable), so
    /// nothing can write in bulk mode after.
    ///
    /// A seed skips SQLite's fsyncs (`synchronous=OFF`) for its transaction: a killed seed still
    /// leaves the previous data (the journal is in the OS's page cache), and only an OS crash
    /// or power loss in the seconds after can damage the file, which a re-seed then rebuilds.
    /// Without the fsyncs SQLite alone wrote 200,000 documents at 55,600 rows a second instead
    /// of 36,800.
    ///
    /// From `bulkSeedThreshold` synthetic contacts the transaction uses SQLite's rollback
    /// journal instead of the WAL, when no other connection has the file open (else it stays
    /// in the WAL). In the WAL every page is written twice, once to the log and once when the
    /// commit's checkpoint copies it home; the rollback journal holds only the pages that
    /// existed before, so the new pages of a large seed are written once. The file is back in
    /// WAL mode afterwards (best effort: a reader that opened the file meanwhile can hold the
    /// switch back off, and then the next `ContactStore` to open the file switches it).
    ///
    /// A seed is its own transaction, never part of another: the journal mode cannot change
    /// inside one.
    public func bulkSeed<T>(syntheticCount: Int, _ body: (borrowing BulkSeed) throws -> T) throws -> T {
        precondition(!inTransaction, "a seed is its own transaction, not part of another")
        let bulk = syntheticCount >= ContactStore.bulkSeedThreshold
        try db.execute("PRAGMA synchronous=OFF")
        defer { try? db.execute("PRAGMA synchronous=NORMAL") }
        let rollbackJournal = bulk && path != ":memory:" && (try? db.execute("PRAGMA journal_mode=DELETE")) != nil
        defer { if rollbackJournal { try? db.execute("PRAGMA journal_mode=WAL") } }
        let failed = BulkSeed.FirstFailure()
        return try transaction { store in
            let result = try body(BulkSeed(store: store, bulk: bulk, failed: failed))
            if let error = failed.error { throw error }
            return result
        }
    }
}

/// The writes of one seed (`ContactStore.bulkSeed`): fixtures, and synthetic contacts through
/// `synthesize`. Not copyable and only ever borrowed, so it cannot outlive its transaction.
public struct BulkSeed: ~Copyable {
    private let store: ContactStore
    /// At least `bulkSeedThreshold` synthetic contacts are coming.
    private let bulk: Bool
    private let failed: FirstFailure

    /// The first error `synthesize` threw, which fails the seed even if it was caught.
    final class FirstFailure {
        var error: (any Error)?
    }

    fileprivate init(store: ContactStore, bulk: Bool, failed: FirstFailure) {
        self.store = store
        self.bulk = bulk
        self.failed = failed
    }

    /// Deletes every contact and synthesis run (`seed --replace`, the mock API's reset).
    @discardableResult
    public func deleteAll() throws(StoreError) -> Int {
        try store.deleteAll()
    }

    /// Inserts or replaces a fixture.
    public func write(_ record: ContactRecord, policy: RetentionPolicy) throws(StoreError) {
        try store.write(record, policy: policy)
    }

    /// Inserts or replaces a user or a queue of the directory.
    public func writeDirectory(_ record: DirectoryRecord) throws(StoreError) {
        try store.upsertDirectory(record)
    }

    /// The contacts there will be when the seed commits.
    public func count() throws(StoreError) -> Int {
        try store.count()
    }

    /// Records `synthesizer` as a synthesis run and passes `body` the loader its contacts are
    /// written with.
    ///
    /// In a bulk seed into an empty table the loader inserts with every index dropped, and
    /// they are built after `body` in one sorted pass each. Random keys inserted into B-trees
    /// larger than the page cache made a million-contact seed read pages back row after row:
    /// 45 s with all three indexes in place, 37 s with the two secondary ones built after, and
    /// 28 s with all three built after. Two contacts with one (instance, contact) then fail
    /// the unique index's build, and the seed. Otherwise the loader upserts.
    public func synthesize<T>(_ synthesizer: ContactSynthesizer, _ body: (borrowing SyntheticLoad) throws -> T) throws -> T {
        do {
            let run = try store.runs.record(synthesizer)
            let withoutIndexes = try bulk && store.isEmpty()
            if withoutIndexes { try store.db.execute(StoreSchema.dropIndexes) }
            let load = SyntheticLoad(statement: withoutIndexes ? try store.insertStatement() : try store.upsertStatement(), run: run,
                                     synthesizer: synthesizer)
            let result = try body(load)
            if withoutIndexes { try store.db.execute(StoreSchema.indexes) }
            store.cache.invalidate()
            return result
        } catch {
            if failed.error == nil { failed.error = error }
            throw error
        }
    }
}

/// Writes one synthesis run's contacts (`BulkSeed.synthesize`). Not copyable and only
/// borrowed: it may be inserting into a table without indexes, which only its seed may do.
public struct SyntheticLoad: ~Copyable {
    private let statement: SQLiteConnection.Statement
    private let run: Int64
    private let synthesizer: ContactSynthesizer
    private let stream = JSONStream()

    fileprivate init(statement: SQLiteConnection.Statement, run: Int64, synthesizer: ContactSynthesizer) {
        self.statement = statement
        self.run = run
        self.synthesizer = synthesizer
    }

    /// Writes a contact of this run: its recipe, an empty document, and its search fields
    /// (`record.search`, or read here from the document its recipe makes).
    public func write(_ record: ContactRecord, policy: RetentionPolicy) throws(StoreError) {
        guard let recipe = record.recipe else { preconditionFailure("a synthetic contact has a recipe") }
        let fields = record.search ?? synthesizer.searchFields(for: recipe, stream: stream)
        try statement.run(ContactStore.rowValues(record, policy: policy, synthesisRun: run, fields: fields))
    }
}
