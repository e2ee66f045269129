import ContactModel
@testable import ContactStore
import Foundation
import JSON
import Timekeeping
import XCTest

/// The directory's tables: upsert, lookup, delete, paged listings, and the synthetic run's
/// directory sizes that its contacts are made with.
final class DirectoryStoreTests: XCTestCase {
    let instance = InstanceInfo(id: "s", region: "us-east-1", accountId: "123456789012")

    func user(_ id: String, _ name: String, instance: String = "s") -> DirectoryRecord {
        DirectoryRecord(kind: .user, instanceId: instance, id: id, name: name, document: Array("{\"Id\":\"\(id)\",\"Username\":\"\(name)\"}".utf8))
    }

    func testUpsertLookupDeleteAndList() throws {
        let store = try ContactStore(path: ":memory:")
        XCTAssertTrue(try store.upsertDirectory(user("b", "bee")))
        XCTAssertFalse(try store.upsertDirectory(user("b", "bea")))
        try store.upsertDirectory([user("a", "ay"), user("c", "cee"), user("a", "other", instance: "t")])
        try store.upsertDirectory(DirectoryRecord(kind: .queue, instanceId: "s", id: "a", name: "Q", queueType: "AGENT", document: Array("{}".utf8)))
        XCTAssertEqual(try store.lookupDirectory(.user, instanceId: "s", id: "b"), Array("{\"Id\":\"b\",\"Username\":\"bea\"}".utf8))
        XCTAssertNil(try store.lookupDirectory(.user, instanceId: "t", id: "b"))
        XCTAssertEqual(try store.lookupDirectory(.queue, instanceId: "s", id: "a"), Array("{}".utf8))
        XCTAssertEqual(try store.directoryCount(.user), 4)

        let page1 = try store.listDirectory(.user, instanceId: "s", after: nil, limit: 2)
        XCTAssertEqual(page1.map(\.id), ["a", "b"])
        XCTAssertEqual(try store.listDirectory(.user, instanceId: "s", after: ("s", "b"), limit: 2).map(\.id), ["c"])
        XCTAssertEqual(try store.listDirectory(.user, instanceId: nil, after: ("s", "c"), limit: 5).map(\.instanceId), ["t"])
        XCTAssertEqual(try store.listDirectory(.queue, instanceId: "s", after: nil, limit: 5, queueTypes: ["STANDARD"]).count, 0)
        XCTAssertEqual(try store.listDirectory(.queue, instanceId: "s", after: nil, limit: 5, queueTypes: ["AGENT"]).map(\.queueType), ["AGENT"])

        XCTAssertTrue(try store.deleteDirectory(.user, instanceId: "s", id: "b"))
        XCTAssertFalse(try store.deleteDirectory(.user, instanceId: "s", id: "b"))
        XCTAssertNil(try store.lookupDirectory(.user, instanceId: "s", id: "b"), "a cached document outlived its delete")
        try store.deleteAll()
        XCTAssertEqual(try store.directoryCount(.user), 0)
        XCTAssertEqual(try store.directoryCount(.queue), 0)
    }

    /// A run records its directory's sizes; a store that reads its recipes later (another
    /// connection, after a restart) makes contacts that name the same users and queues.
    func testASyntheticRunsDirectoryIsReadBackWithItsContacts() throws {
        let path = temporaryStorePath("dir")
        defer { removeStoreFiles(path) }
        let directory = SyntheticDirectory(instanceId: "s", contacts: 3000)
        let synth = ContactSynthesizer(instance: instance, seed: 5, now: Instant(millisecondsSinceEpoch: 1_780_000_000_000),
                                       policy: RetentionPolicy(), directory: directory)
        var records: [ContactRecord] = []
        synth.generate(count: 3000) { records.append($0) }
        do {
            let store = try ContactStore(path: path)
            try store.bulkSeed(syntheticCount: records.count) { seed in
                for r in directory.records(instance: instance, now: synth.now) { try seed.writeDirectory(r) }
                try seed.synthesize(synth) { load in
                    for r in records { try load.write(r, policy: RetentionPolicy()) }
                }
            }
        }
        let reader = try ContactStore(path: path)
        XCTAssertEqual(try reader.directoryCount(.user), directory.userCount)
        XCTAssertEqual(try reader.directoryCount(.queue), directory.queueCount)
        var checked = 0
        for r in records.prefix(500) {
            let doc = try JSONParser.parse(try XCTUnwrap(reader.lookup(instanceId: "s", contactId: r.contactId)).document)
            XCTAssertEqual(try JSONParser.parse(synth.document(for: r.recipe!)), doc)
            if let agent = doc["AgentInfo"]?["Id"]?.stringValue {
                XCTAssertNotNil(try reader.lookupDirectory(.user, instanceId: "s", id: agent))
                checked += 1
            }
            if let queue = doc["QueueInfo"]?["Id"]?.stringValue { XCTAssertNotNil(try reader.lookupDirectory(.queue, instanceId: "s", id: queue)) }
        }
        XCTAssertGreaterThan(checked, 0)
    }
}
