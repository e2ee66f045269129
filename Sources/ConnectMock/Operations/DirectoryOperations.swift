import ContactModel
import ContactStore
import Foundation
import HTTP1
import JSON
import Timekeeping

extension AWSOperation {
    /// `GET /users/{InstanceId}/{UserId}`: the stored `User` document, as stored (SPEC §8).
    static func describeUser(state: MockState, store: ContactStore) -> AWSOperation {
        AWSOperation("DescribeUser", resource: "UserId", resourceKind: .directory(.user)) { (call: borrowing OperationCall) throws(AWSFailure) in
            let document = try lookup(.user, call, state: state, store: store)
            return HTTPResponse(status: 200, contentType: "application/json", idHeader: ("x-amzn-RequestId", call.requestId),
                                body: document, envelope: (#"{"User":"#, "}"))
        }
    }

    /// `GET /queues/{InstanceId}/{QueueId}`: the stored `Queue` document, as stored.
    static func describeQueue(state: MockState, store: ContactStore) -> AWSOperation {
        AWSOperation("DescribeQueue", resource: "QueueId", resourceKind: .directory(.queue)) { (call: borrowing OperationCall) throws(AWSFailure) in
            let document = try lookup(.queue, call, state: state, store: store)
            return HTTPResponse(status: 200, contentType: "application/json", idHeader: ("x-amzn-RequestId", call.requestId),
                                body: document, envelope: (#"{"Queue":"#, "}"))
        }
    }

    private static func lookup(_ kind: DirectoryRecord.Kind, _ call: borrowing OperationCall, state: MockState, store: ContactStore) throws(AWSFailure) -> [UInt8] {
        let found: [UInt8]?
        do {
            found = try store.lookupDirectory(kind, instanceId: call.instance.id, id: call.labels[1], now: call.arrived)
        } catch {
            state.logger.error("directory lookup failed: \(error)")
            throw .storeFailed
        }
        guard let found else { throw ResourceKind.directory(kind).notFound(call.labels[1]) }
        return found
    }

    /// `GET /users-summary/{InstanceId}`: `{"UserSummaryList":[...],"NextToken"}`, in id order.
    static func listUsers(state: MockState, store: ContactStore) -> AWSOperation {
        AWSOperation("ListUsers", resource: nil, resourceKind: .directory(.user)) { (call: borrowing OperationCall) throws(AWSFailure) in
            try listing(.user, call, state: state, store: store)
        }
    }

    /// `GET /queues-summary/{InstanceId}[?queueTypes=STANDARD]`: `{"QueueSummaryList":[...],"NextToken"}`.
    static func listQueues(state: MockState, store: ContactStore) -> AWSOperation {
        AWSOperation("ListQueues", resource: nil, resourceKind: .directory(.queue)) { (call: borrowing OperationCall) throws(AWSFailure) in
            try listing(.queue, call, state: state, store: store)
        }
    }

    /// Pages of `MaxResults` (1 to 1000, default 100 as AWS's API reference gives it); the
    /// token names the last id served, so it stays valid while entries come and go.
    private static func listing(_ kind: DirectoryRecord.Kind, _ call: borrowing OperationCall, state: MockState, store: ContactStore) throws(AWSFailure) -> HTTPResponse {
        let instanceId = call.instance.id
        let limit = call.input["MaxResults"].flatMap { if case .number(let n) = $0 { Int(n) } else { nil } } ?? 100
        var after: (String, String)?
        if let token = call.input["NextToken"]?.stringValue {
            guard let fields = PageToken.decode(token, fields: 2), fields[0] == kind.rawValue else { throw .invalidNextToken }
            after = (instanceId, fields[1])
        }
        let types = call.input["QueueTypes"].flatMap { if case .array(let a) = $0 { a.compactMap(\.stringValue) } else { nil } }
        let rows: [ContactStore.ListedDirectoryEntry]
        do {
            rows = try store.listDirectory(kind, instanceId: instanceId, after: after, limit: limit + 1, queueTypes: types)
        } catch {
            state.logger.error("directory listing failed: \(error)")
            throw .storeFailed
        }
        let page = rows.prefix(limit)
        var summaries: [JSONValue] = []
        summaries.reserveCapacity(page.count)
        for row in page {
            let doc = (try? JSONParser.parse(row.document)) ?? .object([])
            var m: [JSONMember] = []
            func copy(_ from: String, as key: String) {
                if let v = doc[from] { m.append(JSONMember(key: key, value: v)) }
            }
            if kind == .user {
                copy("Id", as: "Id")
                copy("Arn", as: "Arn")
                copy("Username", as: "Username")
            } else {
                copy("QueueId", as: "Id")
                copy("QueueArn", as: "Arn")
                copy("Name", as: "Name")
                if let t = row.queueType { m.append(JSONMember(key: "QueueType", value: .string(t))) }
            }
            copy("LastModifiedTime", as: "LastModifiedTime")
            copy("LastModifiedRegion", as: "LastModifiedRegion")
            summaries.append(.object(m))
        }
        var out = [JSONMember(key: kind == .user ? "UserSummaryList" : "QueueSummaryList", value: .array(summaries))]
        if rows.count > limit, let last = page.last {
            out.append(JSONMember(key: "NextToken", value: .string(PageToken.encode([kind.rawValue, last.id]))))
        }
        return AWSOperation.json(.object(out), requestId: call.requestId)
    }
}
