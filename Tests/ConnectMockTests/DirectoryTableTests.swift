import Foundation
import XCTest

/// DescribeUser, DescribeQueue, ListUsers and ListQueues (SPEC §8), and the mock API's
/// directory routes, each run in-process and over a live socket (MockHarness).
final class DirectoryTableTests: XCTestCase {
    typealias Row = DescribeContactTableTests.Row
    static let prefix = "arn:aws:connect:us-east-1:123456789012:instance/inst-1"
    static let folder = MockHarness.fixtureFolder("directory", file: "directory.jsonl", lines: [
        #"{"User":{"Id":"u-1","Username":"jane","IdentityInfo":{"FirstName":"Jane"},"Tags":{},"LastModifiedTime":"2025-01-01T00:00:00Z","LastModifiedRegion":"us-east-1"}}"#,
        #"{"User":{"Arn":"\#(prefix)/agent/u-2","Username":"joe"}}"#,
        #"{"Queue":{"QueueId":"q-1","Name":"Support","Status":"ENABLED"}}"#,
        #"{"Queue":{"QueueId":"q-agent","Name":"joe's queue"},"QueueType":"AGENT"}"#,
        #"{"Contact":{"Id":"c-1","Channel":"VOICE","InitiationMethod":"INBOUND","InitiationTimestamp":"2026-05-01T00:00:00Z","AgentInfo":{"Id":"u-1"},"QueueInfo":{"Id":"q-1"}}}"#,
    ])

    static func yaml(auth: String = "\"off\"", extra: String = "") -> String {
        DescribeContactTableTests.yaml(auth: auth, extra: extra)
            .replacingOccurrences(of: "seed: {fixtures: [\"\(DescribeContactTableTests.folder)\"]}",
                                  with: "seed: {fixtures: [\"\(folder)\"], synthetic: {count: 300, seed: 3}}")
    }

