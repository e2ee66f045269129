import ASCII
import JSON
import Timekeeping

/// SplitMix64: small, fast and fully determined by its seed, so a seed gives the same
/// contacts on every machine.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &self)] }
    mutating func uuid() -> String { UUID4(next(), next()).string }
}

/// What the store keeps of a synthetic contact instead of its document: the seed of its
/// transfer chain and its place in that chain. The document is made again from these on
/// read, byte for byte the same (`ContactSynthesizer.document(for:)`), so a seed writes 11
/// to 47 bytes per contact rather than a document of a few kilobytes: a million contacts no
/// longer wait on synthesis and on writing gigabytes.
public struct SyntheticRecipe: Sendable, Equatable {
    public var chainSeed: UInt64
    public var chainLength: Int
    public var position: Int
    /// The contact a task relates to: the last of the block's previous chain, which this
    /// chain's seed alone cannot name.
    public var relatedContactId: String?

    public init(chainSeed: UInt64, chainLength: Int, position: Int, relatedContactId: String?) {
        self.chainSeed = chainSeed
        self.chainLength = chainLength
        self.position = position
        self.relatedContactId = relatedContactId
    }

    static let format: UInt8 = 1

    /// Format byte, the seed in little-endian order, length, position, then the related id's UTF-8.
    public var bytes: [UInt8] {
        var out: [UInt8] = [SyntheticRecipe.format]
        out.reserveCapacity(11 + (relatedContactId?.utf8.count ?? 0))
        for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: chainSeed >> (8 * k))) }
        out.append(UInt8(chainLength))
        out.append(UInt8(position))
        if let relatedContactId { out.append(contentsOf: relatedContactId.utf8) }
        return out
    }

    public init?(bytes: [UInt8]) {
        guard bytes.count >= 11, bytes[0] == SyntheticRecipe.format else { return nil }
        var seed: UInt64 = 0
        for k in 0..<8 { seed |= UInt64(bytes[1 + k]) << (8 * k) }
        let length = Int(bytes[9]), position = Int(bytes[10])
        guard (1...3).contains(length), position < length else { return nil }
        self.init(chainSeed: seed, chainLength: length, position: position,
                  relatedContactId: bytes.count > 11 ? String(decoding: bytes[11...], as: UTF8.self) : nil)
    }
}

/// Realistic, internally consistent synthetic contacts (SPEC §4): deterministic for a seed
/// and a data clock, every channel and initiation method, ordered timestamps inside the
/// retention window, channel-specific members, transfer chains whose references resolve, and
/// routing criteria whose step statuses follow their order.
///
/// A chain's seed gives its skeleton (channel, ids, methods and every contact's timeline)
/// from one generator, and each contact's other members from a generator of its own: a seed
/// run makes only skeletons, and a read makes one contact's members.
public struct ContactSynthesizer: Sendable {
    /// Changes whenever the same recipe would give different bytes: stores keep recipes, and
    /// one written by another version is refused rather than served as different contacts.
    public static let generatorVersion: Int64 = 2

    public let instance: InstanceInfo
    public let seed: UInt64
    public let now: Instant
    /// The earliest initiation a contact gets.
    public let windowStart: Instant

    public init(instance: InstanceInfo, seed: UInt64, now: Instant, policy: RetentionPolicy) {
        self.init(instance: instance, seed: seed, now: now, windowStart: ContactSynthesizer.windowStart(now: now, policy: policy))
    }

    /// The synthesizer of a stored run; `seed` only matters for making blocks.
    public init(instance: InstanceInfo, seed: UInt64 = 0, now: Instant, windowStart: Instant) {
        self.instance = instance
        self.seed = seed
        self.now = now
        self.windowStart = windowStart
        arnPrefix = "arn:aws:connect:\(instance.region):\(instance.accountId):instance/\(instance.id)"
    }

    /// The instance's ARN, which every document's ARNs start with; made once, not per document.
    let arnPrefix: String

    static let methodsByChannel: [(String, [String])] = [
        ("VOICE", ["INBOUND", "OUTBOUND", "CALLBACK", "API", "MONITOR", "EXTERNAL_OUTBOUND", "WEBRTC_API", "DISCONNECT", "FLOW"]),
        ("CHAT", ["API", "MONITOR", "DISCONNECT", "FLOW"]),
        ("TASK", ["API", "DISCONNECT", "FLOW"]),
        ("EMAIL", ["INBOUND", "OUTBOUND", "AGENT_REPLY", "API", "FLOW"]),
    ]

    /// Contacts come in blocks of this many, each block from its own generator seeded by the
    /// seed and the block's index: blocks can then be made on several threads at once and still
    /// give the same contacts in the same order.
    public static let blockSize = 512

    public static func blockCount(for count: Int) -> Int { (count + blockSize - 1) / blockSize }

    /// Calls `sink` with `count` records, block after block.
    public func generate(count: Int, sink: (ContactRecord) throws -> Void) rethrows {
        for k in 0..<ContactSynthesizer.blockCount(for: count) {
            for record in block(k, of: count) { try sink(record) }
        }
    }

