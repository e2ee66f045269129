import Synchronization

/// Which state of the file a reader's documents come from: SQLite's `data_version` (changes
/// when another connection commits) and this process's count of writes (`data_version`
/// never reports a connection's own commits, and the server's workers each have their own).
/// Two reads with equal versions saw the same rows.
struct DataVersion: Equatable {
    var file: Int64
    var process: UInt64

    /// Older than any version a source reports, so that the first check empties the cache.
    static let unknown = DataVersion(file: -1, process: .max)
}

/// Where a `DocumentCache` learns whether the data changed. A protocol so that the cache's
/// rules are tested with a fake that says what it is told, without a database.
///
/// The two halves cost very differently, and the cache asks them accordingly.
protocol DataVersionSource {
    /// Writes committed by this process so far. Read on every lookup, so it must stay an
    /// atomic load: no lock, no system call, no allocation.
    func processWrites() -> UInt64
    /// Counts a write of this process, after it commits or rolls back, for every other
    /// cache of this process to see.
    func noteProcessWrite()
    /// The file's version as another connection's commit changes it. Costs a read
    /// transaction and two `fcntl` locks, so the cache asks at most once per interval.
    func fileVersion() throws(StoreError) -> Int64
}

/// The real source: `PRAGMA data_version` on the store's connection, and one counter for
/// every store of the process.
struct SQLiteDataVersion: DataVersionSource {
    private let statement: SQLiteConnection.Statement
    private static let writes = Atomic<UInt64>(0)

    init(_ db: SQLiteConnection) throws(StoreError) {
        statement = try db.prepare("PRAGMA data_version")
    }

    func processWrites() -> UInt64 { SQLiteDataVersion.writes.load(ordering: .acquiring) }

    func noteProcessWrite() { SQLiteDataVersion.writes.add(1, ordering: .releasing) }

    func fileVersion() throws(StoreError) -> Int64 {
        try statement.bind([])
        defer { statement.finishReading() }
        _ = try statement.step()
        return statement.int(0)
    }
}

/// Recently read documents, keyed by contact id alone and checked for their instance on a
/// hit, so a lookup hashes one id rather than two; one contact id in two instances only costs
/// the other a miss.
///
/// Bounded (emptied when full), and emptied whenever the data changes: at once for writes
/// made in this process (`invalidate`, which every write of the store calls, and the process
/// write count, which other workers' writes move), and within `fileCheckInterval` for
/// another process's commit (a `connect-mock seed` run meanwhile). Asking SQLite on every
/// lookup cost a read transaction, two `fcntl` locks and a tenth of a cached request's
/// instructions, so a hit is a counter load, a clock comparison and a dictionary probe.
struct DocumentCache<Source: DataVersionSource> {
    struct Entry {
        var instanceId: String
        var contact: ContactStore.StoredContact
    }

    let source: Source
    private var entries: [String: Entry] = [:]
    private var seen = DataVersion.unknown
    private var lastFileCheck: UInt64 = 0
    /// Entries held before the cache empties itself.
    let limit: Int
    /// Nanoseconds of the monotonic clock between two questions to `source.fileVersion()`.
    let fileCheckInterval: UInt64

    init(source: Source, limit: Int = 2048, fileCheckInterval: UInt64 = 1_000_000) {
        self.source = source
        self.limit = limit
        self.fileCheckInterval = fileCheckInterval
    }

    /// The cached document of (instance, contact), or nil: not cached, or the data changed
    /// since it was. `now` is the monotonic clock's reading, which decides whether the file's
    /// version is asked.
    mutating func cached(instanceId: String, contactId: String, now: UInt64) throws(StoreError) -> ContactStore.StoredContact? {
        let writes = source.processWrites()
        if writes != seen.process || now &- lastFileCheck >= fileCheckInterval {
            let current = DataVersion(file: try source.fileVersion(), process: writes)
            if current != seen {
                entries.removeAll(keepingCapacity: true)
                seen = current
            }
            lastFileCheck = now
        }
        guard let hit = entries[contactId], hit.instanceId == instanceId else { return nil }
        return hit.contact
    }

    /// Keeps a document just read, at the version `cached` last checked.
    mutating func insert(_ contact: ContactStore.StoredContact, instanceId: String, contactId: String) {
        if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
        entries[contactId] = Entry(instanceId: instanceId, contact: contact)
    }

    /// Forgets everything: this connection wrote (inside a transaction too, whose later
    /// lookups must see its own deletes), and tells the process's other caches.
    mutating func invalidate() {
        forget()
        source.noteProcessWrite()
    }

    /// Forgets this connection's documents and tells no one: a transaction begins (its reads
    /// must come from the file under its lock) or rolls back (nothing was committed, so no
    /// other cache has anything to drop).
    mutating func forget() {
        entries.removeAll(keepingCapacity: true)
    }

    /// How many documents are held; for tests.
    var count: Int { entries.count }
}