    func testDescribeRows() throws {
        let a = DescribeContactTableTests.self
        let auth = a.authorization()
        try MockHarness.run(yaml: DirectoryTableTests.yaml(extra: """
            faults: [{match: {contactId: faulty}, error: InternalServiceException}, {match: {operation: DescribeUser, contactId: u-2}, error: ResourceNotFoundException},
                     {match: {operation: DescribeQueue, contactId: q-agent}, error: ResourceNotFoundException},
                     {match: {operation: ListUsers}, error: ResourceNotFoundException}]
            """)) { exchange in
            let rows: [Row] = [
                Row(name: "user", target: "/users/inst-1/u-1", headers: auth, status: 200, code: nil, message: ""),
                Row(name: "queue", target: "/queues/inst-1/q-1", headers: auth, status: 200, code: nil, message: ""),
                Row(name: "unknown user", target: "/users/inst-1/nobody", headers: auth, status: 404, code: "ResourceNotFoundException",
                    message: "User not found: nobody", reason: "unknown"),
                Row(name: "unknown queue", target: "/queues/inst-1/nothing", headers: auth, status: 404, code: "ResourceNotFoundException",
                    message: "Queue not found: nothing", reason: "unknown"),
                Row(name: "a user is not a queue", target: "/queues/inst-1/u-1", headers: auth, status: 404, code: "ResourceNotFoundException",
                    message: "Queue not found: u-1", reason: "unknown"),
                Row(name: "user of another instance", target: "/users/inst-2/u-1", headers: a.authorization(region: "eu-west-2"), status: 404,
                    code: "ResourceNotFoundException", message: "User not found: u-1", reason: "unknown"),
                Row(name: "unknown instance", target: "/users/inst-9/u-1", headers: auth, status: 404, code: "ResourceNotFoundException",
                    message: "Instance not found: inst-9"),
                Row(name: "instance id too long", target: "/users/" + String(repeating: "i", count: 101) + "/u-1", headers: auth, status: 400,
                    code: "InvalidParameterException",
                    message: "1 validation error detected: Value at 'instanceId' failed to satisfy constraint: Member must have length less than or equal to 100"),
                Row(name: "control character", target: "/queues/inst-1/a%01b", headers: auth, status: 400, code: "InvalidParameterException",
                    message: "1 validation error detected: Value at 'queueId' failed to satisfy constraint: Member must not contain control characters"),
                Row(name: "key not allowed", target: "/users/inst-1/u-1", headers: a.authorization(key: "AKIDLONDON"), status: 403,
                    code: "AccessDeniedException",
                    message: "User: arn:aws:iam::123456789012:user/london is not authorized to perform: connect:DescribeUser on resource: \(DirectoryTableTests.prefix)/agent/u-1"),
                Row(name: "injected fault", target: "/queues/inst-1/faulty", headers: auth, status: 500, code: "InternalServiceException",
                    message: "An internal error occurred."),
                // An injected not-found, of a user and a queue that exist (without the rule, 200),
                // says what the operation says of a missing resource.
                Row(name: "injected user not found", target: "/users/inst-1/u-2", headers: auth, status: 404, code: "ResourceNotFoundException",
                    message: "User not found: u-2"),
                Row(name: "injected queue not found", target: "/queues/inst-1/q-agent", headers: auth, status: 404, code: "ResourceNotFoundException",
                    message: "Queue not found: q-agent"),
                Row(name: "injected not found of a listing", target: "/users-summary/inst-1", headers: auth, status: 404,
                    code: "ResourceNotFoundException", message: "Instance not found: inst-1"),
            ]
            for row in rows {
                let reply = try exchange.send(MockHarness.request("GET", row.target, headers: row.headers))
                let label = "\(row.name) (\(exchange.name))"
                assertAWSReply(reply, status: row.status, code: row.code, reason: row.reason, label)
                if row.code == nil {
                    assertOutputShape(reply, operation: row.target.hasPrefix("/users/") ? "DescribeUser" : "DescribeQueue", label)
                    continue
                }
                XCTAssertEqual(reply.json?["Message"] as? String, row.message, label)
            }
            let user = try XCTUnwrap(try exchange.send(MockHarness.request("GET", "/users/inst-1/u-1", headers: auth)).json?["User"] as? [String: Any])
            XCTAssertEqual(user["Arn"] as? String, "\(DirectoryTableTests.prefix)/agent/u-1")
            XCTAssertEqual(user["Tags"] as? [String: String], [:])
            XCTAssertEqual(user["LastModifiedTime"] as? Double, 1_735_689_600)
            let queue = try XCTUnwrap(try exchange.send(MockHarness.request("GET", "/queues/inst-1/q-1", headers: auth)).json?["Queue"] as? [String: Any])
            XCTAssertEqual(queue["QueueArn"] as? String, "\(DirectoryTableTests.prefix)/queue/q-1")
        }
    }

    /// Pages through a listing; every page's members are the summary shape's.
    func pages(_ exchange: Exchange, _ path: String, key: String, max: Int?, extra: String = "") throws -> [[String: Any]] {
        var out: [[String: Any]] = []
        var token: String?
        repeat {
            var query = extra
            if let max { query += "&maxResults=\(max)" }
            if let token { query += "&nextToken=" + token.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }
            let reply = try exchange.send(MockHarness.request("GET", path + "?" + query.drop { $0 == "&" }))
            XCTAssertEqual(reply.status, 200, reply.text)
            assertOutputShape(reply, operation: path.hasPrefix("/users-summary/") ? "ListUsers" : "ListQueues", path)
            let page = try XCTUnwrap(reply.json?[key] as? [[String: Any]], reply.text)
            if let max { XCTAssertLessThanOrEqual(page.count, max) }
            out += page
            token = reply.json?["NextToken"] as? String
        } while token != nil
        return out
    }