    /// Block `index` of a run of `count` contacts, as records that carry recipes. Chains are
    /// whole inside a block, so every reference resolves.
    public func block(_ index: Int, of count: Int) -> [ContactRecord] {
        var rng = SeededGenerator(seed: seed &+ UInt64(index) &* 0xd1b5_4a32_d192_ed03)
        var out: [ContactRecord] = []
        let first = index * ContactSynthesizer.blockSize
        let end = min(count, first + ContactSynthesizer.blockSize)
        out.reserveCapacity(max(0, end - first))
        var produced = first
        var previousLast: String?
        while produced < end {
            let length = min(end - produced, rng.chance(0.7) ? 1 : rng.int(2...3))
            let chainSeed = rng.next()
            let chain = skeleton(chainSeed: chainSeed, length: length)
            for (k, link) in chain.links.enumerated() {
                let recipe = SyntheticRecipe(chainSeed: chainSeed, chainLength: length, position: k,
                                             relatedContactId: chain.channel == "TASK" && link.relates ? previousLast : nil)
                out.append(ContactRecord(instanceId: instance.id, contactId: chain.ids[k], initiation: link.timeline.initiation, recipe: recipe))
            }
            previousLast = chain.ids.last
            produced += length
        }
        return out
    }

    /// The document of the contact `recipe` describes, in normalized form. A caller that makes
    /// many passes its own `stream`, whose buffer has long since grown to a document's size.
    public func document(for recipe: SyntheticRecipe, stream: JSONStream = JSONStream()) -> [UInt8] {
        let chain = skeleton(chainSeed: recipe.chainSeed, length: recipe.chainLength)
        let k = recipe.position
        let link = chain.links[k]
        // The contact's own generator, seeded through one SplitMix step: seeds that differ by
        // a multiple of SplitMix's increment would give the same stream shifted.
        var mixer = SeededGenerator(seed: recipe.chainSeed ^ (UInt64(k + 1) << 56))
        var rng = SeededGenerator(seed: mixer.next())
        let context = ContactWriter.ChainContext(
            channel: chain.channel, method: link.method, answered: link.answered, timeline: link.timeline, id: chain.ids[k],
            initialId: k > 0 ? chain.ids[0] : nil, previousId: k > 0 ? chain.ids[k - 1] : nil,
            nextId: k + 1 < chain.ids.count ? chain.ids[k + 1] : nil, relatedId: recipe.relatedContactId)
        stream.reset()
        ContactWriter(instance: instance, arnPrefix: arnPrefix, json: stream).contact(context, rng: &rng)
        return stream.bytes()
    }

    /// A chain's channel, ids, and each contact's method, answer and timeline, the next
    /// contact starting when the one before disconnects.
    func skeleton(chainSeed: UInt64, length: Int) -> ChainSkeleton {
        var rng = SeededGenerator(seed: chainSeed)
        let (channel, methods) = rng.pick(ContactSynthesizer.methodsByChannel)
        let ids = (0..<length).map { _ in rng.uuid() }
        let span = max(1, (now.millisecondsSinceEpoch - windowStart.millisecondsSinceEpoch) / 1000 - 4 * 3600)
        var start = windowStart.adding(seconds: Int64.random(in: 0...span, using: &rng))
        var links: [ChainSkeleton.Link] = []
        links.reserveCapacity(length)
        for k in 0..<length {
            let method: String
            if k == 0 {
                method = rng.pick(methods)
            } else {
                method = channel == "EMAIL" && rng.chance(0.3) ? "AGENT_REPLY" : rng.pick(["TRANSFER", "QUEUE_TRANSFER"])
            }
            let answered = method != "DISCONNECT" && rng.chance(0.9)
            let timeline = Timeline(start: start, answered: answered, longTalk: channel == "EMAIL" || channel == "TASK", rng: &rng)
            links.append(.init(method: method, answered: answered, timeline: timeline, relates: rng.chance(0.5)))
            start = timeline.disconnect
        }
        return ChainSkeleton(channel: channel, ids: ids, links: links)
    }

    /// The earliest initiation still visible at `now` (one minute of margin), never before the cutoff.
    static func windowStart(now: Instant, policy: RetentionPolicy) -> Instant {
        var start = now.addingCalendarMonths(-policy.months).adding(seconds: 60)
        if start < policy.cutoff { start = policy.cutoff }
        return start
    }
}

struct ChainSkeleton {
    struct Link {
        var method: String
        var answered: Bool
        var timeline: Timeline
        var relates: Bool
    }

    var channel: String
    var ids: [String]
    var links: [Link]
}

/// A contact's instants, each after the one before.
struct Timeline {
    var initiation: Instant
    var connectedToSystem: Instant
    var enqueue: Instant
    var ringStart: Instant
    var connectedToAgent: Instant
    /// Milliseconds of talk (or of ringing, unanswered).
    var talk: Int64
    var disconnect: Instant
    var afterContactWorkSeconds: Int
    var afterContactWorkEnd: Instant
    var lastUpdate: Instant

    init(start: Instant, answered: Bool, longTalk: Bool, rng: inout SeededGenerator) {
        initiation = start
        connectedToSystem = start.adding(milliseconds: Int64(rng.int(0...1500)))
        enqueue = connectedToSystem.adding(milliseconds: Int64(rng.int(2000...90_000)))
        ringStart = enqueue.adding(milliseconds: Int64(rng.int(1000...120_000)))
        connectedToAgent = ringStart.adding(milliseconds: Int64(rng.int(500...15_000)))
        talk = Int64(rng.int(30_000...(longTalk ? 3_600_000 : 1_800_000)))
        disconnect = (answered ? connectedToAgent : ringStart).adding(milliseconds: talk)
        afterContactWorkSeconds = rng.int(5...300)
        afterContactWorkEnd = disconnect.adding(seconds: Int64(afterContactWorkSeconds))
        lastUpdate = afterContactWorkEnd.adding(milliseconds: Int64(rng.int(0...5000)))
    }
}

