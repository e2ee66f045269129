import ContactModel
import ContactStore
import Foundation
import HTTP1
import JSON
import SigV4
import Timekeeping

/// The mock's own API under `/_mock/` (SPEC §5): JSON in and out, camelCase keys, errors as
/// `{"message":...,"path":...}`, never SigV4; `X-Mock-Admin-Token` when `admin.token` is set.
final class MockAPI {
    let state: MockState
    /// This worker's own connection; writes from any worker land in the same file.
    let store: ContactStore

    init(state: MockState, store: ContactStore) {
        self.state = state
        self.store = store
    }

    struct APIError: Error {
        var status: Int
        var message: String
        var path: String?
        var headers: [(String, String)] = []
    }

    /// What a route answers: a response now, or a large write to run on the job thread
    /// (`StoreJobs`) with the store it is given there, whose response goes out when it is done.
    enum Answer {
        case now(HTTPResponse)
        case job(@Sendable (ContactStore) throws -> HTTPResponse)
    }

    /// The route name for metrics, and the answer.
    func handle(_ request: HTTPRequest) -> (String, Answer) {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst(2)
        let decoded = parts.map { URIEncoding.decodeValidating($0.utf8.span, 0..<$0.utf8.count) }
        let segments = decoded.map(\.text)
        let route = routeName(segments)
        do {
            if !(route == "/_mock/health" && request.method == "GET") {
                guard state.config.admin.enabled else { throw APIError(status: 404, message: "the mock API is disabled (admin.enabled: false)") }
                if let token = state.config.admin.token {
                    guard let sent = request.headers["x-mock-admin-token"], constantTimeEqual(sent, token) else {
                        throw APIError(status: 401, message: "missing or wrong X-Mock-Admin-Token header")
                    }
                }
            }
            // `%FF` and `%FE` would both read as U+FFFD, and name the same contact.
            if let bad = decoded.firstIndex(where: { !$0.valid }) {
                throw APIError(status: 400, message: "path segment \(bad + 1) after /_mock/ is not UTF-8 once percent-decoded (\(parts[parts.startIndex + bad]))")
            }
            return (route, try dispatch(request, segments: segments))
        } catch {
            return (route, .now(MockAPI.response(for: error, method: request.method, path: request.path, state: state)))
        }
    }

    /// A route's error as the mock API answers it; the one place errors are rendered, for the
    /// routes answered now and for the jobs alike. Server faults are logged.
    static func response(for error: any Error, method: String, path: Substring, state: MockState) -> HTTPResponse {
        guard let e = error as? MockAPIRenderable else {
            state.logger.error("mock API \(method) \(path) failed: \(error)")
            return MockAPI.error(APIError(status: 500, message: "internal error: \(error)"))
        }
        let rendered = e.mockAPIError
        if rendered.status >= 500 { state.logger.error("mock API \(method) \(path) failed: \(e)") }
        return MockAPI.error(rendered)
    }

    /// Runs `job` where the store's large writes run: on the job thread, or on the loop with
    /// this worker's connection for a `:memory:` store (which exists only in that connection).
    private func job(_ job: @escaping @Sendable (ContactStore) throws -> HTTPResponse) throws -> Answer {
        guard state.jobs.runsOnLoop else { return .job(job) }
        return .now(try job(store))
    }

    private func routeName(_ s: [String]) -> String {
        switch s.count {
        case 1: return "/_mock/" + s[0]
        case 3 where s[0] == "contacts": return "/_mock/contacts/{InstanceId}/{ContactId}"
        case 3 where s[0] == "users": return "/_mock/users/{InstanceId}/{UserId}"
        case 3 where s[0] == "queues": return "/_mock/queues/{InstanceId}/{QueueId}"
        default: return "/_mock/unknown"
        }
    }