    func testListingsPageThroughTheDirectory() throws {
        try MockHarness.run(yaml: DirectoryTableTests.yaml()) { exchange in
            // 300 synthetic contacts: 5 users and 3 queues, beside the fixtures' 2 and 2.
            for max in [nil, 1, 3, 1000] as [Int?] {
                let users = try pages(exchange, "/users-summary/inst-1", key: "UserSummaryList", max: max)
                XCTAssertEqual(users.count, 7, exchange.name)
                XCTAssertEqual(Set(users.compactMap { $0["Id"] as? String }).count, 7)
                for u in users {
                    XCTAssertTrue(Set(u.keys).isSubset(of: ["Id", "Arn", "Username", "LastModifiedTime", "LastModifiedRegion"]), "\(u)")
                    XCTAssertTrue(Set(u.keys).isSuperset(of: ["Id", "Arn"]), "\(u)")
                }
                let queues = try pages(exchange, "/queues-summary/inst-1", key: "QueueSummaryList", max: max)
                XCTAssertEqual(queues.count, 5)
                XCTAssertEqual(Set(queues.compactMap { $0["Id"] as? String }).count, 5)
                for q in queues {
                    XCTAssertTrue(Set(q.keys).isSubset(of: ["Id", "Arn", "Name", "QueueType", "LastModifiedTime", "LastModifiedRegion"]), "\(q)")
                    XCTAssertTrue(Set(q.keys).isSuperset(of: ["Id", "Arn"]), "\(q)")
                }
            }
            let standard = try pages(exchange, "/queues-summary/inst-1", key: "QueueSummaryList", max: 2, extra: "queueTypes=STANDARD")
            XCTAssertEqual(standard.count, 4)
            let agent = try pages(exchange, "/queues-summary/inst-1", key: "QueueSummaryList", max: nil, extra: "queueTypes=AGENT")
            XCTAssertEqual(agent.map { $0["Id"] as? String }, ["q-agent"])
            let both = try pages(exchange, "/queues-summary/inst-1", key: "QueueSummaryList", max: nil, extra: "queueTypes=AGENT&queueTypes=STANDARD")
            XCTAssertEqual(both.count, 5)
            XCTAssertEqual(try pages(exchange, "/users-summary/inst-2", key: "UserSummaryList", max: nil).count, 0)

            for (query, member) in [("maxResults=0", "maxResults"), ("maxResults=1001", "maxResults"), ("queueTypes=OTHER", "queueTypes[0]")] {
                let reply = try exchange.send(MockHarness.request("GET", "/queues-summary/inst-1?" + query))
                XCTAssertEqual(reply.status, 400, query)
                XCTAssertEqual(reply.headers["x-amzn-errortype"], "InvalidParameterException", query)
                XCTAssertTrue((reply.json?["Message"] as? String ?? "").contains("'\(member)'"), reply.text)
            }
            let bad = try exchange.send(MockHarness.request("GET", "/users-summary/inst-1?nextToken=bogus"))
            XCTAssertEqual(bad.status, 400)
            XCTAssertEqual(bad.headers["x-amzn-errortype"], "InvalidParameterException")
        }
    }

    /// Every agent and queue a seeded contact names (fixture or synthetic) is in the directory.
    func testSeededContactsNameDirectoryEntries() throws {
        try MockHarness.run(yaml: DirectoryTableTests.yaml()) { exchange in
            var token: String?
            var agents = 0
            repeat {
                let listing = try exchange.send(MockHarness.request("GET", "/_mock/contacts?limit=1000" + (token.map { "&nextToken=" + $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! } ?? "")))
                for c in listing.json?["Contacts"] as? [[String: Any]] ?? [] {
                    let id = c["Id"] as! String
                    let contact = try XCTUnwrap(exchange.send(MockHarness.request("GET", "/contacts/inst-1/\(id)")).json?["Contact"] as? [String: Any])
                    if let agent = (contact["AgentInfo"] as? [String: Any])?["Id"] as? String {
                        agents += 1
                        XCTAssertEqual(try exchange.send(MockHarness.request("GET", "/users/inst-1/\(agent)")).status, 200, "agent of \(id)")
                    }
                    if let queue = (contact["QueueInfo"] as? [String: Any])?["Id"] as? String {
                        XCTAssertEqual(try exchange.send(MockHarness.request("GET", "/queues/inst-1/\(queue)")).status, 200, "queue of \(id)")
                    }
                }
                token = listing.json?["NextToken"] as? String
            } while token != nil
            XCTAssertGreaterThan(agents, 50)
        }
    }

