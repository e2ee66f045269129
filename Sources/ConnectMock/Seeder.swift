import ContactModel
import ContactStore
import Foundation
import JSON
import Timekeeping

/// What a seed wrote, and how many of those the data clock hides now, by reason.
public struct SeedReport: Sendable, Equatable {
    public var written = 0
    public var hidden: [RetentionPolicy.HiddenReason: Int] = [:]
    /// Users and queues written (fixtures and the synthetic directory).
    public var users = 0
    public var queues = 0

    public var summary: String {
        let h = hidden.values.reduce(0, +)
        var s = "wrote \(written) contacts"
        if users + queues > 0 { s += ", \(users) users and \(queues) queues" }
        if h > 0 {
            let parts = [RetentionPolicy.HiddenReason.retention, .cutoff, .future].compactMap { r in hidden[r].map { "\(r.rawValue) \($0)" } }
            s += "; \(h) hidden at the data clock (\(parts.joined(separator: ", ")))"
        } else {
            s += "; all visible at the data clock"
        }
        return s
    }
}

/// A seed that wrote nothing, with every problem found (at most `SeedFailure.limit`).
public struct SeedFailure: Error, CustomStringConvertible, Sendable {
    public static let limit = 20
    public var problems: [String]
    public var more: Bool
    public var description: String {
        problems.joined(separator: "\n") + (more ? "\n(more errors not shown; fix these first)" : "")
    }
}

/// Loads fixtures and synthetic contacts into a store in one transaction: any error rolls
/// the whole seed back, and a kill mid-way leaves the file as it was (SQLite's journal).
///
/// Runs on the caller's thread. `serve` seeds before it starts listening, and the mock API's
/// reset runs it on the loop between tests: a seed is test setup, not traffic to overlap.
public struct Seeder {
    public var instances: [InstanceInfo]
    public var policy: RetentionPolicy
    public var now: Instant
    public var unknownMembers: UnknownMemberPolicy

    public init(instances: [InstanceInfo], policy: RetentionPolicy, now: Instant, unknownMembers: UnknownMemberPolicy = .reject) {
        self.instances = instances
        self.policy = policy
        self.now = now
        self.unknownMembers = unknownMembers
    }

    /// The seeder a config describes, at `now` of its data clock.
    public init(config: MockConfig, now: Instant) {
        self.init(instances: config.instances, policy: config.retention.policy, now: now, unknownMembers: config.validation.unknownMembers)
    }