    private func dispatch(_ r: HTTPRequest, segments s: [String]) throws -> Answer {
        func methods(_ allowed: [String]) throws {
            guard allowed.contains(r.method) else {
                throw APIError(status: 405, message: "\(r.method) is not allowed here; use \(allowed.joined(separator: " or "))")
            }
        }
        switch (s.first ?? "", s.count) {
        case ("health", 1):
            try methods(["GET"])
            return .now(MockAPI.json(.fields(["status": .string("ok"), "contacts": .int(try store.count()), "version": .string(connectMockVersion)])))
        case ("contacts", 1):
            try methods(["GET", "POST", "DELETE"])
            switch r.method {
            case "GET": return .now(try listContacts(r))
            case "POST": return try bulkUpsert(r)
            // One transaction (the store opens it): contacts and synthesis runs go together.
            default: return try job { store in MockAPI.json(.fields(["deleted": .int(try store.deleteAll())])) }
            }
        case ("contacts", 3):
            try methods(["PUT", "DELETE"])
            if r.method == "DELETE" {
                guard try store.delete(instanceId: s[1], contactId: s[2]) else {
                    throw APIError(status: 404, message: "no contact \(s[2]) in instance \(s[1])")
                }
                state.events.forget(instanceId: s[1], contactId: s[2])
                return .now(HTTPResponse(status: 204))
            }
            return .now(try putContact(r, instanceId: s[1], contactId: s[2]))
        case ("users", 1), ("queues", 1):
            try methods(["GET"])
            return .now(try listDirectory(r, kind: MockAPI.directoryKind(s[0])!))
        case ("users", 3), ("queues", 3):
            try methods(["GET", "PUT", "DELETE"])
            return .now(try directoryEntry(r, kind: MockAPI.directoryKind(s[0])!, instanceId: s[1], id: s[2]))
        case ("directory", 1):
            try methods(["POST"])
            return try job(try bulkDirectory(r))
        case ("reset", 1):
            try methods(["POST"])
            // The store first, and the count in the same transaction: a reset that fails (a
            // fixture gone, the lock held, the disk full) changes nothing, not even the clock
            // or the faults; and the count answered is what this reset's commit left, not what
            // a write on another worker made of it a moment later. The seed runs at the
            // configured clock, which is set only once the store has committed.
            let state = state
            return try job { store in
                var contacts = 0
                _ = try state.seedFromConfig(into: store, replace: true, now: DataClock(state.config.clock).now()) { seed in
                    contacts = try seed.count()
                }
                state.clock.set(state.config.clock)
                state.journal.clear()
                state.setFaults(state.config.faults)
                state.throttle.reset()
                state.outbound.reset()
                state.events.feed.clear()
                try state.setWebhooks(state.config.events.webhooks)
                state.watchContactsAhead(store)
                return MockAPI.json(.fields(["contacts": .int(contacts)]))
            }
        case ("clock", 1):
            try methods(["GET", "PUT"])
            if r.method == "PUT" {
                state.clock.set(try ClockSetting.read(try body(r)))
                // The events of every moment the clock passed are in the feed before the answer.
                state.events.advance(to: state.clock.now(), store: store)
            }
            return .now(MockAPI.json(state.clock.json))
        case ("requests", 1):
            try methods(["GET", "DELETE"])
            if r.method == "DELETE" {
                state.journal.clear()
                return .now(HTTPResponse(status: 204))
            }
            let limit = try queryInt(r, "limit", min: 1, max: 1_000_000)
            let operation = QueryParameter.parse(r.query).first(where: { $0.name == "operation" })?.value
            return .now(MockAPI.json(.fields(["requests": .array(state.journal.list(limit: limit, operation: operation).map(RequestJournal.json))])))
        case ("faults", 1):
            try methods(["GET", "PUT"])
            if r.method == "PUT" {
                let list = try listBody(r, "faults")
                state.setFaults(try list.items().map { i throws(ConfigError) in try FaultRule.read(i) })
            }
            return .now(MockAPI.json(.fields(["faults": .array(state.currentFaults().map(\.json))])))
        case ("outbound", 1):
            try methods(["GET", "PUT"])
            if r.method == "PUT" {
                let list = try listBody(r, "rules")
                state.outbound.setRules(try list.items().map { i throws(ConfigError) in try OutboundRule.read(i) })
            }
            return .now(MockAPI.json(.fields(["rules": .array(state.outbound.currentRules().map(\.json))])))
        case ("webhooks", 1):
            try methods(["GET", "PUT"])
            if r.method == "PUT" {
                let list = try listBody(r, "webhooks")
                try state.setWebhooks(try list.items().map { i throws(ConfigError) in try MockConfig.EventsSection.readWebhook(i) })
            }
            return .now(MockAPI.json(.fields(["webhooks": .array(state.webhooks.snapshot().map(MockState.webhookJSON))])))
        case ("events", 1):
            try methods(["GET"])
            return .now(try listEvents(r))
        case ("metrics", 1):
            try methods(["GET"])
            return .now(HTTPResponse(status: 200, contentType: "text/plain; version=0.0.4",
                                     body: Array(state.metrics.exposition(contacts: try store.count(), webhooks: state.webhooks.snapshot()).utf8)))
        default:
            throw APIError(status: 404, message: "no route \(r.path) in the mock API")
        }
    }