    func testMockAPIRoutes() throws {
        try MockHarness.run(yaml: DirectoryTableTests.yaml()) { exchange in
            func send(_ method: String, _ path: String, _ body: String = "") throws -> Reply {
                try exchange.send(MockHarness.request(method, path, body: body))
            }
            var r = try send("PUT", "/_mock/users/inst-1/u-9", #"{"User":{"Username":"new"}}"#)
            XCTAssertEqual(r.status, 201, r.text)
            XCTAssertEqual((r.json?["User"] as? [String: Any])?["Arn"] as? String, "\(DirectoryTableTests.prefix)/agent/u-9")
            XCTAssertEqual(try send("PUT", "/_mock/users/inst-1/u-9", #"{"User":{"Username":"renamed"}}"#).status, 200)
            XCTAssertEqual(try send("GET", "/users/inst-1/u-9").status, 200)
            XCTAssertEqual(((try send("GET", "/_mock/users/inst-1/u-9").json?["User"]) as? [String: Any])?["Username"] as? String, "renamed")
            r = try send("PUT", "/_mock/users/inst-1/u-9", #"{"User":{"Id":"other"}}"#)
            XCTAssertEqual(r.status, 400)
            XCTAssertEqual(r.json?["path"] as? String, "$.User.Id")
            r = try send("PUT", "/_mock/queues/inst-1/q-9", #"{"Queue":{"Name":"Q","Status":"OPEN"}}"#)
            XCTAssertEqual(r.status, 400)
            XCTAssertEqual(r.json?["path"] as? String, "$.Queue.Status")
            XCTAssertEqual(try send("DELETE", "/_mock/users/inst-1/u-9").status, 204)
            XCTAssertEqual(try send("DELETE", "/_mock/users/inst-1/u-9").status, 404)
            XCTAssertEqual(try send("GET", "/users/inst-1/u-9").status, 404)
            XCTAssertEqual(try send("POST", "/_mock/users").status, 405)

            r = try send("POST", "/_mock/directory", #"[{"User":{"Id":"b-1","Username":"b1"}},{"Queue":{"QueueId":"b-q","Name":"B"}},{"User":{"Id":"b-2","Username":"b2"}}]"#)
            XCTAssertEqual(r.status, 200, r.text)
            XCTAssertEqual(r.json?["users"] as? Int, 2)
            XCTAssertEqual(r.json?["queues"] as? Int, 1)
            r = try send("POST", "/_mock/directory", #"[{"User":{"Id":"b-3","Username":"b3"}},{"User":{"Id":"b-4","Usernam":"b4"}}]"#)
            XCTAssertEqual(r.status, 400)
            XCTAssertEqual(r.json?["path"] as? String, "$[1].User.Usernam")
            XCTAssertEqual(try send("GET", "/users/inst-1/b-3").status, 404, "a refused bulk upsert wrote part of itself")

            var users: [[String: Any]] = []
            var token: String?
            repeat {
                let page = try send("GET", "/_mock/users?instanceId=inst-1&limit=2" + (token.map { "&nextToken=" + $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! } ?? ""))
                XCTAssertEqual(page.status, 200, page.text)
                users += page.json?["Users"] as? [[String: Any]] ?? []
                token = page.json?["NextToken"] as? String
            } while token != nil
            XCTAssertEqual(users.count, 9)
            XCTAssertEqual((try send("GET", "/_mock/queues").json?["Queues"] as? [[String: Any]])?.count, 6)

            r = try send("POST", "/_mock/reset")
            XCTAssertEqual(r.status, 200)
            XCTAssertEqual(try send("GET", "/users/inst-1/b-1").status, 404)
            XCTAssertEqual(try send("GET", "/users/inst-1/u-1").status, 200)
            XCTAssertEqual((try send("GET", "/_mock/users").json?["Users"] as? [[String: Any]])?.count, 7)
        }
    }
}
