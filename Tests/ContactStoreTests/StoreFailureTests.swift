import ContactModel
@testable import ContactStore
import Foundation
import Timekeeping
import XCTest

/// Store failures arrive as `StoreError` cases, and every write is one transaction.
final class StoreFailureTests: XCTestCase {
    func record(_ id: String, doc: String = "{}", instance: String = "i") -> ContactRecord {
        ContactRecord(instanceId: instance, contactId: id, initiation: Instant(secondsSinceEpoch: 1_700_000_000), document: Array(doc.utf8))
    }

    /// A write that needs more room than the file may take (SQLite's `max_page_count`, as a
    /// full disk does) fails as `.full`, changes nothing, and reads go on.
    func testAFullFileRefusesTheWriteAsFullAndKeepsReading() throws {
        let path = temporaryStorePath("full")
        defer { removeStoreFiles(path) }
        let store = try ContactStore(path: path)
        try store.upsert(record("kept", doc: #"{"v":1}"#), policy: RetentionPolicy())
        try store.capPages(1)  // SQLite holds it at the file's current size
        let big = "{\"pad\":\"" + String(repeating: "x", count: 200_000) + "\"}"
        XCTAssertThrowsError(try store.transaction { s in
            try s.write(self.record("big", doc: big), policy: RetentionPolicy())
        }) { error in
            guard case StoreError.full(let p, _)? = error as? StoreError else { return XCTFail("expected .full, got \(error)") }
            XCTAssertEqual(p, path)
        }
        XCTAssertThrowsError(try store.upsert(record("big2", doc: big), policy: RetentionPolicy())) { error in
            guard case StoreError.full? = error as? StoreError else { return XCTFail("expected .full, got \(error)") }
        }
        XCTAssertEqual(try store.count(), 1)
        XCTAssertEqual(try store.lookup(instanceId: "i", contactId: "kept")?.document, Array(#"{"v":1}"#.utf8))
        XCTAssertEqual(try store.list(instanceId: nil, after: nil, limit: 10).map(\.contactId), ["kept"])
        XCTAssertTrue(try store.delete(instanceId: "i", contactId: "kept"), "a write that needs no room still works")
    }

    /// A store path whose folder is a regular file names the file, not `NSCocoaErrorDomain
    /// Code=512 "(null)"`.
    func testAFolderThatIsAFileIsCannotOpenNamingIt() throws {
        let file = temporaryStorePath("plain-file")
        defer { try? FileManager.default.removeItem(atPath: file) }
        XCTAssertTrue(FileManager.default.createFile(atPath: file, contents: Data("x".utf8)))
        let path = file + "/deeper/contacts.sqlite"
        XCTAssertThrowsError(try StoreLocation.prepareFolder(for: path)) { error in
            guard case StoreError.cannotOpen(let p, let reason)? = error as? StoreError else { return XCTFail("expected .cannotOpen, got \(error)") }
            XCTAssertEqual(p, path)
            XCTAssertEqual(reason, "\(file) is a file, not a folder")
            XCTAssertEqual("\(error)", "cannot open the store \(path): \(file) is a file, not a folder")
        }
        let folder = NSTemporaryDirectory() + "made-\(UUID().uuidString)/a/b"
        defer { try? FileManager.default.removeItem(atPath: (folder as NSString).deletingLastPathComponent) }
        try StoreLocation.prepareFolder(for: folder + "/c.sqlite")
        var isDir: ObjCBool = false
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder, isDirectory: &isDir) && isDir.boolValue)
        let notSQLite = temporaryStorePath("not-sqlite")
        defer { try? FileManager.default.removeItem(atPath: notSQLite) }
        XCTAssertTrue(FileManager.default.createFile(atPath: notSQLite, contents: Data(String(repeating: "not a database\n", count: 300).utf8)))
        XCTAssertThrowsError(try ContactStore(path: notSQLite)) { error in
            guard case StoreError.unreadable? = error as? StoreError else { return XCTFail("expected .unreadable for a file that is not SQLite, got \(error)") }
        }
    }

    /// Another connection's write lock past the busy timeout is `.busy`.
    func testAHeldWriteLockIsBusy() throws {
        let path = temporaryStorePath("busy")
        defer { removeStoreFiles(path) }
        let holder = try ContactStore(path: path)
        let other = try ContactStore(path: path)
        other.busyTimeoutMilliseconds = 50
        try holder.transaction { _ in
            XCTAssertThrowsError(try other.upsert(record("x"), policy: RetentionPolicy())) { error in
                guard case StoreError.busy? = error as? StoreError else { return XCTFail("expected .busy, got \(error)") }
            }
        }
    }

    /// A write inside another transaction joins it, so one failure rolls back both.
    func testAWriteInsideATransactionJoinsIt() throws {
        let store = try ContactStore(path: ":memory:")
        try store.upsert(record("a"), policy: RetentionPolicy())
        struct Stop: Error {}
        XCTAssertThrowsError(try store.transaction { s in
            try s.deleteAll()
            _ = try s.transaction { inner in try inner.upsert(self.record("b"), policy: RetentionPolicy()) }
            throw Stop()
        })
        XCTAssertEqual(try store.list(instanceId: nil, after: nil, limit: 10).map(\.contactId), ["a"])
    }

    /// A delete inside a transaction is seen by a lookup later in it, though the lookup before
    /// it cached the contact.
    func testADeleteInsideATransactionIsNotServedFromTheCache() throws {
        let store = try ContactStore(path: ":memory:")
        try store.upsert(record("a"), policy: RetentionPolicy())
        try store.upsert(record("b"), policy: RetentionPolicy())
        try store.transaction { s in
            XCTAssertNotNil(try s.lookup(instanceId: "i", contactId: "a"))
            XCTAssertNotNil(try s.lookup(instanceId: "i", contactId: "b"))
            try s.deleteAll()
            XCTAssertNil(try s.lookup(instanceId: "i", contactId: "a"))
            try s.upsert(self.record("b"), policy: RetentionPolicy())
            XCTAssertTrue(try s.delete(instanceId: "i", contactId: "b"))
            XCTAssertNil(try s.lookup(instanceId: "i", contactId: "b"))
        }
    }

    /// Delete-all against a seed on another connection, as two server workers run
    /// `DELETE /_mock/contacts` and `POST /_mock/reset`: each is one transaction, so after
    /// every round the file is what one order of the two gives, and every synthetic contact's
    /// synthesis run is there. Delete-all used to commit the contacts and the runs apart,
    /// and a seed committed between them left contacts whose run was gone.
    func testDeleteAllAgainstASeedOnAnotherConnectionStaysWhole() throws {
        let path = temporaryStorePath("race")
        defer { removeStoreFiles(path) }
        let synthesizer = self.synthesizer
        var made: [ContactRecord] = []
        synthesizer.generate(count: 20) { made.append($0) }
        let records = made
        let deleter = try ContactStore(path: path)
        let reader = try ContactStore(path: path)
        let rounds = 400
        let go = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        let seedThread = Thread {
            let seeder = try! ContactStore(path: path)
            for _ in 0..<rounds {
                go.wait()
                try! seeder.transaction { s in
                    try s.deleteAll()
                    let run = try s.recordSynthesisRun(synthesizer)
                    for r in records { try s.write(r, policy: RetentionPolicy(), synthesisRun: run) }
                }
                done.signal()
            }
        }
        seedThread.start()
        for round in 0..<rounds {
            go.signal()
            let deleted = try deleter.deleteAll()
            done.wait()
            let listed = try reader.list(instanceId: nil, after: nil, limit: 100)  // throws .unreadable on a lost run
            XCTAssertTrue(listed.count == 0 || listed.count == records.count, "round \(round): \(listed.count) contacts")
            XCTAssertTrue([0, records.count].contains(deleted), "round \(round): deleted \(deleted)")
            if listed.count == 0 { XCTAssertEqual(deleted, records.count, "round \(round): delete went last but deleted \(deleted)") }
        }
    }
}
