@testable import ConnectMock
@testable import ContactStore
import Foundation
import XCTest

/// The mock API's large writes run off the loop (`StoreJobs`): while one waits for the store,
/// the worker that received it goes on answering its other connections.
final class StoreJobsTests: XCTestCase {
    func testLoopAnswersWhileAWriteWaitsForTheStore() throws {
        let path = NSTemporaryDirectory() + "jobs-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let config = try MockConfig.parse("""
            server: {host: 127.0.0.1, port: 0, workers: 1}
            database: {path: "\(path)"}
            instances: [{id: inst-1, region: us-east-1, accountId: "123456789012"}]
            seed: {fixtures: []}
            """, file: "test")
        try MockHarness.live(config) { port in
            // Another connection holds the file's write lock, as a `connect-mock seed` run would.
            let holder = try ContactStore(path: path)
            try holder.db.execute("BEGIN IMMEDIATE")
            let body = #"{"Contacts":[{"Id":"c-1","Channel":"VOICE","InitiationMethod":"INBOUND","InitiationTimestamp":"2026-06-01T12:00:00Z"}]}"#
            let write = try RawClient(port: port)
            try write.send(MockHarness.request("POST", "/_mock/contacts", body: body))
            // The write now waits in SQLite's busy handler, on the job thread. On the loop it
            // would hold every other request of this worker until the lock went.
            Thread.sleep(forTimeInterval: 0.3)
            let started = Date()
            let health = try RawClient(port: port)
            try health.send(MockHarness.request("GET", "/_mock/health"))
            let answer = health.readAll()
            XCTAssertEqual(RawClient.statuses(answer), [200], answer)
            XCTAssertLessThan(Date().timeIntervalSince(started), 1, "the loop waited for the write")
            try holder.db.execute("ROLLBACK")
            let written = write.readAll()
            XCTAssertEqual(RawClient.statuses(written), [200], written)
            XCTAssertTrue(written.contains(#""written":1"#), written)
        }
    }
}
