import ASCII
import JSON
import Timekeeping

/// A configured Connect instance, as fixtures and ARNs refer to it.
public struct InstanceInfo: Sendable, Equatable {
    public var id: String
    public var region: String
    public var accountId: String
    public var alias: String?

    public init(id: String, region: String, accountId: String, alias: String? = nil) {
        self.id = id
        self.region = region
        self.accountId = accountId
        self.alias = alias
    }

    /// The instance's ARN, which starts every ARN of its resources.
    public var arn: String { ConnectARN.instance(region: region, account: accountId, instanceId: id) }

    /// The ARN of a resource of this instance: `resourceArn("contact", id)`.
    public func resourceArn(_ element: String, _ id: String) -> String {
        ConnectARN(region: region, account: accountId, instanceId: self.id, element: element, id: id).text
    }

    public func contactArn(_ contactId: String) -> String { resourceArn("contact", contactId) }
}

/// A contact ready to store: its keys, its initiation instant, and either its normalized
/// document (the JSON of the `Contact` member, exactly the bytes the endpoint will send) or,
/// for a synthetic contact, the recipe that makes those bytes.
public struct ContactRecord: Sendable, Equatable {
    public var instanceId: String
    public var contactId: String
    public var initiation: Instant
    /// Empty when `recipe` is set.
    public var document: [UInt8]
    public var recipe: SyntheticRecipe?
    /// What a search reads of it; the store reads it from the document when nil (a synthetic
    /// contact's seed fills it in on the producer threads, where making the document is free).
    public var search: SearchFields?
    /// Where a fixture gave its Attributes (else the contact itself), for errors that name it.
    public var line = 0

    public init(instanceId: String, contactId: String, initiation: Instant, document: [UInt8]) {
        self.instanceId = instanceId
        self.contactId = contactId
        self.initiation = initiation
        self.document = document
    }

    public init(instanceId: String, contactId: String, initiation: Instant, recipe: SyntheticRecipe) {
        self.init(instanceId: instanceId, contactId: contactId, initiation: initiation, document: [])
        self.recipe = recipe
    }
}

/// A fixture error as the seed prints it: `file:line: $.Contact.Path: what was expected, what was found`.
public struct FixtureIssue: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var path: String?
    public var message: String

    public init(file: String, line: Int, path: String?, message: String) {
        self.file = file
        self.line = line
        self.path = path
        self.message = message
    }

    public var description: String {
        "\(file):\(line): " + (path.map { $0 + ": " } ?? "") + message
    }
}

/// Every issue found in one fixture document.
public struct FixtureErrors: Error, Sendable {
    public var issues: [FixtureIssue]
}

/// Turns fixture documents into contact records. Pure: bytes in, records and issues out; the
/// caller reads files and decides where records go.
///
/// Accepted forms: a DescribeContact response `{"Contact":{...}}` (optionally with a sibling
/// `"InstanceId"`), a bare contact, an array of either, `{"Contacts":[...]}`, and for `.jsonl`
/// one of the single forms per line.
public struct FixtureDecoder: Sendable {
    public var instances: [InstanceInfo]
    /// `--instance`, used when neither the Arn nor a sibling InstanceId names one.
    public var defaultInstanceId: String?
    public var validator: ContactValidator

    public init(instances: [InstanceInfo], defaultInstanceId: String? = nil, now: Instant, unknownMembers: UnknownMemberPolicy = .reject) {
        self.instances = instances
        self.defaultInstanceId = defaultInstanceId
        self.validator = ContactValidator(now: now, unknownMembers: unknownMembers)
    }

    /// Decodes one file's bytes; `jsonLines` for `.jsonl`. Each record goes to `sink` as soon as
    /// it is valid, so a large file never needs all its records in memory at once.
    public func decode(_ bytes: [UInt8], file: String, jsonLines: Bool, sink: (ContactRecord) throws -> Void) rethrows -> [FixtureIssue] {
        try decode(bytes, file: file, jsonLines: jsonLines, sink: sink, directory: { _ in }, acceptsDirectory: false)
    }

