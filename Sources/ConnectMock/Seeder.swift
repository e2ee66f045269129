import ContactModel
import ContactStore
import Foundation
import Timekeeping

/// What a seed wrote, and how many of those the data clock hides now, by reason.
public struct SeedReport: Sendable, Equatable {
    public var written = 0
    public var hidden: [RetentionPolicy.HiddenReason: Int] = [:]

    public var summary: String {
        let h = hidden.values.reduce(0, +)
        var s = "wrote \(written) contacts"
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

    public func seed(into store: ContactStore, fixtures: [String], syntheticCount: Int, syntheticSeed: UInt64,
                     instanceId: String?, replace: Bool) throws -> SeedReport {
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
        func write(_ record: ContactRecord, synthesisRun: Int64? = nil) throws {
            try store.write(record, policy: policy, synthesisRun: synthesisRun)
            report.written += 1
            if let reason = policy.hiddenReason(initiation: record.initiation, now: now) { report.hidden[reason, default: 0] += 1 }
        }
        let bulk = syntheticCount >= Seeder.bulkThreshold
        do {
            try store.transaction(durable: false, bulk: bulk) { store in
                if replace { try store.deleteAll() }
                for file in files {
                    guard let data = FileManager.default.contents(atPath: file) else {
                        problems.append("\(file): cannot be read")
                        continue
                    }
                    let issues = try decoder.decode(Array(data), file: file, jsonLines: file.hasSuffix(".jsonl")) { record in
                        if problems.isEmpty { try write(record) }
                    }
                    for i in issues {
                        if problems.count < SeedFailure.limit { problems.append(i.description) } else { more = true }
                    }
                }
                if syntheticCount > 0, problems.isEmpty {
                    let target = instanceId ?? instances.first!.id
                    let synth = ContactSynthesizer(instance: instances.first(where: { $0.id == target })!, seed: syntheticSeed,
                                                   now: now, policy: policy)
                    let run = try store.recordSynthesisRun(synth)
                    let generate = { try Seeder.pipelined(synth, count: syntheticCount) { try write($0, synthesisRun: run) } }
                    if bulk {
                        try store.withIndexesBuiltAfter(generate)
                    } else {
                        try generate()
                    }
                }
                if !problems.isEmpty { throw SeedFailure(problems: problems, more: more) }
            }
        }
        return report
    }

    /// Synthetic counts from which a seed writes through the rollback journal when it can, and
    /// into an empty store builds the indexes after the rows rather than row by row.
    static let bulkThreshold = 20_000

    /// Generates blocks on every core while this thread writes them, in order.
    static func pipelined(_ synth: ContactSynthesizer, count: Int, write: (ContactRecord) throws -> Void) throws {
        let pipe = BatchPipe<ContactRecord>(batchCount: ContactSynthesizer.blockCount(for: count), window: 8)
        pipe.startProducers(threads: max(1, ProcessInfo.processInfo.activeProcessorCount)) { synth.block($0, of: count) }
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
