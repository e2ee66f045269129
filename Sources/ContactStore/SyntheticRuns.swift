import ContactModel
import JSON
import Timekeeping

/// Recipe expansion. A synthetic contact is stored as a small recipe plus the id of the seed
/// run (`synthesis_runs`) that says what else its document is made from; its document is
/// made when it is read. A seed of a million contacts then writes recipes, not megabytes of
/// JSON, and reading one costs a synthesis instead of a larger row.
///
/// One per store (per connection and thread): it keeps the runs it read and one JSON stream
/// to make documents in.
struct SyntheticRuns {
    private let db: SQLiteConnection
    /// Where this store's synthetic documents are made, one after another.
    private let stream = JSONStream()
    /// Seed runs' synthesizers, read once each; a run never changes once recorded.
    private var synthesizers: [Int64: ContactSynthesizer] = [:]

    init(_ db: SQLiteConnection) {
        self.db = db
    }

    /// The document of the row `s` is on, whose columns from `first` are document,
    /// initiated_at, synthesis_run and recipe: stored, or made from its recipe.
    mutating func document(_ s: SQLiteConnection.Statement, from first: Int32) throws(StoreError) -> [UInt8] {
        try documentAndLatest(s, from: first).document
    }

    /// The row's document, and for a synthetic contact its latest moment, known from synthesis;
    /// nil for a stored document (the caller parses it when it needs the moment).
    mutating func documentAndLatest(_ s: SQLiteConnection.Statement, from first: Int32) throws(StoreError) -> (document: [UInt8], latest: Instant?) {
        guard s.isNull(first + 2) == false else { return (s.blob(first), nil) }
        let run = s.int(first + 2)
        guard let recipe = SyntheticRecipe(bytes: s.blob(first + 3)) else {
            throw .unreadable(path: db.path, reason: "a synthetic contact of synthesis run \(run) has a recipe this build does not read")
        }
        let made = try synthesizer(run).documentAndLatest(for: recipe, stream: stream)
        return (made.document, made.latest)
    }

    mutating func synthesizer(_ run: Int64) throws(StoreError) -> ContactSynthesizer {
        if let known = synthesizers[run] { return known }
        let s = try db.prepare("SELECT generator, instance_id, region, account_id, now, window_start FROM synthesis_runs WHERE id = ?1")
        try s.bind([.int(run)])
        guard try s.step() else {
            throw .unreadable(path: db.path, reason: "synthesis run \(run), which a synthetic contact is made from, is missing from the file")
        }
        guard s.int(0) == ContactSynthesizer.generatorVersion else {
            throw .generatorMismatch(path: db.path, found: s.int(0), current: ContactSynthesizer.generatorVersion)
        }
        let instance = InstanceInfo(id: s.text(1), region: s.text(2), accountId: s.text(3))
        let now = Instant(millisecondsSinceEpoch: s.int(4)), windowStart = Instant(millisecondsSinceEpoch: s.int(5))
        s.finishReading()
        let directory = try db.syntheticDirectorySizes(run: run).map { SyntheticDirectory(instanceId: instance.id, users: $0.users, queues: $0.queues) }
        let made = ContactSynthesizer(instance: instance, now: now, windowStart: windowStart, directory: directory)
        synthesizers[run] = made
        return made
    }

    /// Reads every seed run's synthesizer now (see `ContactStore.loadSynthesisRuns`).
    ///
    /// A run of another version that no contact names any more (its contacts purged, deleted
    /// or seeded again) is passed over: nothing would be made from it. Only such runs cost a
    /// scan of the table, since no index leads from a run to its contacts.
    mutating func loadAll() throws(StoreError) {
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

    /// Records what `synthesizer`'s contacts are made from, in the caller's transaction; their
    /// rows name the id returned.
    func record(_ synthesizer: ContactSynthesizer) throws(StoreError) -> Int64 {
        try db.prepare("INSERT INTO synthesis_runs (generator, instance_id, region, account_id, now, window_start) VALUES (?1, ?2, ?3, ?4, ?5, ?6)").run([
            .int(ContactSynthesizer.generatorVersion), .text(synthesizer.instance.id), .text(synthesizer.instance.region),
            .text(synthesizer.instance.accountId), .int(synthesizer.now.millisecondsSinceEpoch), .int(synthesizer.windowStart.millisecondsSinceEpoch),
        ])
        let run = db.lastInsertRowID
        try db.recordSyntheticDirectory(run: run, synthesizer.directory)
        return run
    }
}

extension ContactStore {
    /// Reads every seed run's synthesizer now, so that a file whose recipes another generator
    /// version wrote stops `serve` at start with how to fix it (`StoreError.generatorMismatch`),
    /// rather than failing each lookup of those contacts.
    public func loadSynthesisRuns() throws(StoreError) {
        try runs.loadAll()
    }

    /// Records what `synthesizer`'s contacts are made from; their rows name the id returned.
    /// Seeds use `BulkSeed.synthesize`, which records the run itself.
    public func recordSynthesisRun(_ synthesizer: ContactSynthesizer) throws(StoreError) -> Int64 {
        precondition(inTransaction, "a synthesis run is recorded in the transaction that writes its contacts")
        return try runs.record(synthesizer)
    }
}