    /// A body that is `{"KEY":[...]}` and nothing else (the PUTs that replace a list of rules).
    private func listBody(_ r: HTTPRequest, _ key: String) throws -> ValueReader {
        let b = try body(r)
        try b.onlyKeys([key])
        guard let list = try b.child(key) else { throw APIError(status: 400, message: "expected a \"\(key)\" list", path: "$.\(key)") }
        return list
    }

    private func body(_ r: HTTPRequest) throws -> ValueReader {
        ValueReader(file: "body", value: try parsedBody(r), path: "", line: 1)
    }

    func parsedBody(_ r: HTTPRequest) throws -> JSONValue {
        do {
            return try JSONParser.parse(r.body)
        } catch {
            throw APIError(status: 400, message: "invalid JSON body at line \(error.line), column \(error.column): \(error.message)")
        }
    }

    func queryInt(_ r: HTTPRequest, _ name: String, min: Int, max: Int) throws -> Int? {
        guard let v = QueryParameter.parse(r.query).first(where: { $0.name == name })?.value else { return nil }
        guard let n = Int(v), n >= min, n <= max else { throw APIError(status: 400, message: "\(name) must be an integer from \(min) to \(max), not \"\(v)\"") }
        return n
    }

    /// `now` is the data clock's, read once per request: relative timestamps (`now-5m`) and the
    /// events of what the request writes use the same moment.
    func decoder(defaultInstance: String? = nil, now: Instant) -> FixtureDecoder {
        FixtureDecoder(instances: state.config.instances, defaultInstanceId: defaultInstance, now: now,
                       unknownMembers: state.config.validation.unknownMembers)
    }