/// Writes one contact's members straight into the stream in the model's order (the
/// order validation normalizes to; `ObjectWriter` checks it). Values come from the
/// contact's generator only, drawn in the order they are written.
struct ContactWriter {
    let instance: InstanceInfo
    let arnPrefix: String
    /// Where the contact being made is written.
    let json: JSONStream

    init(instance: InstanceInfo, arnPrefix: String, json: JSONStream) {
        self.instance = instance
        self.arnPrefix = arnPrefix
        self.json = json
    }

    struct ChainContext {
        var channel: String
        var method: String
        var answered: Bool
        var timeline: Timeline
        var id: String
        var initialId: String?
        var previousId: String?
        var nextId: String?
        var relatedId: String?
    }

    /// The members of one structure being written. Keys are looked up in the model, so a
    /// misspelled one stops synthesis at once, and each must come after the one before in the
    /// model's order.
    struct ObjectWriter {
        let json: JSONStream
        let index: NameIndex
        let shape: String
        var last = -1

        mutating func key(_ name: String) {
            guard let k = index.position(of: name) else { preconditionFailure("\(shape) has no \(name)") }
            precondition(k > last, "\(shape).\(name) written out of the model's order")
            last = k
            json.key(index.keys[k])
        }

        mutating func string(_ name: String, _ value: String) {
            key(name)
            json.string(value)
        }

        mutating func int(_ name: String, _ value: some BinaryInteger) {
            key(name)
            json.int(value)
        }

        mutating func bool(_ name: String, _ value: Bool) {
            key(name)
            json.bool(value)
        }

        mutating func number(_ name: String, _ text: String) {
            key(name)
            json.literal(text)
        }

        mutating func timestamp(_ name: String, _ value: Instant) {
            number(name, TimestampValue.json(value))
        }

        mutating func object(_ name: String, _ shape: String, _ body: (inout ObjectWriter) -> Void) {
            key(name)
            ContactWriter.object(shape, json, body)
        }

        /// A member that a builder writes whole (an object, an array or a map).
        mutating func member(_ name: String, _ body: () -> Void) {
            key(name)
            body()
        }

        mutating func array(_ name: String, _ body: () -> Void) {
            key(name)
            json.beginArray()
            body()
            json.endArray()
        }

        mutating func strings(_ name: String, _ values: [String]) {
            let json = self.json
            array(name) { for v in values { json.string(v) } }
        }
    }

    static func object(_ shape: String, _ json: JSONStream, _ body: (inout ObjectWriter) -> Void) {
        guard let index = ShapeTable.memberIndex(of: shape) else { preconditionFailure(shape) }
        json.beginObject()
        var writer = ObjectWriter(json: json, index: index, shape: shape)
        body(&writer)
        json.endObject()
    }

    func object(_ shape: String, _ body: (inout ObjectWriter) -> Void) {
        ContactWriter.object(shape, json, body)
    }

    /// A map's entries, in the sorted order the validator normalizes maps to (checked).
    struct MapWriter {
        let json: JSONStream
        var last: String?

        mutating func key(_ name: String) {
            if let last { precondition(last < name, "map key \(name) written after \(last)") }
            last = name
            json.key(name)
        }

        mutating func string(_ name: String, _ value: String) {
            key(name)
            json.string(value)
        }
    }

    func map(_ body: (inout MapWriter) -> Void) {
        json.beginObject()
        var writer = MapWriter(json: json)
        body(&writer)
        json.endObject()
    }

