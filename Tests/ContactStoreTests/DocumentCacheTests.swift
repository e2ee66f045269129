import ContactModel
@testable import ContactStore
import Timekeeping
import XCTest

/// A version source that reports what the test sets, and counts the questions it is asked.
final class FakeDataVersion: DataVersionSource {
    var file: Int64 = 1
    var writes: UInt64 = 0
    var fileChecks = 0
    var failure: StoreError?

    func processWrites() -> UInt64 { writes }
    func noteProcessWrite() { writes += 1 }
    func fileVersion() throws(StoreError) -> Int64 {
        fileChecks += 1
        if let failure { throw failure }
        return file
    }
}

/// The document cache's freshness rules, without a database: the version source is a fake.
final class DocumentCacheTests: XCTestCase {
    let interval: UInt64 = 1_000_000

    func contact(_ text: String) -> ContactStore.StoredContact {
        ContactStore.StoredContact(document: Array(text.utf8), initiation: Instant(secondsSinceEpoch: 1_700_000_000))
    }

    func makeCache(_ source: FakeDataVersion, limit: Int = 2048) -> DocumentCache<FakeDataVersion> {
        DocumentCache(source: source, limit: limit, fileCheckInterval: interval)
    }

    /// A cached document is served again, and within the interval the file is not asked.
    func testHit() throws {
        let source = FakeDataVersion()
        var cache = makeCache(source)
        XCTAssertNil(try cache.cached(instanceId: "i", contactId: "a", now: 10))
        cache.insert(contact("{\"v\":1}"), instanceId: "i", contactId: "a")
        for k in 0..<100 {
            XCTAssertEqual(try cache.cached(instanceId: "i", contactId: "a", now: 10 + UInt64(k))?.document, Array("{\"v\":1}".utf8))
        }
        XCTAssertEqual(source.fileChecks, 1, "asked once, for the first lookup")
    }

    /// Another contact, or the same contact id in another instance, misses.
    func testMiss() throws {
        var cache = makeCache(FakeDataVersion())
        _ = try cache.cached(instanceId: "i", contactId: "a", now: 10)
        cache.insert(contact("{}"), instanceId: "i", contactId: "a")
        XCTAssertNil(try cache.cached(instanceId: "i", contactId: "b", now: 11))
        XCTAssertNil(try cache.cached(instanceId: "other", contactId: "a", now: 12))
        XCTAssertNotNil(try cache.cached(instanceId: "i", contactId: "a", now: 13))
    }

    /// Another connection's commit (another process) is seen at the next check of the file's
    /// version, at most one interval later; until then the cached document is served.
    func testInvalidatedByAnotherConnectionsWrite() throws {
        let source = FakeDataVersion()
        var cache = makeCache(source)
        _ = try cache.cached(instanceId: "i", contactId: "a", now: 10)
        cache.insert(contact("{}"), instanceId: "i", contactId: "a")
        source.file += 1
        XCTAssertNotNil(try cache.cached(instanceId: "i", contactId: "a", now: 10 + interval - 1), "within the interval")
        XCTAssertNil(try cache.cached(instanceId: "i", contactId: "a", now: 10 + interval))
        XCTAssertEqual(source.fileChecks, 2)
        cache.insert(contact("{}"), instanceId: "i", contactId: "a")
        XCTAssertNotNil(try cache.cached(instanceId: "i", contactId: "a", now: 10 + 2 * interval), "the file did not change again")
    }

    /// Another worker's write in this process (its cache notes it) is seen at once, without
    /// waiting for the interval.
    func testInvalidatedAtOnceByAWriteOfThisProcess() throws {
        let source = FakeDataVersion()
        var reader = makeCache(source), writer = makeCache(source)
        _ = try reader.cached(instanceId: "i", contactId: "a", now: 10)
        reader.insert(contact("{}"), instanceId: "i", contactId: "a")
        writer.invalidate()
        XCTAssertNil(try reader.cached(instanceId: "i", contactId: "a", now: 11))
    }

    /// `invalidate` (what `ContactStore.delete` calls, committed or not) empties the cache: the
    /// delete inside a transaction itself is StoreFailureTests' test.
    func testInvalidateEmptiesTheCache() throws {
        let source = FakeDataVersion()
        var cache = makeCache(source)
        _ = try cache.cached(instanceId: "i", contactId: "a", now: 10)
        cache.insert(contact("{}"), instanceId: "i", contactId: "a")
        cache.invalidate()  // what `ContactStore.delete` does, committed or not
        XCTAssertEqual(cache.count, 0)
        XCTAssertNil(try cache.cached(instanceId: "i", contactId: "a", now: 11))
    }

    /// Full, the cache empties itself rather than grow.
    func testBounded() throws {
        var cache = makeCache(FakeDataVersion(), limit: 2)
        _ = try cache.cached(instanceId: "i", contactId: "a", now: 10)
        for id in ["a", "b", "c"] { cache.insert(contact("{}"), instanceId: "i", contactId: id) }
        XCTAssertEqual(cache.count, 1)
        XCTAssertNil(try cache.cached(instanceId: "i", contactId: "a", now: 11))
        XCTAssertNotNil(try cache.cached(instanceId: "i", contactId: "c", now: 12))
    }

    /// A failure to read the file's version reaches the lookup as the source's `StoreError`.
    func testVersionFailureIsTyped() throws {
        let source = FakeDataVersion()
        var cache = makeCache(source)
        source.failure = .busy(SQLiteError(code: 5, message: "database is locked", context: "PRAGMA data_version"))
        XCTAssertThrowsError(try cache.cached(instanceId: "i", contactId: "a", now: 10)) { error in
            guard case StoreError.busy? = error as? StoreError else { return XCTFail("expected .busy, got \(error)") }
        }
    }
}
