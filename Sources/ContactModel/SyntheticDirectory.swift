import ASCII
import JSON
import Timekeeping

/// A user or a queue of an instance's directory, ready to store: its keys, its name (the
/// listing's Username or Name), and its normalized document (the `User` or `Queue` member of a
/// DescribeUser or DescribeQueue response, exactly the bytes the endpoint sends).
public struct DirectoryRecord: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case user = "User"
        case queue = "Queue"

        /// The ARN element after the instance: `agent` for users, `queue` for queues.
        public var arnElement: String { self == .user ? "agent" : "queue" }
    }

    public var kind: Kind
    public var instanceId: String
    public var id: String
    public var name: String?
    /// STANDARD or AGENT for a queue (the listing's `QueueType`, which the `Queue` shape lacks);
    /// nil for a user.
    public var queueType: String?
    public var document: [UInt8]

    public init(kind: Kind, instanceId: String, id: String, name: String?, queueType: String? = nil, document: [UInt8]) {
        self.kind = kind
        self.instanceId = instanceId
        self.id = id
        self.name = name
        self.queueType = queueType ?? (kind == .queue ? "STANDARD" : nil)
        self.document = document
    }
}

extension InstanceInfo {
    /// `arn:aws:connect:REGION:ACCOUNT:instance/IID/agent/UID` or `.../queue/QID`.
    public func directoryArn(_ kind: DirectoryRecord.Kind, _ id: String) -> String {
        resourceArn(kind.arnElement, id)
    }
}

/// The directory a synthetic seed makes for its instance (SPEC §8): users with names,
/// hierarchy groups and routing profiles, STANDARD queues with hours of operation. Every id is
/// a function of the instance and the position alone, so the directory of a larger run extends
/// a smaller one's, and a contact's synthesis (at read time) draws its agent and queue from
/// the pools by index without reading the store.
///
/// Per run, never per contact: a million contacts make 2,000 users and 250 queues.
public struct SyntheticDirectory: Sendable, Equatable {
    public let userCount: Int
    public let queueCount: Int
    /// The users' and queues' ids, made once (a synthesizer is made once per run and store).
    let userIds: [String]
    let queueIds: [String]
    let instanceId: String

    /// Users grow as one per 100 contacts (5 to 2,000), queues one per 1,000 (3 to 250).
    public static func counts(forContacts n: Int) -> (users: Int, queues: Int) {
        (min(2000, max(5, n / 100)), min(250, max(3, n / 1000)))
    }

    public init(instanceId: String, users: Int, queues: Int) {
        precondition(users > 0 && queues > 0, "a synthetic directory has at least one user and one queue")
        self.instanceId = instanceId
        userCount = users
        queueCount = queues
        userIds = (0..<users).map { SyntheticDirectory.stableId(instanceId, "agent", $0) }
        queueIds = (0..<queues).map { SyntheticDirectory.stableId(instanceId, "queue", $0) }
    }

    public init(instanceId: String, contacts: Int) {
        let c = SyntheticDirectory.counts(forContacts: contacts)
        self.init(instanceId: instanceId, users: c.users, queues: c.queues)
    }

    public static func == (a: SyntheticDirectory, b: SyntheticDirectory) -> Bool {
        a.instanceId == b.instanceId && a.userCount == b.userCount && a.queueCount == b.queueCount
    }