    // swiftlint:disable:next function_body_length
    func contact(_ c: ChainContext, rng: inout SeededGenerator) {
        let voice = c.channel == "VOICE", chat = c.channel == "CHAT", task = c.channel == "TASK", email = c.channel == "EMAIL"
        let outbound = ["OUTBOUND", "EXTERNAL_OUTBOUND", "CALLBACK"].contains(c.method) || (c.method == "API" && voice)
        let campaign = voice && (c.method == "OUTBOUND" || c.method == "API") && rng.chance(0.6)
        let answered = c.answered
        let t = c.timeline
        let noSystemEndpoint = ["MONITOR", "QUEUE_TRANSFER", "CALLBACK"].contains(c.method)

        object("Contact") { f in
            f.string("Arn", "\(arnPrefix)/contact/\(c.id)")
            f.string("Id", c.id)
            if let i = c.initialId { f.string("InitialContactId", i) }
            if let p = c.previousId { f.string("PreviousContactId", p) }
            if email, let i = c.initialId { f.string("ContactAssociationId", i) }
            f.string("InitiationMethod", c.method)
            if task || rng.chance(0.2) {
                f.string("Name", rng.pick(["Follow up on refund", "Callback request", "Billing question", "Address change", "Order 4411 delayed"]))
                f.string("Description", rng.pick(["Customer asked for a call back about their last invoice.", "Escalated from chat.", "Created by the returns flow."]))
            }
            f.string("Channel", c.channel)
            f.object("QueueInfo", "QueueInfo") { q in
                q.string("Id", rng.uuid())
                q.timestamp("EnqueueTimestamp", t.enqueue)
            }
            if answered { f.member("AgentInfo") { agentInfo(voice: voice, outbound: outbound, t, rng: &rng) } }
            f.timestamp("InitiationTimestamp", t.initiation)
            f.timestamp("DisconnectTimestamp", t.disconnect)
            f.timestamp("LastUpdateTimestamp", t.lastUpdate)
            let pauses = task && answered && rng.chance(0.3) ? rng.int(1...3) : 0
            if pauses > 0 {
                let paused = t.connectedToAgent.adding(milliseconds: t.talk / 3)
                f.timestamp("LastPausedTimestamp", paused)
                f.timestamp("LastResumedTimestamp", paused.adding(milliseconds: t.talk / 6))
            }
            if voice || chat { f.timestamp("RingStartTimestamp", t.ringStart) }
            if pauses > 0 {
                f.int("TotalPauseCount", pauses)
                f.int("TotalPauseDurationInSeconds", t.talk / 6000)
            }
            if task, rng.chance(0.4) { f.timestamp("ScheduledTimestamp", t.connectedToSystem) }
            if let related = c.relatedId { f.string("RelatedContactId", related) }
            if rng.chance(0.3) {
                f.object("WisdomInfo", "WisdomInfo") { w in
                    w.string("SessionArn", "arn:aws:wisdom:\(instance.region):\(instance.accountId):session/\(rng.uuid())/\(rng.uuid())")
                    w.array("AiAgents") {
                        object("AiAgentInfo") { a in
                            a.string("AiUseCase", rng.pick(["AgentAssistance", "SelfService"]))
                            a.string("AiAgentVersionId", String(rng.int(1...9)))
                            a.bool("AiAgentEscalated", rng.chance(0.2))
                        }
                    }
                }
            }
            if rng.chance(0.5) { f.string("CustomerId", "cust-" + String(rng.int(100_000...999_999))) }
            switch c.channel {
            case "VOICE":
                let customer = "+1" + String(rng.int(2_012_000_000...9_899_999_999))
                f.member("CustomerEndpoint") { endpoint("TELEPHONE_NUMBER", customer, rng.chance(0.3) ? "Customer" : nil) }
                if !noSystemEndpoint {
                    let system = "+1" + String(rng.int(8_002_000_000...8_889_999_999))
                    f.member("SystemEndpoint") { endpoint("TELEPHONE_NUMBER", system, rng.chance(0.3) ? "Main line" : nil) }
                }
            case "CHAT":
                if rng.chance(0.5) { f.member("CustomerEndpoint") { endpoint("VOIP", "web-" + String(rng.int(1000...9999)), "Web visitor") } }
            case "EMAIL":
                f.member("CustomerEndpoint") { endpoint("EMAIL_ADDRESS", "customer\(rng.int(1...9999))@example.com", "Jane Customer") }
                if !noSystemEndpoint { f.member("SystemEndpoint") { endpoint("EMAIL_ADDRESS", "support@example.com", "Example Support") } }
            default:
                if rng.chance(0.3), c.method != "QUEUE_TRANSFER" {
                    f.member("SystemEndpoint") { endpoint("CONTACT_FLOW", "\(arnPrefix)/contact-flow/\(rng.uuid())", nil) }
                }
            }
            if rng.chance(0.2) { f.int("QueueTimeAdjustmentSeconds", rng.int(-300...600)) }
            if rng.chance(0.3) { f.int("QueuePriority", rng.int(1...10)) }
            if rng.chance(0.2) {
                f.member("Tags") {
                    map { m in
                        m.string("Department", rng.pick(["Billing", "Sales", "Support"]))
                        if rng.chance(0.5) { m.string("cost-center", String(rng.int(1000...9999))) }
                    }
                }
            }
            f.timestamp("ConnectedToSystemTimestamp", t.connectedToSystem)
            if voice || chat || email, rng.chance(0.6) {
                f.member("RoutingCriteria") { routingCriteria(from: t.enqueue, to: answered ? t.connectedToAgent : t.disconnect, rng: &rng) }
            }
            if voice || chat, rng.chance(0.3) {
                f.object("Customer", "Customer") { cu in
                    cu.member("DeviceInfo") { deviceInfo(rng: &rng) }
                    cu.member("Capabilities") { capabilities() }
                }
            }
            if campaign {
                f.object("Campaign", "Campaign") { $0.string("CampaignId", rng.uuid()) }
                f.string("AnsweringMachineDetectionStatus", rng.pick(ContactWriter.answeringMachineStatuses))
                f.object("CustomerVoiceActivity", "CustomerVoiceActivity") { v in
                    v.timestamp("GreetingStartTimestamp", t.connectedToSystem.adding(milliseconds: 800))
                    v.timestamp("GreetingEndTimestamp", t.connectedToSystem.adding(milliseconds: 2800))
                }
            }
            if voice, answered {
                f.object("QualityMetrics", "QualityMetrics") { q in
                    q.object("Agent", "AgentQualityMetrics") { a in a.member("Audio") { audioQuality(rng: &rng) } }
                    q.object("Customer", "CustomerQualityMetrics") { a in a.member("Audio") { audioQuality(rng: &rng) } }
                }
            }
            if chat { f.member("ChatMetrics") { chatMetrics(start: t.connectedToAgent, end: t.disconnect, rng: &rng) } }
            if voice || chat, rng.chance(0.1) {
                f.object("DisconnectDetails", "DisconnectDetails") { d in
                    d.string("PotentialDisconnectIssue", rng.pick(["AGENT_CONNECTIVITY_ISSUE", "AGENT_NETWORK_DISCONNECT"]))
                }
            }
            if email {
                f.object("AdditionalEmailRecipients", "AdditionalEmailRecipients") { r in
                    r.array("ToList") { emailRecipient("support@example.com", "Example Support") }
                    if rng.chance(0.5) { r.array("CcList") { emailRecipient("manager\(rng.int(1...99))@example.com", "Account Manager") } }
                }
            }
            f.member("SegmentAttributes") { segmentAttributes(channel: c.channel, rng: &rng) }
            if voice, answered, rng.chance(0.7) { f.member("Recordings") { recordings(start: t.connectedToAgent, end: t.disconnect, rng: &rng) } }
            f.string("DisconnectReason", rng.pick(ContactWriter.disconnectReasons))
            if answered, rng.chance(0.2) { f.member("ContactEvaluations") { evaluations(after: t.afterContactWorkEnd, rng: &rng) } }
            if task {
                f.object("TaskTemplateInfo", "TaskTemplateInfoV2") { i in
                    i.string("Arn", "\(arnPrefix)/task-template/\(rng.uuid())")
                    i.string("Name", rng.pick(["Refund review", "Callback", "Address verification"]))
                }
            }
            if task || email, rng.chance(0.3) { f.member("Cases") { cases(rng: &rng) } }
            if task {
                if rng.chance(0.5) {
                    f.object("ContactDetails", "ContactDetails") { d in
                        d.string("Name", "Refund review")
                        d.string("Description", "Check the refund for order \(rng.int(1000...9999)).")
                    }
                }
            }
            if campaign, rng.chance(0.5) { f.member("OutboundStrategy") { outboundStrategy(rng: &rng) } }
            if rng.chance(0.5) {
                f.member("Attributes") {
                    map { m in
                        let tier = rng.chance(0.5) ? rng.pick(["gold", "silver", "basic"]) : nil
                        if let tier { m.string("accountTier", tier) }
                        m.string("language", rng.pick(["en-US", "es-US", "fr-CA"]))
                    }
                }
            }
            if let next = c.nextId {
                f.array("NextContacts") {
                    object("NextContactEntry") { e in
                        e.string("Type", "QUICK_CONNECT")
                        e.object("NextContactMetadata", "NextContactMetadata") { m in
                            m.object("QuickConnectContactData", "QuickConnectContactData") { q in
                                q.string("ContactId", next)
                                q.timestamp("InitiationTimestamp", t.disconnect)
                                q.string("QuickConnectId", rng.uuid())
                                q.string("QuickConnectName", rng.pick(["Billing queue", "Tier 2", "Supervisor"]))
                                q.string("QuickConnectType", rng.pick(["USER", "QUEUE", "PHONE_NUMBER", "FLOW"]))
                            }
                        }
                    }
                }
            }
            if rng.chance(0.1) {
                f.object("GlobalResiliencyMetadata", "GlobalResiliencyMetadata") { g in
                    g.string("ActiveRegion", instance.region)
                    g.string("OriginRegion", rng.pick(["us-east-1", "us-west-2"]))
                    g.string("TrafficDistributionGroupId", rng.uuid())
                }
            }
            if voice || chat, rng.chance(0.3) { f.member("ContactLens") { contactLens(voice: voice, rng: &rng) } }
            if voice, !answered, rng.chance(0.3) {
                f.object("VoicemailInfo", "VoicemailInfo") { $0.int("NumberOfVoicemails", rng.int(1...3)) }
            }
        }
    }