    /// The `.json` and `.jsonl` files under each path (a file, or a folder searched
    /// recursively), in name order.
    public static func fixtureFiles(_ paths: [String]) throws(SeedFailure) -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for p in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: p, isDirectory: &isDir) else {
                throw SeedFailure(problems: ["\(p): no such file or folder"], more: false)
            }
            if isDir.boolValue {
                guard let e = fm.enumerator(atPath: p) else { continue }
                var found: [String] = []
                while let name = e.nextObject() as? String {
                    if name.hasSuffix(".json") || name.hasSuffix(".jsonl") { found.append((p as NSString).appendingPathComponent(name)) }
                }
                out.append(contentsOf: found.sorted())
            } else {
                out.append(p)
            }
        }
        return out
    }

    /// Seeds `store` in one `ContactStore.bulkSeed` transaction. `alsoInTransaction` runs in
    /// it after the seed's writes, before the commit (the mock API's reset counts there).
    public func seed(into store: ContactStore, fixtures: [String], syntheticCount: Int, syntheticSeed: UInt64,
                     instanceId: String?, replace: Bool,
                     alsoInTransaction: (borrowing BulkSeed) throws -> Void = { _ in }) throws -> SeedReport {
        let files = try Seeder.fixtureFiles(fixtures)
        if let instanceId, !instances.contains(where: { $0.id == instanceId }) {
            throw SeedFailure(problems: ["--instance \(instanceId): expected a configured instance (\(instances.map(\.id).joined(separator: ", ")))"], more: false)
        }
        var report = SeedReport()
        var problems: [String] = []
        var more = false
        let decoder = FixtureDecoder(instances: instances, defaultInstanceId: instanceId, now: now, unknownMembers: unknownMembers)
        let policy = self.policy
        let now = self.now
        func tally(_ record: ContactRecord) {
            report.written += 1
            if let reason = policy.hiddenReason(initiation: record.initiation, now: now) { report.hidden[reason, default: 0] += 1 }
        }
        var chains = ChainAttributes()
        try store.bulkSeed(syntheticCount: syntheticCount) { seed in
            if replace { try seed.deleteAll() }
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else {
                    problems.append("\(file): cannot be read")
                    continue
                }
                let issues = try decoder.decode(Array(data), file: file, jsonLines: file.hasSuffix(".jsonl"), sink: { record in
                    if let problem = chains.check(record, file: file) {
                        if problems.count < SeedFailure.limit { problems.append(problem) } else { more = true }
                    }
                    if problems.isEmpty {
                        try seed.write(record, policy: policy)
                        tally(record)
                    }
                }, directory: { entry in
                    if problems.isEmpty {
                        try seed.writeDirectory(entry)
                        if entry.kind == .user { report.users += 1 } else { report.queues += 1 }
                    }
                })
                for i in issues {
                    if problems.count < SeedFailure.limit { problems.append(i.description) } else { more = true }
                }
            }
            if syntheticCount > 0, problems.isEmpty {
                let target = instanceId ?? instances.first!.id
                let instance = instances.first(where: { $0.id == target })!
                // The run's directory, written before its contacts (which name its users and queues).
                let directory = SyntheticDirectory(instanceId: instance.id, contacts: syntheticCount)
                let synth = ContactSynthesizer(instance: instance, seed: syntheticSeed, now: now, policy: policy, directory: directory)
                for entry in directory.records(instance: instance, now: now) {
                    try seed.writeDirectory(entry)
                    if entry.kind == .user { report.users += 1 } else { report.queues += 1 }
                }
                try seed.synthesize(synth) { load in
                    try Seeder.pipelined(synth, count: syntheticCount) { record in
                        try load.write(record, policy: policy)
                        tally(record)
                    }
                }
            }
            if !problems.isEmpty { throw SeedFailure(problems: problems, more: more) }
            try alsoInTransaction(seed)
        }
        return report
    }

    /// Generates blocks on every core while this thread writes them, in order.
    static func pipelined(_ synth: ContactSynthesizer, count: Int, write: (ContactRecord) throws -> Void) throws {
        let pipe = BatchPipe<ContactRecord>(batchCount: ContactSynthesizer.blockCount(for: count), window: 8)
        // The producers also read each contact's search fields from its document, in parallel.
        pipe.startProducers(threads: max(1, ProcessInfo.processInfo.activeProcessorCount)) { k in
            let stream = JSONStream()
            return synth.block(k, of: count).map { record in
                var r = record
                if let recipe = r.recipe { r.search = synth.searchFields(for: recipe, stream: stream) }
                return r
            }
        }
        do {
            while let batch = pipe.take() {
                for record in batch { try write(record) }
            }
        } catch {
            pipe.cancelAndWait()
            throw error
        }
        pipe.waitForProducers()
    }
}

/// SPEC §8: contacts of one chain share their attributes, so the fixtures of a seed that give
/// `Attributes` for contacts of one chain must give the same map (in any order).
struct ChainAttributes {
    private var seen: [String: (map: [String: String], at: String)] = [:]

    mutating func check(_ record: ContactRecord, file: String) -> String? {
        guard let fields = record.search, let text = fields.attributes,
              let parsed = try? JSONParser.parse(text), let members = parsed.members else { return nil }
        var map: [String: String] = [:]
        for m in members { map[m.key] = m.value.stringValue ?? "" }
        let key = record.instanceId + "\u{0}" + fields.chainId
        let here = "\(file):\(record.line)"
        guard let first = seen[key] else {
            seen[key] = (map, here)
            return nil
        }
        if first.map == map { return nil }
        return "\(here): $.Contact.Attributes: expected the attributes given for chain \(fields.chainId) at \(first.at) "
            + "(contacts of one chain share one map), found \(text)"
    }
}
