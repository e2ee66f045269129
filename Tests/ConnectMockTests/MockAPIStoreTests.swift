@testable import ConnectMock
import ContactStore
import Foundation
import JSON
import Logging
import XCTest

/// The mock API's store failures and resets, over a real socket.
final class MockAPIStoreTests: XCTestCase {
    func withServer(yaml: String, _ body: (Int) throws -> Void) throws {
        try MockHarness.live(try MockConfig.parse(yaml, file: "test"), body)
    }

    /// Status and body of one request on its own connection.
    func call(_ port: Int, _ method: String, _ path: String, body: String = "", headers: String = "") throws -> (Int, String) {
        let c = try RawClient(port: port)
        try c.send("\(method) \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\(headers)Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
        let text = c.readAll()
        let parts = text.components(separatedBy: "\r\n\r\n")
        return (RawClient.statuses(text).first ?? -1, parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    /// A reset whose store part fails (here its fixture folder has gone) changes nothing: the
    /// clock, the faults and the contacts stay as they were. It used to set the clock and the
    /// faults back before the seed failed.
    func testAFailedResetChangesNothing() throws {
        let folder = NSTemporaryDirectory() + "reset-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let yaml = """
            server: {host: 127.0.0.1, port: 0}
            database: {path: ":memory:"}
            instances: [{id: inst-1, region: us-east-1, accountId: "123456789012"}]
            seed: {fixtures: ["\(folder)/fixtures"], synthetic: {count: 3, seed: 7}}
            clock: {now: "2026-01-01T00:00:00Z"}
            """
        try FileManager.default.createDirectory(atPath: folder + "/fixtures", withIntermediateDirectories: true)
        try withServer(yaml: yaml) { port in
            XCTAssertEqual(try call(port, "PUT", "/_mock/clock", body: #"{"now":"2030-05-05T00:00:00Z"}"#).0, 200)
            XCTAssertEqual(try call(port, "PUT", "/_mock/faults", body: #"{"faults":[{"error":"ThrottlingException"}]}"#).0, 200)
            XCTAssertEqual(try call(port, "DELETE", "/_mock/contacts/inst-1/none").0, 404)
            try FileManager.default.removeItem(atPath: folder + "/fixtures")
            let (status, text) = try call(port, "POST", "/_mock/reset")
            XCTAssertEqual(status, 400, text)
            XCTAssertTrue(text.contains("no such file or folder"), text)
            XCTAssertTrue(try call(port, "GET", "/_mock/clock").1.contains("2030-05-05T00:00:00"), "the clock was reset by a failed reset")
            XCTAssertTrue(try call(port, "GET", "/_mock/faults").1.contains("ThrottlingException"), "the faults were reset by a failed reset")
            XCTAssertTrue(try call(port, "GET", "/_mock/health").1.contains(#""contacts":3"#))
            // Once the seed can run again, the reset does all of it.
            try FileManager.default.createDirectory(atPath: folder + "/fixtures", withIntermediateDirectories: true)
            let (again, answer) = try call(port, "POST", "/_mock/reset")
            XCTAssertEqual(again, 200, answer)
            XCTAssertTrue(answer.contains(#"{"contacts":3}"#), answer)
            XCTAssertTrue(try call(port, "GET", "/_mock/clock").1.contains("2026-01-01T00:00:00"))
            XCTAssertEqual(try call(port, "GET", "/_mock/faults").1, #"{"faults":[]}"#)
        }
    }

    /// The admin token is checked whole: a prefix, an extension or one wrong byte is 401.
    func testAdminTokenMustMatchWhole() throws {
        let yaml = """
            server: {host: 127.0.0.1, port: 0}
            database: {path: ":memory:"}
            instances: [{id: inst-1, region: us-east-1, accountId: "123456789012"}]
            seed: {fixtures: []}
            admin: {token: s3cret-token}
            """
        try withServer(yaml: yaml) { port in
            XCTAssertEqual(try call(port, "GET", "/_mock/clock", headers: "X-Mock-Admin-Token: s3cret-token\r\n").0, 200)
            for wrong in ["s3cret-toke", "s3cret-tokenn", "s3cret-tokeN", "x"] {
                XCTAssertEqual(try call(port, "GET", "/_mock/clock", headers: "X-Mock-Admin-Token: \(wrong)\r\n").0, 401, wrong)
            }
            XCTAssertEqual(try call(port, "GET", "/_mock/clock").0, 401)
            XCTAssertEqual(try call(port, "GET", "/_mock/health").0, 200)
        }
    }

    /// Each store failure has its status, decided in one place.
    func testStoreFailuresRenderToTheirStatus() {
        let e = SQLiteError(code: 13, message: "database or disk is full", context: "COMMIT")
        let full = MockAPI.error(StoreError.full(path: "/d/c.sqlite", e).mockAPIError)
        XCTAssertEqual(full.status, 507)
        let text = String(decoding: full.body, as: UTF8.self)
        XCTAssertTrue(text.contains("SQLITE_FULL") && text.contains("/d/c.sqlite") && text.contains("nothing in the store was changed"), text)
        let busy = MockAPI.error(StoreError.busy(SQLiteError(code: 5, message: "database is locked", context: "BEGIN IMMEDIATE")).mockAPIError)
        XCTAssertEqual(busy.status, 503)
        XCTAssertTrue(busy.headers.contains { $0.0 == "Retry-After" })
        XCTAssertEqual(MockAPI.error(StoreError.unreadable(path: "p", reason: "r").mockAPIError).status, 500)
        XCTAssertEqual(MockAPI.error(StoreError.cannotOpen(path: "p", reason: "r").mockAPIError).status, 500)
    }
}