    static let answeringMachineStatuses = [
        "ANSWERED", "UNDETECTED", "ERROR", "HUMAN_ANSWERED", "SIT_TONE_DETECTED", "SIT_TONE_BUSY", "SIT_TONE_INVALID_NUMBER",
        "FAX_MACHINE_DETECTED", "VOICEMAIL_BEEP", "VOICEMAIL_NO_BEEP", "AMD_UNRESOLVED", "AMD_UNANSWERED", "AMD_ERROR", "AMD_NOT_APPLICABLE",
    ]

    static let disconnectReasons = [
        "CUSTOMER_DISCONNECT", "AGENT_DISCONNECT", "THIRD_PARTY_DISCONNECT", "TELECOM_PROBLEM", "CONTACT_FLOW_DISCONNECT", "EXPIRED", "API", "OTHER",
    ]

    func endpoint(_ type: String, _ address: String, _ display: String?) {
        object("EndpointInfo") { e in
            e.string("Type", type)
            e.string("Address", address)
            if let display { e.string("DisplayName", display) }
        }
    }

    func emailRecipient(_ address: String, _ display: String) {
        object("EmailRecipient") { r in
            r.string("Address", address)
            r.string("DisplayName", display)
        }
    }

    func capabilities() {
        object("ParticipantCapabilities") { p in
            p.string("Video", "SEND")
            p.string("ScreenShare", "SEND")
        }
    }

