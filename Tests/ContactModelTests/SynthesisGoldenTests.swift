import ASCII
import ContactModel
import Timekeeping
import XCTest

/// The order of random draws is the on-disk format of every stored synthetic contact: a store
/// keeps recipes, and a read makes the document again. A change that moves one draw changes
/// every contact after it, so the bytes of a fixed run are pinned here per generator version,
/// and a change to them without a new `generatorVersion` fails.
final class SynthesisGoldenTests: XCTestCase {
    /// The digest of seed 42's first 2,000 contacts at a fixed clock, by generator version.
    static let digests: [Int64: String] = [
        2: "0579bb85-7f18-4489-9dc9-2dea93a0f9c1",
        // 3: AgentInfo.Id, its HierarchyGroups, QueueInfo.Id and AgentsCriteria.AgentIds come
        // from the run's directory (SPEC §8) instead of fresh random UUIDs.
        3: "0fb276c5-9649-492a-a15a-aee9e044653e",
    ]

    func testAFixedRunMakesTheBytesItsGeneratorVersionPinned() {
        // The directory a seed of 2,000 contacts makes (20 users, 3 queues): from version 3 on,
        // agents and queues are drawn from it.
        let synth = ContactSynthesizer(instance: demoInstance, seed: 42, now: fixedNow, policy: RetentionPolicy(),
                                       directory: SyntheticDirectory(instanceId: demoInstance.id, contacts: 2000))
        var bytes: [UInt8] = []
        var count = 0
        synth.generate(count: 2000) { r in
            bytes += Array(r.contactId.utf8) + r.recipe!.bytes + synth.document(for: r.recipe!) + [0x0a]
            count += 1
        }
        XCTAssertEqual(count, 2000)
        let digest = StableIdentifier.uuid(from: bytes)
        let version = ContactSynthesizer.generatorVersion
        guard let pinned = SynthesisGoldenTests.digests[version] else {
            return XCTFail("generator version \(version) has no pinned digest: add \(version): \"\(digest)\" once its output is final")
        }
        XCTAssertEqual(digest, pinned, """
            synthesis made other bytes than generator version \(version) pinned: stored recipes would now read as \
            different contacts. Bump ContactSynthesizer.generatorVersion and pin the new digest (\(digest)).
            """)
    }
}
