import JSON
import Timekeeping

extension ContactValidator {
    /// `value` checked against `shape` (a root other than Contact: `User`, `Queue`) with the
    /// rules contacts get, normalized, or every issue found.
    public func normalize(_ value: JSONValue, shape: String, path: String, line: Int) throws(ContactValidationError) -> JSONValue {
        var issues: [ValidationIssue] = []
        let out = check(value, shape: shape, path: path, line: line, issues: &issues)
        if issues.isEmpty, let out { return out }
        throw ContactValidationError(issues: issues)
    }
}

extension DirectoryRecord.Kind {
    /// The document's id and ARN members: `Id`/`Arn` for a user, `QueueId`/`QueueArn` for a queue.
    public var idMember: String { self == .user ? "Id" : "QueueId" }
    public var arnMember: String { self == .user ? "Arn" : "QueueArn" }
    /// The listing's name: `Username` or `Name`.
    public var nameMember: String { self == .user ? "Username" : "Name" }
}

extension FixtureDecoder {
    /// A directory fixture: `{"User":{...}}` or `{"Queue":{...}}` (what `aws connect
    /// describe-user` and `describe-queue` print), with an optional sibling `"InstanceId"` and,
    /// for a queue, `"QueueType"` (STANDARD or AGENT; the `Queue` shape has no such member, and
    /// ListQueues filters on it). The instance comes from the ARN, the sibling, `--instance` or
    /// the first configured instance; the id and ARN are filled in when absent and must agree
    /// when present; the document is validated against the model's `User` or `Queue` shape as
    /// strictly as a contact.
    func decodeDirectoryEntry(_ kind: DirectoryRecord.Kind, members: [JSONMember], path: String, line: Int, file: String,
                              issues: inout [FixtureIssue], sink: (DirectoryRecord) throws -> Void) rethrows {
        func issue(_ p: String?, _ l: Int, _ m: String) { issues.append(FixtureIssue(file: file, line: l, path: p, message: m)) }
        let docPath = path + "." + kind.rawValue
        guard let wrapped = members.first(where: { $0.key == kind.rawValue }) else { return }
        guard case .object(var inner) = wrapped.value else {
            issue(docPath, wrapped.line, "expected an object, found \(wrapped.value.typeName)")
            return
        }
        var siblingInstance: (String, Int)?
        var queueType: String?
        for m in members where m.key != kind.rawValue {
            if m.key == "InstanceId", case .string(let s) = m.value {
                siblingInstance = (s, m.line)
            } else if kind == .queue, m.key == "QueueType", case .string(let t) = m.value, t == "STANDARD" || t == "AGENT" {
                queueType = t
            } else {
                let allowed = kind == .queue ? "\"InstanceId\" and \"QueueType\" (STANDARD or AGENT)" : "\"InstanceId\""
                issue(path + "." + m.key, m.line, "expected only \(allowed) beside the \(kind.rawValue.lowercased()), found \"\(m.key)\": \(JSONWriter.string(m.value))")
                return
            }
        }
        var arnParts: ConnectARN?
        var arnLine = wrapped.line
        if let arnMember = inner.first(where: { $0.key == kind.arnMember }) {
            arnLine = arnMember.line
            guard case .string(let arn) = arnMember.value, let parsed = ConnectARN(arn, element: kind.arnElement) else {
                issue(docPath + "." + kind.arnMember, arnMember.line,
                      "expected arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE_ID/\(kind.arnElement)/ID, found \(JSONWriter.string(arnMember.value))")
                return
            }
            arnParts = parsed
        }
        if let a = arnParts, let s = siblingInstance, a.instanceId != s.0 {
            issue(docPath + "." + kind.arnMember, arnLine, "expected the ARN's instance to be the InstanceId \(s.0), found \(a.instanceId)")
            return
        }
        let instanceId = arnParts?.instanceId ?? siblingInstance?.0 ?? defaultInstanceId ?? instances.first?.id
        guard let instanceId, let instance = instances.first(where: { $0.id == instanceId }) else {
            let known = instances.map(\.id).joined(separator: ", ")
            issue(siblingInstance != nil ? path + ".InstanceId" : docPath + "." + kind.arnMember, siblingInstance?.1 ?? arnLine,
                  "expected a configured instance (\(known.isEmpty ? "none configured" : known)), found \(instanceId ?? "none")")
            return
        }
        if let a = arnParts, a.region != instance.region || a.account != instance.accountId {
            issue(docPath + "." + kind.arnMember, arnLine,
                  "expected region \(instance.region) and account \(instance.accountId) of instance \(instance.id), found \(a.region) and \(a.account)")
            return
        }
        let idMember = inner.first(where: { $0.key == kind.idMember })
        let id: String
        if let idMember {
            guard case .string(let given) = idMember.value else {
                issue(docPath + "." + kind.idMember, idMember.line, "expected a string, found \(idMember.value.typeName)")
                return
            }
            if let a = arnParts, a.id != given {
                issue(docPath + "." + kind.idMember, idMember.line, "expected the id in the ARN (\(a.id)), found \(given)")
                return
            }
            id = given
        } else if let a = arnParts {
            id = a.id
        } else {
            id = StableIdentifier.uuid(from: JSONWriter.bytes(JSONValue.object(inner)) + Array(instanceId.utf8) + Array(kind.rawValue.utf8))
        }
        if id.isEmpty || IdentifierRule.violation(of: id, max: nil) != nil {
            issue(docPath + "." + (idMember != nil ? kind.idMember : kind.arnMember), idMember?.line ?? arnLine,
                  "expected an id that Describe\(kind.rawValue) accepts (not empty, no control characters), found \(JSONWriter.string(.string(id)))")
            return
        }
        if idMember == nil { inner.append(JSONMember(key: kind.idMember, value: .string(id), line: line)) }
        if arnParts == nil { inner.append(JSONMember(key: kind.arnMember, value: .string(instance.directoryArn(kind, id)), line: line)) }
        // AWS prints `"Tags": {}` for a user or queue without tags, though the model's TagMap
        // (an input shape too) wants at least one: the CLI's output is a valid fixture, so an
        // empty map passes and is served back where the model orders it.
        let emptyTags = inner.contains { $0.key == "Tags" && $0.value == .object([]) }
        if emptyTags { inner.removeAll { $0.key == "Tags" } }
        var normalized: JSONValue
        do {
            normalized = try validator.normalize(.object(inner), shape: kind.rawValue, path: docPath, line: line)
        } catch {
            for f in error.issues { issue(f.path, f.line, f.message) }
            return
        }
        if emptyTags, case .object(var m) = normalized, case .structure(let order, _, _) = ShapeTable.shape(kind.rawValue) {
            let names = order.map(\.0)
            let tagsAt = names.firstIndex(of: "Tags")!
            let at = m.firstIndex { names.firstIndex(of: $0.key).map { $0 > tagsAt } ?? true } ?? m.count
            m.insert(JSONMember(key: "Tags", value: .object([])), at: at)
            normalized = .object(m)
        }
        try sink(DirectoryRecord(kind: kind, instanceId: instanceId, id: id, name: normalized[kind.nameMember]?.stringValue,
                                 queueType: queueType, document: JSONWriter.bytes(normalized)))
    }

    /// One user or queue in a single-entry form (the mock API's PUT), or every issue.
    public func decodeSingleDirectory(_ value: JSONValue, kind: DirectoryRecord.Kind, file: String = "body") throws(FixtureErrors) -> DirectoryRecord {
        var issues: [FixtureIssue] = []
        var record: DirectoryRecord?
        guard case .object(let members) = value, members.contains(where: { $0.key == kind.rawValue }) else {
            throw FixtureErrors(issues: [FixtureIssue(file: file, line: 1, path: "$", message: "expected {\"\(kind.rawValue)\":{...}}, found \(value.typeName == "an object" ? "an object without \"\(kind.rawValue)\"" : value.typeName)")])
        }
        decodeDirectoryEntry(kind, members: members, path: "$", line: 1, file: file, issues: &issues) { record = $0 }
        if let record, issues.isEmpty { return record }
        throw FixtureErrors(issues: issues)
    }
}