    func deviceInfo(rng: inout SeededGenerator) {
        object("DeviceInfo") { d in
            d.string("PlatformName", rng.pick(["Chrome", "Firefox", "Safari"]))
            d.string("PlatformVersion", String(rng.int(100...130)) + ".0")
            d.string("OperatingSystem", rng.pick(["Windows 11", "macOS 14", "Android 14", "iOS 17"]))
        }
    }

    func agentInfo(voice: Bool, outbound: Bool, _ t: Timeline, rng: inout SeededGenerator) {
        object("AgentInfo") { a in
            a.string("Id", rng.uuid())
            a.timestamp("AcceptedByAgentTimestamp", t.connectedToAgent)
            if outbound, rng.chance(0.3) { a.timestamp("PreviewEndTimestamp", t.ringStart) }
            a.timestamp("ConnectedToAgentTimestamp", t.connectedToAgent)
            if rng.chance(0.2) { a.int("AgentPauseDurationInSeconds", rng.int(0...120)) }
            if rng.chance(0.5) {
                a.object("HierarchyGroups", "HierarchyGroups") { h in
                    for l in 1...rng.int(1...5) {
                        h.object("Level\(l)", "AgentHierarchyGroup") { $0.string("Arn", "\(arnPrefix)/agent-group/\(rng.uuid())") }
                    }
                }
            }
            if rng.chance(0.4) { a.member("DeviceInfo") { deviceInfo(rng: &rng) } }
            if rng.chance(0.2) { a.member("Capabilities") { capabilities() } }
            a.int("AfterContactWorkDuration", t.afterContactWorkSeconds)
            a.timestamp("AfterContactWorkStartTimestamp", t.disconnect)
            a.timestamp("AfterContactWorkEndTimestamp", t.afterContactWorkEnd)
            if voice, rng.chance(0.4) { a.int("AgentInitiatedHoldDuration", rng.int(0...240)) }
            if rng.chance(0.4) {
                a.array("StateTransitions") {
                    let states: [(String, Instant, Instant?)] = [
                        ("INITIAL", t.ringStart, t.connectedToAgent), ("CONNECTED", t.connectedToAgent, t.disconnect),
                        (rng.chance(0.9) ? "DISCONNECTED" : "MISSED", t.disconnect, nil),
                    ]
                    for (state, start, end) in states {
                        object("StateTransition") { s in
                            s.string("State", state)
                            s.timestamp("StateStartTimestamp", start)
                            if let end { s.timestamp("StateEndTimestamp", end) }
                        }
                    }
                }
            }
            if voice, rng.chance(0.4) { a.string("VoiceEnhancementMode", rng.pick(["VOICE_ISOLATION", "NOISE_SUPPRESSION", "NONE"])) }
            if rng.chance(0.2) { a.string("ActiveRegion", instance.region) }
        }
    }

    /// Cases linked to a task or an email (Amazon Connect Cases): a case id and its reference.
    func cases(rng: inout SeededGenerator) {
        let json = self.json
        json.beginArray()
        for _ in 1...rng.int(1...2) {
            object("CaseEntry") { e in
                e.string("CaseId", rng.uuid())
                e.string("CaseReferenceNumber", String(rng.int(10_000_000...99_999_999)))
            }
        }
        json.endArray()
    }

    /// The Contact Lens settings a flow's "Set recording and analytics behavior" block chose,
    /// and the state of the analysis.
    func contactLens(voice: Bool, rng: inout SeededGenerator) {
        object("ContactLens") { l in
            l.object("ConversationalAnalytics", "ConversationalAnalytics") { a in
                a.object("Configuration", "ConversationalAnalyticsConfiguration") { c in
                    let locale = rng.pick(["en-US", "es-US", "fr-CA"])
                    c.bool("Enabled", true)
                    c.string("LanguageLocale", locale)
                    c.strings("LanguageLocales", [locale])
                    c.object("ChannelConfiguration", "ContactLensChannelConfiguration") { m in
                        m.strings("AnalyticsModes", voice && rng.chance(0.5) ? ["RealTime", "PostContact"] : ["PostContact"])
                    }
                    if rng.chance(0.5) {
                        c.object("RedactionConfiguration", "ContactLensRedactionConfiguration") { r in
                            r.string("Behavior", "Enable")
                            r.string("Policy", rng.pick(["RedactedOnly", "RedactedAndOriginal"]))
                            r.strings("Entities", ["NAME", "PHONE", "EMAIL"])
                            r.string("MaskMode", rng.pick(["PII", "EntityType"]))
                        }
                    }
                    if rng.chance(0.5) {
                        c.object("SummaryConfiguration", "ContactLensSummaryConfiguration") { $0.strings("SummaryModes", ["PostContact"]) }
                    }
                    c.object("SentimentConfiguration", "ContactLensSentimentConfiguration") { $0.string("Behavior", "Enable") }
                }
                a.object("ContactAnalysisReferenceState", "ContactAnalysisReferenceState") { r in
                    let failed = rng.chance(0.05)
                    r.string("Status", failed ? "FAILED" : "COMPLETED")
                    if failed { r.string("StatusReason", "The recording was too short to analyze.") }
                }
            }
        }
    }