    /// Decodes contacts and the directory's users and queues (`{"User":{...}}`,
    /// `{"Queue":{...}}`), each to its sink, as the seed folders hold them mixed.
    public func decode(_ bytes: [UInt8], file: String, jsonLines: Bool, sink: (ContactRecord) throws -> Void,
                       directory: (DirectoryRecord) throws -> Void) rethrows -> [FixtureIssue] {
        try decode(bytes, file: file, jsonLines: jsonLines, sink: sink, directory: directory, acceptsDirectory: true)
    }

    /// Without `acceptsDirectory`, users and queues are refused where only contacts are expected.
    private func decode(_ bytes: [UInt8], file: String, jsonLines: Bool, sink: (ContactRecord) throws -> Void,
                        directory: (DirectoryRecord) throws -> Void, acceptsDirectory: Bool) rethrows -> [FixtureIssue] {
        var issues: [FixtureIssue] = []
        if jsonLines {
            var lineNo = 1
            var start = 0
            for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x0a {
                let line = Array(bytes[start..<i])
                if line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0d }) {
                    try decodeDocument(line, file: file, firstLine: lineNo, allowMany: false, issues: &issues, sink: sink, directory: directory, acceptsDirectory: acceptsDirectory)
                }
                start = i + 1
                lineNo += 1
            }
        } else {
            try decodeDocument(bytes, file: file, firstLine: 1, allowMany: true, issues: &issues, sink: sink, directory: directory, acceptsDirectory: acceptsDirectory)
        }
        return issues
    }

    /// Decodes one document that holds a single contact in any single-contact form (the mock
    /// API's PUT, which then checks the keys against its path).
    public func decodeSingle(_ value: JSONValue, file: String = "body") throws(FixtureErrors) -> ContactRecord {
        var issues: [FixtureIssue] = []
        var record: ContactRecord?
        guard case .object = value else {
            throw FixtureErrors(issues: [FixtureIssue(file: file, line: 1, path: "$", message: "expected a contact object or {\"Contact\":{...}}, found \(value.typeName)")])
        }
        decodeEntry(value, path: "$", line: 1, file: file, issues: &issues, sink: { record = $0 }, directory: { _ in }, acceptsDirectory: false)
        if let record, issues.isEmpty { return record }
        throw FixtureErrors(issues: issues)
    }

    private func decodeDocument(_ bytes: [UInt8], file: String, firstLine: Int, allowMany: Bool,
                                issues: inout [FixtureIssue], sink: (ContactRecord) throws -> Void, directory: (DirectoryRecord) throws -> Void, acceptsDirectory: Bool) rethrows {
        let doc: JSONValue
        do {
            doc = try JSONParser.parse(bytes, firstLine: firstLine)
        } catch {
            issues.append(FixtureIssue(file: file, line: error.line, path: nil, message: "invalid JSON at column \(error.column): \(error.message)"))
            return
        }
        try decodeAny(doc, path: "$", line: firstLine, file: file, allowMany: allowMany, issues: &issues, sink: sink, directory: directory, acceptsDirectory: acceptsDirectory)
    }

    /// Decodes any accepted form already parsed (the mock API's bulk upsert uses this).
    public func decodeAny(_ doc: JSONValue, path: String = "$", line: Int = 1, file: String, allowMany: Bool = true,
                          issues: inout [FixtureIssue], sink: (ContactRecord) throws -> Void) rethrows {
        try decodeAny(doc, path: path, line: line, file: file, allowMany: allowMany, issues: &issues, sink: sink, directory: { _ in }, acceptsDirectory: false)
    }

    /// Decodes any accepted form, contacts to `sink` and users and queues to `directory` (the
    /// mock API's `POST /_mock/directory` and bulk upserts).
    public func decodeAny(_ doc: JSONValue, path: String = "$", line: Int = 1, file: String, allowMany: Bool = true,
                          issues: inout [FixtureIssue], sink: (ContactRecord) throws -> Void,
                          directory: (DirectoryRecord) throws -> Void) rethrows {
        try decodeAny(doc, path: path, line: line, file: file, allowMany: allowMany, issues: &issues, sink: sink, directory: directory, acceptsDirectory: true)
    }

    private func decodeAny(_ doc: JSONValue, path: String, line: Int, file: String, allowMany: Bool,
                           issues: inout [FixtureIssue], sink: (ContactRecord) throws -> Void, directory: (DirectoryRecord) throws -> Void, acceptsDirectory: Bool) rethrows {
        switch doc {
        case .array(let items) where allowMany:
            for (k, item) in items.enumerated() {
                try decodeEntry(item, path: "\(path)[\(k)]", line: FixtureDecoder.firstLine(of: item) ?? line, file: file, issues: &issues, sink: sink, directory: directory, acceptsDirectory: acceptsDirectory)
            }
        case .object(let members) where allowMany && members.count == 1 && members[0].key == "Contacts":
            guard case .array(let items) = members[0].value else {
                issues.append(FixtureIssue(file: file, line: members[0].line, path: path + ".Contacts", message: "expected an array of contacts, found \(members[0].value.typeName)"))
                return
            }
            for (k, item) in items.enumerated() {
                try decodeEntry(item, path: "\(path).Contacts[\(k)]", line: FixtureDecoder.firstLine(of: item) ?? members[0].line, file: file, issues: &issues, sink: sink, directory: directory, acceptsDirectory: acceptsDirectory)
            }
        default:
            try decodeEntry(doc, path: path, line: FixtureDecoder.firstLine(of: doc) ?? line, file: file, issues: &issues, sink: sink, directory: directory, acceptsDirectory: acceptsDirectory)
        }
    }

    static func firstLine(of value: JSONValue) -> Int? {
        if case .object(let m) = value, let first = m.first, first.line > 0 { return first.line }
        return nil
    }

    private func decodeEntry(_ entry: JSONValue, path: String, line: Int, file: String,
                             issues: inout [FixtureIssue], sink: (ContactRecord) throws -> Void, directory: (DirectoryRecord) throws -> Void, acceptsDirectory: Bool) rethrows {
        func issue(_ p: String?, _ l: Int, _ m: String) { issues.append(FixtureIssue(file: file, line: l, path: p, message: m)) }
        guard case .object(let members) = entry else {
            issue(path, line, "expected a contact object or {\"Contact\":{...}}, found \(entry.typeName)")
            return
        }
        if !members.contains(where: { $0.key == "Contact" }),
           let kind = [DirectoryRecord.Kind.user, .queue].first(where: { k in members.contains(where: { $0.key == k.rawValue }) }) {
            guard acceptsDirectory else {
                issue(path + "." + kind.rawValue, line, "expected a contact here, found a \(kind.rawValue.lowercased()) of the directory (send it to POST /_mock/directory)")
                return
            }
            try decodeDirectoryEntry(kind, members: members, path: path, line: line, file: file, issues: &issues, sink: directory)
            return
        }
        var contactMembers: [JSONMember]
        var contactPath = path
        var siblingInstance: (String, Int)?
        if let wrapped = members.first(where: { $0.key == "Contact" }) {
            guard case .object(let inner) = wrapped.value else {
                issue(path + ".Contact", wrapped.line, "expected an object, found \(wrapped.value.typeName)")
                return
            }
            for m in members where m.key != "Contact" {
                if m.key == "InstanceId", case .string(let s) = m.value {
                    siblingInstance = (s, m.line)
                } else {
                    issue(path + "." + m.key, m.line, "expected only \"Contact\" and \"InstanceId\" beside the contact, found \"\(m.key)\"")
                    return
                }
            }
            contactMembers = inner
            contactPath = path + ".Contact"
        } else {
            contactMembers = members.filter { $0.key != "InstanceId" }
            if let m = members.first(where: { $0.key == "InstanceId" }) {
                guard case .string(let s) = m.value else {
                    issue(path + ".InstanceId", m.line, "expected a string, found \(m.value.typeName)")
                    return
                }
                siblingInstance = (s, m.line)
            }
            contactPath = path == "$" ? "$.Contact" : path
        }

        var arnParts: ConnectARN?
        var arnLine = line
        if let arnMember = contactMembers.first(where: { $0.key == "Arn" }) {
            arnLine = arnMember.line
            guard case .string(let arn) = arnMember.value, let parsed = ConnectARN(arn, element: "contact") else {
                issue(contactPath + ".Arn", arnMember.line, "expected arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE_ID/contact/CONTACT_ID, found \(JSONWriter.string(arnMember.value))")
                return
            }
            arnParts = parsed
        }
        if let a = arnParts, let s = siblingInstance, a.instanceId != s.0 {
            issue(contactPath + ".Arn", arnLine, "expected the Arn's instance to be the InstanceId \(s.0), found \(a.instanceId)")
            return
        }
        let instanceId = arnParts?.instanceId ?? siblingInstance?.0 ?? defaultInstanceId ?? instances.first?.id
        guard let instanceId, let instance = instances.first(where: { $0.id == instanceId }) else {
            let known = instances.map(\.id).joined(separator: ", ")
            issue(siblingInstance != nil ? path + ".InstanceId" : contactPath + ".Arn", siblingInstance?.1 ?? arnLine,
                  "expected a configured instance (\(known.isEmpty ? "none configured" : known)), found \(instanceId ?? "none")")
            return
        }
        if let a = arnParts, a.region != instance.region || a.account != instance.accountId {
            issue(contactPath + ".Arn", arnLine, "expected region \(instance.region) and account \(instance.accountId) of instance \(instance.id), found \(a.region) and \(a.account)")
            return
        }
        let idMember = contactMembers.first(where: { $0.key == "Id" })
        var contactId: String
        if let idMember {
            guard case .string(let id) = idMember.value else {
                issue(contactPath + ".Id", idMember.line, "expected a string, found \(idMember.value.typeName)")
                return
            }
            if let a = arnParts, a.id != id {
                issue(contactPath + ".Id", idMember.line, "expected the Id in the Arn (\(a.id)), found \(id)")
                return
            }
            contactId = id
        } else if let a = arnParts {
            contactId = a.id
        } else {
            let identity: [UInt8] = JSONWriter.bytes(JSONValue.object(contactMembers)) + Array(instanceId.utf8)
            contactId = StableIdentifier.uuid(from: identity)
        }
        if let problem = IdentifierRule.problem(instanceId: instanceId, contactId: contactId) {
            issue(contactPath + (idMember != nil ? ".Id" : ".Arn"), idMember?.line ?? arnLine,
                  "expected an id that DescribeContact accepts (\(problem)), found \(JSONWriter.string(.string(contactId)))")
            return
        }
        if idMember == nil { contactMembers.append(JSONMember(key: "Id", value: .string(contactId), line: line)) }
        if arnParts == nil { contactMembers.append(JSONMember(key: "Arn", value: .string(instance.contactArn(contactId)), line: line)) }

        let normalized: JSONValue
        do {
            normalized = try validator.normalize(.object(contactMembers), path: contactPath, line: line)
        } catch {
            for f in error.issues { issue(f.path, f.line, f.message) }
            return
        }
        // The validator requires InitiationTimestamp and writes it as storable epoch seconds,
        // so this holds; were it ever not to, the contact is refused aloud, never dropped.
        guard case .number(let t)? = normalized["InitiationTimestamp"], let initiation = TimestampValue.parse(epochSeconds: t) else {
            issue(contactPath + ".InitiationTimestamp", line, "expected a timestamp the mock can store, found \(JSONWriter.string(normalized["InitiationTimestamp"] ?? .null))")
            return
        }
        var record = ContactRecord(instanceId: instanceId, contactId: contactId, initiation: initiation, document: JSONWriter.bytes(normalized))
        record.search = SearchFields(contact: normalized)
        record.line = contactMembers.first(where: { $0.key == "Attributes" })?.line ?? line
        try sink(record)
    }
}

/// A UUID-shaped identifier derived from bytes (FNV-1a, 128 bits): a fixture without an Id gets
/// the same one on every seed.
public enum StableIdentifier {
    public static func uuid(from bytes: [UInt8]) -> String {
        var h1: UInt64 = 0xcbf2_9ce4_8422_2325
        var h2: UInt64 = 0x8422_2325_cbf2_9ce4
        for b in bytes {
            h1 = (h1 ^ UInt64(b)) &* 0x100_0000_01b3
            h2 = (h2 ^ UInt64(b)) &* 0x100_0000_01b3 &+ 0x9e37_79b9
        }
        return UUID4(h1, h2).string
    }
}
