import ContactModel
@testable import ContactStore
import Foundation
import Timekeeping
import XCTest

/// Synthetic contacts are stored as recipes of a generator version: read back as documents,
/// and refused when another version made them.
final class SyntheticRunsTests: XCTestCase {
    /// Synthetic rows keep a recipe and an empty document; lookups and listings give the
    /// document the synthesizer makes from it, bulk or not, and a fixture written over one
    /// replaces the recipe.
    func testSyntheticContactsAreMadeFromTheirRecipes() throws {
        let records = synthetic
        for bulk in [false, true] {
            let store = try ContactStore(path: ":memory:")
            try store.bulkSeed(syntheticCount: bulk ? ContactStore.bulkSeedThreshold : records.count) { seed in
                try seed.synthesize(synthesizer) { load in
                    for r in records { try load.write(r, policy: RetentionPolicy()) }
                }
            }
            for r in records.prefix(200) {
                XCTAssertEqual(try store.lookup(instanceId: "s", contactId: r.contactId)?.document, synthesizer.document(for: r.recipe!))
            }
            let listed = try store.list(instanceId: "s", after: nil, limit: 2000)
            XCTAssertEqual(listed.count, records.count)
            let byId = Dictionary(uniqueKeysWithValues: records.map { ($0.contactId, $0) })
            for l in listed { XCTAssertEqual(l.document, synthesizer.document(for: byId[l.contactId]!.recipe!)) }
            let first = records[0]
            try store.upsert(ContactRecord(instanceId: "s", contactId: first.contactId, initiation: first.initiation, document: Array("{}".utf8)),
                             policy: RetentionPolicy())
            XCTAssertEqual(try store.lookup(instanceId: "s", contactId: first.contactId)?.document, Array("{}".utf8))
        }
    }

    /// Writes `record` once in each of `runs` seed runs, each of this build's generator.
    private func writeInSeedRuns(_ record: ContactRecord, runs: Int, at path: String) throws {
        let store = try ContactStore(path: path)
        for _ in 0..<runs {
            try store.transaction { s in try s.write(record, policy: RetentionPolicy(), synthesisRun: try s.recordSynthesisRun(synthesizer)) }
        }
    }

    /// A store whose recipes another generator version wrote says so and how to fix it, at a
    /// lookup and when `serve` starts, rather than serving different contacts under the same
    /// ids; emptied (what `seed --replace` does first), it opens again.
    func testRecipesOfAnotherGeneratorVersionAreRefused() throws {
        let path = temporaryStorePath("gen")
        defer { removeStoreFiles(path) }
        let record = synthetic[0]
        try writeInSeedRuns(record, runs: 1, at: path)
        try SQLiteConnection(path: path, readOnly: false).execute("UPDATE synthesis_runs SET generator = generator + 1")
        for check in [{ _ = try ContactStore(path: path, readOnly: true).lookup(instanceId: "s", contactId: record.contactId) },
                      { try ContactStore(path: path, readOnly: true).loadSynthesisRuns() }] {
            XCTAssertThrowsError(try check()) { error in
                guard case StoreError.generatorMismatch(path, ContactSynthesizer.generatorVersion + 1, ContactSynthesizer.generatorVersion)? = error as? StoreError else {
                    return XCTFail("expected .generatorMismatch, got \(error)")
                }
                XCTAssertTrue("\(error)".contains("were made by generator version \(ContactSynthesizer.generatorVersion + 1)"), "\(error)")
                XCTAssertTrue("\(error)".contains("connect-mock seed --replace"), "\(error)")
            }
        }
        let replaced = try ContactStore(path: path)
        try replaced.transaction { s in try s.deleteAll() }
        XCTAssertNoThrow(try replaced.loadSynthesisRuns())
    }

    /// A run of another generator version whose contacts were all seeded again by this one
    /// names no contact: `serve` starts, and the contacts read as this version makes them.
    func testARunOfAnotherVersionThatNoContactNamesDoesNotStopServe() throws {
        let path = temporaryStorePath("orphan")
        defer { removeStoreFiles(path) }
        let record = synthetic[0]
        try writeInSeedRuns(record, runs: 2, at: path)
        try SQLiteConnection(path: path, readOnly: false)
            .execute("UPDATE synthesis_runs SET generator = generator + 1 WHERE id = (SELECT min(id) FROM synthesis_runs)")
        let store = try ContactStore(path: path, readOnly: true)
        XCTAssertNoThrow(try store.loadSynthesisRuns())
        XCTAssertEqual(try store.lookup(instanceId: "s", contactId: record.contactId)?.document, synthesizer.document(for: record.recipe!))

        let db = try SQLiteConnection(path: path, readOnly: false)
        try db.execute("UPDATE synthesis_runs SET generator = generator + 1 WHERE id = (SELECT max(id) FROM synthesis_runs)")
        XCTAssertThrowsError(try ContactStore(path: path, readOnly: true).loadSynthesisRuns()) { error in
            XCTAssertTrue("\(error)".contains("were made by generator version"), "\(error)")
        }
    }
}