    private func putContact(_ r: HTTPRequest, instanceId: String, contactId: String) throws -> HTTPResponse {
        guard state.config.instances.contains(where: { $0.id == instanceId }) else {
            throw APIError(status: 404, message: "instance \(instanceId) is not configured")
        }
        var doc = try parsedBody(r)
        // The path names the contact: fill in Id where the body leaves it out.
        func withId(_ members: [JSONMember]) -> [JSONMember] {
            members.contains(where: { $0.key == "Id" }) ? members : members + [JSONMember(key: "Id", value: .string(contactId))]
        }
        if case .object(var members) = doc {
            if let k = members.firstIndex(where: { $0.key == "Contact" }), case .object(let inner) = members[k].value {
                members[k].value = .object(withId(inner))
            } else {
                members = withId(members)
            }
            doc = .object(members)
        }
        let now = state.clock.now()
        let record = try decoder(defaultInstance: instanceId, now: now).decodeSingle(doc)
        guard record.instanceId == instanceId else {
            throw APIError(status: 400, message: "expected instance \(instanceId) from the path, found \(record.instanceId)", path: "$.Contact.Arn")
        }
        guard record.contactId == contactId else {
            throw APIError(status: 400, message: "expected Id \(contactId) from the path, found \(record.contactId)", path: "$.Contact.Id")
        }
        let created = try store.upsert(record, policy: state.config.retention.policy)
        state.events.written(document: record.document, instanceId: instanceId, contactId: contactId, now: now, fromMoments: true)
        var body = Array(#"{"Contact":"#.utf8) + record.document
        body.append(UInt8(ascii: "}"))
        return HTTPResponse(status: created ? 201 : 200, contentType: "application/json", body: body)
    }

    /// The body is read and checked now, on the loop; the write and its events are a job.
    private func bulkUpsert(_ r: HTTPRequest) throws -> Answer {
        let doc = try parsedBody(r)
        var issues: [FixtureIssue] = []
        var records: [ContactRecord] = []
        let now = state.clock.now()
        decoder(now: now).decodeAny(doc, file: "body", issues: &issues) { records.append($0) }
        if let first = issues.first { throw APIError(status: 400, message: first.message, path: first.path) }
        let policy = state.config.retention.policy
        let state = state
        return try job { [records] store in
            try store.transaction { store in
                for rec in records { try store.write(rec, policy: policy) }
            }
            state.events.written(records, now: now)
            return MockAPI.json(.fields(["written": .int(records.count)]))
        }
    }

    /// `GET /_mock/events[?after=&limit=&contactId=&eventType=]` (SPEC §9).
    private func listEvents(_ r: HTTPRequest) throws -> HTTPResponse {
        let params = QueryParameter.parse(r.query)
        let limit = try queryInt(r, "limit", min: 1, max: 10_000) ?? 100
        var after: UInt64?
        if let cursor = params.first(where: { $0.name == "after" })?.value {
            guard let n = UInt64(cursor) else { throw APIError(status: 400, message: "after must be a cursor this server gave, not \"\(cursor)\"") }
            after = n
        }
        let type = params.first(where: { $0.name == "eventType" })?.value
        if let type, ContactEventType(rawValue: type) == nil {
            throw APIError(status: 400, message: "eventType must be one of \(ContactEventType.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(type)\"")
        }
        let page = state.events.feed.list(after: after, limit: limit, contactId: params.first(where: { $0.name == "contactId" })?.value, eventType: type)
        return HTTPResponse(status: 200, contentType: "application/json", body: EventFeed.page(page.events, next: page.next))
    }

    private func listContacts(_ r: HTTPRequest) throws -> HTTPResponse {
        let params = QueryParameter.parse(r.query)
        let instanceId = params.first(where: { $0.name == "instanceId" })?.value
        let limit = try queryInt(r, "limit", min: 1, max: 1000) ?? 100
        var after: (String, Int64, String)?
        if let token = params.first(where: { $0.name == "nextToken" })?.value {
            guard let parts = PageToken.decode(token, fields: 3), let t = Int64(parts[1]) else {
                throw APIError(status: 400, message: "nextToken is not one this server issued")
            }
            after = (parts[0], t, parts[2])
        }
        let rows = try store.list(instanceId: instanceId, after: after, limit: limit + 1)
        let page = rows.prefix(limit)
        var out: [JSONMember] = [JSONMember(key: "Contacts", value: .array(page.map { row in
            let channel = (try? JSONParser.parse(row.document))?["Channel"] ?? .null
            return .fields(["InstanceId": .string(row.instanceId), "Id": .string(row.contactId),
                            "InitiationTimestamp": .number(TimestampValue.json(row.initiation)), "Channel": channel])
        }))]
        if rows.count > limit, let last = page.last {
            let token = PageToken.encode([last.instanceId, String(last.initiation.millisecondsSinceEpoch), last.contactId])
            out.append(JSONMember(key: "NextToken", value: .string(token)))
        }
        return MockAPI.json(.object(out))
    }

    static func json(_ value: JSONValue, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: JSONWriter.bytes(value))
    }

    static func error(_ e: APIError) -> HTTPResponse {
        var m = [JSONMember(key: "message", value: .string(e.message))]
        if let p = e.path { m.append(JSONMember(key: "path", value: .string(p))) }
        var response = json(.object(m), status: e.status)
        response.headers += e.headers
        return response
    }
}