    func audioQuality(rng: inout SeededGenerator) {
        let score = Double(rng.int(10...50)) / 10
        let issues = score < 3.5 ? Array(["HighPacketLoss", "HighRoundTripTime", "HighJitterBuffer"].prefix(rng.int(1...3))) : []
        object("AudioQualityMetricsInfo") { a in
            a.number("QualityScore", String(score))
            a.strings("PotentialQualityIssues", issues)
        }
    }

    func chatMetrics(start: Instant, end: Instant, rng: inout SeededGenerator) {
        func participant(_ type: String, _ rng: inout SeededGenerator) {
            let sent = rng.int(1...30)
            object("ParticipantMetrics") { p in
                p.string("ParticipantId", rng.uuid())
                p.string("ParticipantType", type)
                p.bool("ConversationAbandon", rng.chance(0.05))
                p.int("MessagesSent", sent)
                p.int("NumResponses", max(0, sent - 1))
                p.int("MessageLengthInChars", sent * rng.int(20...120))
                p.int("TotalResponseTimeInMillis", sent * rng.int(2000...20000))
                p.int("MaxResponseTimeInMillis", rng.int(20000...90000))
                p.timestamp("LastMessageTimestamp", end)
            }
        }
        object("ChatMetrics") { m in
            m.object("ChatContactMetrics", "ChatContactMetrics") { c in
                let total = rng.int(4...60)
                let bot = rng.int(0...(total / 2))
                let firstResponse = Int64(rng.int(2000...60000))
                c.bool("MultiParty", rng.chance(0.1))
                c.int("TotalMessages", total)
                c.int("TotalBotMessages", bot)
                c.int("TotalBotMessageLengthInChars", bot * rng.int(40...200))
                c.int("ConversationCloseTimeInMillis", end.millisecondsSinceEpoch - start.millisecondsSinceEpoch)
                c.int("ConversationTurnCount", total / 2)
                c.timestamp("AgentFirstResponseTimestamp", start.adding(milliseconds: firstResponse))
                c.int("AgentFirstResponseTimeInMillis", firstResponse)
            }
            m.member("AgentMetrics") { participant("AGENT", &rng) }
            m.member("CustomerMetrics") { participant("CUSTOMER", &rng) }
        }
    }

    /// Keys in sorted order: `connect:ContactFlow`, `connect:CustomerAuthentication`,
    /// `connect:Subtype`, `custom:Intents`.
    func segmentAttributes(channel: String, rng: inout SeededGenerator) {
        let subtype: String
        switch channel {
        case "VOICE": subtype = "connect:Telephony"
        case "CHAT": subtype = "connect:Chat"
        case "TASK": subtype = "connect:Task"
        default: subtype = "connect:Email"
        }
        func value(_ body: (inout ObjectWriter) -> Void) { object("SegmentAttributeValue", body) }
        map { s in
            if rng.chance(0.2) {
                s.key("connect:ContactFlow")
                value { $0.string("ValueArn", "\(arnPrefix)/contact-flow/\(rng.uuid())") }
            }
            if rng.chance(0.3) {
                s.key("connect:CustomerAuthentication")
                value { v in
                    v.member("ValueMap") {
                        map { m in
                            m.key("Attempts")
                            value { $0.int("ValueInteger", rng.int(1...3)) }
                            m.key("Status")
                            value { $0.string("ValueString", "AUTHENTICATED") }
                        }
                    }
                }
            }
            s.key("connect:Subtype")
            value { $0.string("ValueString", subtype) }
            if rng.chance(0.2) {
                s.key("custom:Intents")
                value { v in
                    v.array("ValueList") {
                        value { $0.string("ValueString", "CheckBalance") }
                        value { $0.string("ValueString", "TransferFunds") }
                    }
                }
            }
        }
    }

    func recordings(start: Instant, end: Instant, rng: inout SeededGenerator) {
        json.beginArray()
        let deleted = rng.chance(0.1)
        object("RecordingInfo") { r in
            r.string("StorageType", "S3")
            r.string("Location", "connect-recordings-\(instance.accountId)/connect/demo/CallRecordings/\(rng.uuid()).wav")
            r.string("MediaStreamType", "AUDIO")
            r.string("ParticipantType", "AGENT")
            r.timestamp("StartTimestamp", start)
            r.timestamp("StopTimestamp", end)
            r.string("Status", deleted ? "DELETED" : "AVAILABLE")
            if deleted { r.string("DeletionReason", "Deleted by retention policy") }
            if rng.chance(0.3) { r.string("UnprocessedTranscriptLocation", "connect-recordings-\(instance.accountId)/transcripts/\(rng.uuid()).json") }
        }
        if rng.chance(0.3) {
            object("RecordingInfo") { r in
                r.string("StorageType", "KINESIS_VIDEO_STREAM")
                r.string("Location", "arn:aws:kinesisvideo:\(instance.region):\(instance.accountId):stream/connect-live-\(rng.int(1...99))/\(rng.int(1_000_000...9_999_999))")
                r.string("MediaStreamType", "AUDIO")
                r.string("ParticipantType", "CUSTOMER")
                r.string("FragmentStartNumber", String(rng.int(10_000_000...99_999_999)))
                r.string("FragmentStopNumber", String(rng.int(100_000_000...999_999_999)))
                r.timestamp("StartTimestamp", start)
                r.timestamp("StopTimestamp", end)
                r.string("Status", "AVAILABLE")
            }
        }
        json.endArray()
    }

