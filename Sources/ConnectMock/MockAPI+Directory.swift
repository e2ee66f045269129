import ContactModel
import ContactStore
import Foundation
import HTTP1
import JSON
import SigV4

/// The mock API's directory routes (SPEC §8): `GET/PUT/DELETE /_mock/users/{InstanceId}/{UserId}`
/// and `/_mock/queues/{InstanceId}/{QueueId}`, the listings `GET /_mock/users` and
/// `GET /_mock/queues` (paged as `/_mock/contacts`), and `POST /_mock/directory`.
extension MockAPI {
    static func directoryKind(_ segment: String) -> DirectoryRecord.Kind? {
        switch segment {
        case "users": .user
        case "queues": .queue
        default: nil
        }
    }

    func directoryEntry(_ r: HTTPRequest, kind: DirectoryRecord.Kind, instanceId: String, id: String) throws -> HTTPResponse {
        switch r.method {
        case "GET":
            guard let document = try store.lookupDirectory(kind, instanceId: instanceId, id: id) else {
                throw APIError(status: 404, message: "no \(kind.rawValue.lowercased()) \(id) in instance \(instanceId)")
            }
            return MockAPI.wrapped(kind, document, status: 200)
        case "DELETE":
            guard try store.deleteDirectory(kind, instanceId: instanceId, id: id) else {
                throw APIError(status: 404, message: "no \(kind.rawValue.lowercased()) \(id) in instance \(instanceId)")
            }
            return HTTPResponse(status: 204)
        default:
            return try putDirectoryEntry(r, kind: kind, instanceId: instanceId, id: id)
        }
    }

    private func putDirectoryEntry(_ r: HTTPRequest, kind: DirectoryRecord.Kind, instanceId: String, id: String) throws -> HTTPResponse {
        guard state.config.instances.contains(where: { $0.id == instanceId }) else {
            throw APIError(status: 404, message: "instance \(instanceId) is not configured")
        }
        var doc = try parsedBody(r)
        // The path names the entry: fill in its id where the body leaves it out.
        let idMember = kind.idMember
        if case .object(var members) = doc, let k = members.firstIndex(where: { $0.key == kind.rawValue }),
           case .object(let inner) = members[k].value, !inner.contains(where: { $0.key == idMember }) {
            members[k].value = .object(inner + [JSONMember(key: idMember, value: .string(id))])
            doc = .object(members)
        }
        let record = try decoder(defaultInstance: instanceId, now: state.clock.now()).decodeSingleDirectory(doc, kind: kind)
        guard record.instanceId == instanceId else {
            throw APIError(status: 400, message: "expected instance \(instanceId) from the path, found \(record.instanceId)",
                           path: "$.\(kind.rawValue).\(kind.arnMember)")
        }
        guard record.id == id else {
            throw APIError(status: 400, message: "expected \(idMember) \(id) from the path, found \(record.id)", path: "$.\(kind.rawValue).\(idMember)")
        }
        let created = try store.upsertDirectory(record)
        return MockAPI.wrapped(kind, record.document, status: created ? 201 : 200)
    }

    static func wrapped(_ kind: DirectoryRecord.Kind, _ document: [UInt8], status: Int) -> HTTPResponse {
        var body = Array("{\"\(kind.rawValue)\":".utf8) + document
        body.append(UInt8(ascii: "}"))
        return HTTPResponse(status: status, contentType: "application/json", body: body)
    }

    /// `{"Users":[{"InstanceId","Id","Arn","Username"}],"NextToken"}` or
    /// `{"Queues":[{"InstanceId","Id","Arn","Name","QueueType"}],"NextToken"}`, in (instance, id)
    /// order; `limit` 1 to 1000, default 100.
    func listDirectory(_ r: HTTPRequest, kind: DirectoryRecord.Kind) throws -> HTTPResponse {
        let params = QueryParameter.parse(r.query)
        let instanceId = params.first(where: { $0.name == "instanceId" })?.value
        let limit = try queryInt(r, "limit", min: 1, max: 1000) ?? 100
        var after: (String, String)?
        if let token = params.first(where: { $0.name == "nextToken" })?.value {
            guard let parts = PageToken.decode(token, fields: 3), parts[0] == kind.rawValue else {
                throw APIError(status: 400, message: "nextToken is not one this server issued")
            }
            after = (parts[1], parts[2])
        }
        let rows = try store.listDirectory(kind, instanceId: instanceId, after: after, limit: limit + 1)
        let page = rows.prefix(limit)
        var out = [JSONMember(key: kind == .user ? "Users" : "Queues", value: .array(page.map { row in
            let doc = (try? JSONParser.parse(row.document)) ?? .object([])
            var m = [JSONMember(key: "InstanceId", value: .string(row.instanceId)), JSONMember(key: "Id", value: .string(row.id))]
            if let arn = doc[kind.arnMember] { m.append(JSONMember(key: "Arn", value: arn)) }
            if let name = row.name { m.append(JSONMember(key: kind.nameMember, value: .string(name))) }
            if let t = row.queueType { m.append(JSONMember(key: "QueueType", value: .string(t))) }
            return .object(m)
        }))]
        if rows.count > limit, let last = page.last {
            let token = PageToken.encode([kind.rawValue, last.instanceId, last.id])
            out.append(JSONMember(key: "NextToken", value: .string(token)))
        }
        return MockAPI.json(.object(out))
    }

    /// `POST /_mock/directory`: users, queues (and contacts, if any) in any fixture form, one
    /// transaction: `{"users":N,"queues":N,"contacts":N}`.
    /// The body is read and checked now, on the loop; the write is the job this returns.
    func bulkDirectory(_ r: HTTPRequest) throws -> @Sendable (ContactStore) throws -> HTTPResponse {
        let doc = try parsedBody(r)
        var issues: [FixtureIssue] = []
        var contacts: [ContactRecord] = []
        var entries: [DirectoryRecord] = []
        let now = state.clock.now()
        decoder(now: now).decodeAny(doc, file: "body", issues: &issues, sink: { contacts.append($0) }, directory: { entries.append($0) })
        if let first = issues.first { throw APIError(status: 400, message: first.message, path: first.path) }
        let policy = state.config.retention.policy
        let state = state
        return { [entries, contacts] store in
            try store.transaction { store in
                for e in entries { try store.upsertDirectory(e) }
                for c in contacts { try store.write(c, policy: policy) }
            }
            // Its contacts make their events and are watched, as a bulk upsert's are.
            state.events.written(contacts, now: now)
            return MockAPI.json(.fields(["users": .int(entries.count { $0.kind == .user }), "queues": .int(entries.count { $0.kind == .queue }),
                                         "contacts": .int(contacts.count)]))
        }
    }
}