    /// A random-looking UUID that is a function of its inputs (FNV-1a through a SplitMix step,
    /// so that neighbouring positions share no digits).
    static func stableId(_ instanceId: String, _ kind: String, _ k: Int) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in "\(instanceId)/\(kind)/\(k)".utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        var g = SeededGenerator(seed: h)
        return UUID4(g.next(), g.next()).string
    }

    public func userId(_ k: Int) -> String { userIds[k] }
    public func queueId(_ k: Int) -> String { queueIds[k] }

    /// Hierarchy groups form a binary tree: user k's group at level l is k mod 2^l, whose
    /// parent at level l-1 is then (k mod 2^l) mod 2^(l-1) = k mod 2^(l-1). One user in ten has
    /// no group; the others have 1 to 5 levels.
    public func hierarchyDepth(ofUser k: Int) -> Int { k % 10 == 9 ? 0 : 1 + (k / 10) % 5 }

    public func hierarchyGroupId(level l: Int, user k: Int) -> String {
        SyntheticDirectory.stableId(instanceId, "agent-group-\(l)", k % (1 << l))
    }

    static let firstNames = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "John", "Margaret", "Ken",
                             "Radia", "Dennis", "Hedy", "Tim", "Katherine", "Linus", "Shafi", "Niklaus", "Sophie", "Vint"]
    static let lastNames = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "McCarthy", "Hamilton",
                            "Thompson", "Perlman", "Ritchie", "Lamarr", "Berners-Lee", "Johnson", "Torvalds", "Goldwasser",
                            "Wirth", "Wilson", "Cerf"]
    static let queueNames = ["BasicQueue", "Sales", "Support", "Billing", "Retention", "Technical", "Escalations", "Callbacks",
                             "Email", "Chat", "Returns", "VIP"]

    /// User k's document, normalized (members in the model's order), last modified at `now`.
    public func user(_ k: Int, instance: InstanceInfo, now: Instant) -> DirectoryRecord {
        // First name k mod 20, last name (k div 20 + 7·(k mod 20)) mod 20: 400 different pairs,
        // then a number after them.
        let first = SyntheticDirectory.firstNames[k % 20], last = SyntheticDirectory.lastNames[(k / 20 + 7 * (k % 20)) % 20]
        let username = "\(first.lowercased()).\(last.lowercased())\(k >= 400 ? String(k / 400) : "")"
        let id = userIds[k]
        var m: [JSONMember] = [
            JSONMember(key: "Id", value: .string(id)),
            JSONMember(key: "Arn", value: .string(instance.directoryArn(.user, id))),
            JSONMember(key: "Username", value: .string(username)),
            JSONMember(key: "IdentityInfo", value: .fields(["FirstName": .string(first), "LastName": .string(last),
                                                            "Email": .string("\(username)@example.com")])),
            JSONMember(key: "PhoneConfig", value: .fields(["PhoneType": .string(k % 4 == 3 ? "DESK_PHONE" : "SOFT_PHONE"),
                                                           "AutoAccept": .bool(k % 3 == 0),
                                                           "AfterContactWorkTimeLimit": .int(k % 2 == 0 ? 0 : 30)])),
            JSONMember(key: "SecurityProfileIds", value: .array([.string(SyntheticDirectory.stableId(instance.id, "security-profile", k % 3 == 0 ? 0 : 1))])),
            JSONMember(key: "RoutingProfileId", value: .string(SyntheticDirectory.stableId(instance.id, "routing-profile", k % 4))),
        ]
        let depth = hierarchyDepth(ofUser: k)
        if depth > 0 { m.append(JSONMember(key: "HierarchyGroupId", value: .string(hierarchyGroupId(level: depth, user: k)))) }
        m.append(JSONMember(key: "Tags", value: .fields(["synthetic": .string("true")])))
        m.append(JSONMember(key: "LastModifiedTime", value: .number(TimestampValue.json(now))))
        m.append(JSONMember(key: "LastModifiedRegion", value: .string(instance.region)))
        return DirectoryRecord(kind: .user, instanceId: instance.id, id: id, name: username, document: JSONWriter.bytes(.object(m)))
    }

    /// Queue k's document: a STANDARD queue, enabled, with one of two hours of operation.
    public func queue(_ k: Int, instance: InstanceInfo, now: Instant) -> DirectoryRecord {
        let base = SyntheticDirectory.queueNames[k % SyntheticDirectory.queueNames.count]
        let name = k < SyntheticDirectory.queueNames.count ? base : "\(base) \(k / SyntheticDirectory.queueNames.count + 1)"
        let id = queueIds[k]
        let m: [JSONMember] = [
            JSONMember(key: "Name", value: .string(name)),
            JSONMember(key: "QueueArn", value: .string(instance.directoryArn(.queue, id))),
            JSONMember(key: "QueueId", value: .string(id)),
            JSONMember(key: "Description", value: .string("\(name) (synthetic)")),
            JSONMember(key: "HoursOfOperationId", value: .string(SyntheticDirectory.stableId(instance.id, "hours-of-operation", k % 2))),
            JSONMember(key: "MaxContacts", value: .int(k % 3 == 0 ? 50 : 0)),
            JSONMember(key: "Status", value: .string("ENABLED")),
            JSONMember(key: "Tags", value: .fields(["synthetic": .string("true")])),
            JSONMember(key: "LastModifiedTime", value: .number(TimestampValue.json(now))),
            JSONMember(key: "LastModifiedRegion", value: .string(instance.region)),
        ]
        return DirectoryRecord(kind: .queue, instanceId: instance.id, id: id, name: name, document: JSONWriter.bytes(.object(m)))
    }

    /// Every user, then every queue.
    public func records(instance: InstanceInfo, now: Instant) -> [DirectoryRecord] {
        (0..<userCount).map { user($0, instance: instance, now: now) } + (0..<queueCount).map { queue($0, instance: instance, now: now) }
    }
}