    func evaluations(after: Instant, rng: inout SeededGenerator) {
        let id = rng.uuid()
        let status = rng.pick(["COMPLETE", "IN_PROGRESS", "DELETED"])
        map { m in
            m.key(id)
            object("ContactEvaluation") { e in
                e.string("FormId", rng.uuid())
                e.string("EvaluationArn", "\(arnPrefix)/contact-evaluation/\(id)")
                e.string("Status", status)
                e.timestamp("StartTimestamp", after.adding(seconds: 3600))
                if status != "IN_PROGRESS" { e.timestamp("EndTimestamp", after.adding(seconds: 5400)) }
                if status == "DELETED" { e.timestamp("DeleteTimestamp", after.adding(seconds: 7200)) }
                e.string("ExportLocation", "s3://connect-evaluations-\(instance.accountId)/\(id).json")
            }
        }
    }

    func outboundStrategy(rng: inout SeededGenerator) {
        object("OutboundStrategy") { o in
            o.string("Type", "AGENT_FIRST")
            o.object("Config", "OutboundStrategyConfig") { c in
                c.object("AgentFirst", "AgentFirst") { a in
                    a.object("Preview", "Preview") { p in
                        p.object("PostAcceptTimeoutConfig", "PostAcceptTimeoutConfig") { $0.int("DurationInSeconds", rng.int(10...120)) }
                        p.strings("AllowedUserActions", rng.chance(0.5) ? ["CALL", "DISCARD"] : ["CALL"])
                    }
                }
            }
        }
    }

    /// 1 to 4 steps in order: earlier steps EXPIRED (expiring inside the contact's lifetime),
    /// the current one ACTIVE or JOINED, later ones INACTIVE; all but the last have a duration.
    func routingCriteria(from activation: Instant, to end: Instant, rng: inout SeededGenerator) {
        let count = rng.int(1...4)
        let current = rng.int(0...(count - 1))
        let span = max(Int64(count), (end.millisecondsSinceEpoch - activation.millisecondsSinceEpoch))
        var expiresAt = activation
        object("RoutingCriteria") { r in
            r.array("Steps") {
                for k in 0..<count {
                    let status: String
                    if k < current {
                        status = "EXPIRED"
                        expiresAt = expiresAt.adding(milliseconds: span / Int64(count + 1))
                    } else if k == current {
                        status = rng.chance(0.5) ? "ACTIVE" : "JOINED"
                    } else {
                        status = "INACTIVE"
                    }
                    let duration = rng.int(10...120)
                    object("Step") { s in
                        if k < count - 1 || k < current {
                            s.object("Expiry", "Expiry") { e in
                                if k < count - 1 { e.int("DurationInSeconds", duration) }
                                if k < current { e.timestamp("ExpiryTimestamp", expiresAt) }
                            }
                        }
                        s.member("Expression") { expression(depth: rng.int(1...3), rng: &rng) }
                        s.string("Status", status)
                    }
                }
            }
            r.timestamp("ActivationTimestamp", activation)
            r.int("Index", rng.int(0...3))
        }
    }

    /// An expression exactly `depth` levels deep: a condition is level 1, each And/Or adds one.
    func expression(depth: Int, rng: inout SeededGenerator) {
        object("Expression") { e in
            if depth <= 1 {
                e.member(rng.int(0...3) == 0 ? "NotAttributeCondition" : "AttributeCondition") { condition(rng: &rng) }
                return
            }
            e.array(rng.chance(0.5) ? "AndExpression" : "OrExpression") {
                for k in 0..<rng.int(2...3) { expression(depth: k == 0 ? depth - 1 : rng.int(1...(depth - 1)), rng: &rng) }
            }
        }
    }

    /// Built once: as a literal in `condition`, these five arrays were allocated and freed on
    /// every condition.
    static let attributes = [("Technology", ["AWS Kinesis", "Amazon Connect", "Lambda"]), ("Language", ["English", "Spanish", "French"]),
                             ("Location", ["Seattle", "Dublin", "Sydney"]), ("Product", ["Mortgage", "Credit card", "Savings"])]

    func condition(rng: inout SeededGenerator) {
        let (name, values) = rng.pick(ContactWriter.attributes)
        object("AttributeCondition") { a in
            switch rng.int(0...3) {
            case 0:
                let lo = rng.int(1...4)
                a.string("Name", name)
                a.string("Value", rng.pick(values))
                a.object("Range", "Range") { r in
                    r.number("MinProficiencyLevel", "\(lo).0")
                    r.number("MaxProficiencyLevel", "\(rng.int(lo...5)).0")
                }
                a.string("ComparisonOperator", "Range")
            case 1:
                a.object("MatchCriteria", "MatchCriteria") { m in
                    m.object("AgentsCriteria", "AgentsCriteria") { c in
                        c.array("AgentIds") { for _ in 0..<rng.int(1...3) { json.string(rng.uuid()) } }
                    }
                }
                a.string("ComparisonOperator", "Match")
            default:
                a.string("Name", name)
                a.string("Value", rng.pick(values))
                a.number("ProficiencyLevel", "\(rng.int(1...5)).0")
                a.string("ComparisonOperator", "NumberGreaterOrEqualTo")
            }
        }
    }
}
