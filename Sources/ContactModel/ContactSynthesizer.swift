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
    mutating func uuid() -> String { StableIdentifier.uuid(next(), next()) }
}

/// What the store keeps of a synthetic contact instead of its document: the seed of its
/// transfer chain and its place in that chain. The document is made again from these on
/// read, byte for byte the same (`ContactSynthesizer.document(for:)`), so a seed writes a
/// few dozen bytes per contact rather than a 2-5 KB document: a million contacts no longer
/// wait on synthesis and on writing gigabytes.
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
    public static let generatorVersion: Int64 = 1

    public var instance: InstanceInfo
    public var seed: UInt64
    public var now: Instant
    /// The earliest initiation a contact gets.
    public var windowStart: Instant

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
    /// many passes its own `assembler`, whose buffer has long since grown to a document's size.
    public func document(for recipe: SyntheticRecipe, assembler: JSONAssembler = JSONAssembler()) -> [UInt8] {
        let chain = skeleton(chainSeed: recipe.chainSeed, length: recipe.chainLength)
        let k = recipe.position
        let link = chain.links[k]
        var mixer = SeededGenerator(seed: recipe.chainSeed ^ (UInt64(k + 1) << 56))
        var rng = SeededGenerator(seed: mixer.next())
        let context = SynthesisState.ChainContext(channel: chain.channel, method: link.method, answered: link.answered, timeline: link.timeline,
                                   id: chain.ids[k], initialId: k > 0 ? chain.ids[0] : nil,
                                   previousId: k > 0 ? chain.ids[k - 1] : nil, nextId: k + 1 < chain.ids.count ? chain.ids[k + 1] : nil,
                                   relatedId: recipe.relatedContactId)
        assembler.reset()
        let state = SynthesisState(instance: instance, arnPrefix: arnPrefix, json: assembler)
        return state.json.bytes(state.contact(context, rng: &rng))
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

/// Builders for one contact's members; values come from the contact's generator only.
struct SynthesisState {
    let instance: InstanceInfo
    let arnPrefix: String
    /// Where the contact being made is written.
    let json: JSONAssembler

    init(instance: InstanceInfo, arnPrefix: String, json: JSONAssembler) {
        self.instance = instance
        self.arnPrefix = arnPrefix
        self.json = json
    }

    static func ts(_ i: Instant) -> JSONPiece { .number(TimestampValue.json(i)) }

    /// Members set one by one, in any order; `obj` puts them in the model's order. Cheaper
    /// than a dictionary, which synthesis would otherwise hash its way through.
    struct Fields: ExpressibleByDictionaryLiteral {
        var pairs: [(String, JSONPiece)] = []

        /// Room for the members usually set, so building rarely grows the array.
        init() { pairs.reserveCapacity(12) }

        init(dictionaryLiteral elements: (String, JSONPiece)...) {
            pairs.reserveCapacity(elements.count + 6)
            pairs.append(contentsOf: elements)
        }

        /// Setting appends; reading is not needed by the builders.
        subscript(key: String) -> JSONPiece? {
            get { pairs.first(where: { $0.0 == key })?.1 }
            set { if let v = newValue { pairs.append((key, v)) } }
        }

        var isEmpty: Bool { pairs.isEmpty }
    }

    /// A structure with members in the model's order, whatever order they were set in.
    func obj(_ shape: String, from fields: Fields) -> JSONPiece {
        order(shape, count: fields.pairs.count) { add in
            for (key, value) in fields.pairs { add(key, value) }
        }
    }

    /// The same for structures written as literal pairs.
    func obj(_ shape: String, _ fields: KeyValuePairs<String, JSONPiece>) -> JSONPiece {
        order(shape, count: fields.count) { add in
            for (key, value) in fields { add(key, value) }
        }
    }

    /// The `count` members that `members` adds, each written as it comes and sorted into the
    /// model's order by position.
    func order(_ shape: String, count: Int, _ members: ((String, JSONPiece) -> Void) -> Void) -> JSONPiece {
        guard let positions = ShapeTable.memberIndex(of: shape) else { preconditionFailure(shape) }
        return withUnsafeTemporaryAllocation(of: (rank: Int, written: Range<Int>).self, capacity: count) { slots in
            var n = 0
            members { key, value in
                guard let index = positions.position(of: key) else { preconditionFailure("\(shape) has no \(key)") }
                precondition(n < count, "more members than the \(count) announced for \(shape)")
                let written = json.member(positions.keys[index], value)
                // Insertion sort by model position: objects are small and mostly built in order.
                var k = n
                while k > 0, slots[k - 1].rank > index {
                    slots[k] = slots[k - 1]
                    k -= 1
                }
                slots[k] = (index, written)
                n += 1
            }
            return json.object(count: n) { slots[$0].written }
        }
    }

    /// A map with sorted keys, as the validator normalizes maps.
    func map(_ entries: Fields) -> JSONPiece {
        let written = entries.pairs.sorted { $0.0 < $1.0 }.map { json.member($0.0, $0.1) }
        return json.object(count: written.count) { written[$0] }
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

    // swiftlint:disable:next function_body_length
    func contact(_ c: ChainContext, rng: inout SeededGenerator) -> JSONPiece {
        var f = Fields()
        let voice = c.channel == "VOICE", chat = c.channel == "CHAT", task = c.channel == "TASK", email = c.channel == "EMAIL"
        let outbound = ["OUTBOUND", "EXTERNAL_OUTBOUND", "CALLBACK"].contains(c.method) || (c.method == "API" && voice)
        let campaign = voice && (c.method == "OUTBOUND" || c.method == "API") && rng.chance(0.6)
        let answered = c.answered
        let t = c.timeline
        let t0 = t.initiation, connectedToSystem = t.connectedToSystem, enqueue = t.enqueue, ringStart = t.ringStart
        let connectedToAgent = t.connectedToAgent, talk = t.talk, disconnect = t.disconnect
        let acw = t.afterContactWorkSeconds, acwEnd = t.afterContactWorkEnd, lastUpdate = t.lastUpdate

        f["Arn"] = .string("\(arnPrefix)/contact/\(c.id)")
        f["Id"] = .string(c.id)
        if let i = c.initialId { f["InitialContactId"] = .string(i) }
        if let p = c.previousId { f["PreviousContactId"] = .string(p) }
        if email, let i = c.initialId { f["ContactAssociationId"] = .string(i) }
        f["InitiationMethod"] = .string(c.method)
        f["Channel"] = .string(c.channel)
        if task || rng.chance(0.2) {
            f["Name"] = .string(rng.pick(["Follow up on refund", "Callback request", "Billing question", "Address change", "Order 4411 delayed"]))
            f["Description"] = .string(rng.pick(["Customer asked for a call back about their last invoice.", "Escalated from chat.", "Created by the returns flow."]))
        }
        let queueId = rng.uuid()
        f["QueueInfo"] = obj("QueueInfo", ["Id": .string(queueId), "EnqueueTimestamp": SynthesisState.ts(enqueue)])
        if answered {
            f["AgentInfo"] = agentInfo(voice: voice, outbound: outbound, ringStart: ringStart, connected: connectedToAgent,
                                       disconnect: disconnect, acw: acw, acwEnd: acwEnd, rng: &rng)
        }
        f["InitiationTimestamp"] = SynthesisState.ts(t0)
        f["DisconnectTimestamp"] = SynthesisState.ts(disconnect)
        f["LastUpdateTimestamp"] = SynthesisState.ts(lastUpdate)
        if task, answered, rng.chance(0.3) {
            let paused = connectedToAgent.adding(milliseconds: talk / 3)
            let resumed = paused.adding(milliseconds: talk / 6)
            f["LastPausedTimestamp"] = SynthesisState.ts(paused)
            f["LastResumedTimestamp"] = SynthesisState.ts(resumed)
            f["TotalPauseCount"] = .int(rng.int(1...3))
            f["TotalPauseDurationInSeconds"] = .int64(talk / 6000)
        }
        if voice || chat { f["RingStartTimestamp"] = SynthesisState.ts(ringStart) }
        if task, rng.chance(0.4) { f["ScheduledTimestamp"] = SynthesisState.ts(connectedToSystem) }
        if let related = c.relatedId { f["RelatedContactId"] = .string(related) }
        if rng.chance(0.3) {
            f["WisdomInfo"] = obj("WisdomInfo", [
                "SessionArn": .string("arn:aws:wisdom:\(instance.region):\(instance.accountId):session/\(rng.uuid())/\(rng.uuid())"),
                "AiAgents": .array([obj("AiAgentInfo", [
                    "AiUseCase": .string(rng.pick(["AgentAssistance", "SelfService"])),
                    "AiAgentVersionId": .string(String(rng.int(1...9))),
                    "AiAgentEscalated": .bool(rng.chance(0.2)),
                ])]),
            ])
        }
        if rng.chance(0.5) { f["CustomerId"] = .string("cust-" + String(rng.int(100_000...999_999))) }
        let customerPhone = "+1" + String(rng.int(2_012_000_000...9_899_999_999))
        let systemPhone = "+1" + String(rng.int(8_002_000_000...8_889_999_999))
        switch c.channel {
        case "VOICE":
            f["CustomerEndpoint"] = endpoint("TELEPHONE_NUMBER", customerPhone, rng.chance(0.3) ? "Customer" : nil)
            if !["MONITOR", "QUEUE_TRANSFER", "CALLBACK"].contains(c.method) {
                f["SystemEndpoint"] = endpoint("TELEPHONE_NUMBER", systemPhone, rng.chance(0.3) ? "Main line" : nil)
            }
        case "CHAT":
            if rng.chance(0.5) { f["CustomerEndpoint"] = endpoint("VOIP", "web-" + String(rng.int(1000...9999)), "Web visitor") }
        case "EMAIL":
            f["CustomerEndpoint"] = endpoint("EMAIL_ADDRESS", "customer\(rng.int(1...9999))@example.com", "Jane Customer")
            if !["MONITOR", "QUEUE_TRANSFER", "CALLBACK"].contains(c.method) {
                f["SystemEndpoint"] = endpoint("EMAIL_ADDRESS", "support@example.com", "Example Support")
            }
        default:
            if rng.chance(0.3), c.method != "QUEUE_TRANSFER" { f["SystemEndpoint"] = endpoint("CONTACT_FLOW", "\(arnPrefix)/contact-flow/\(rng.uuid())", nil) }
        }
        if rng.chance(0.2) { f["QueueTimeAdjustmentSeconds"] = .int(rng.int(-300...600)) }
        if rng.chance(0.3) { f["QueuePriority"] = .int(rng.int(1...10)) }
        if rng.chance(0.2) {
            var tags: Fields = ["Department": .string(rng.pick(["Billing", "Sales", "Support"]))]
            if rng.chance(0.5) { tags["cost-center"] = .string(String(rng.int(1000...9999))) }
            f["Tags"] = map(tags)
        }
        f["ConnectedToSystemTimestamp"] = SynthesisState.ts(connectedToSystem)
        if (voice || chat || email), rng.chance(0.6) {
            f["RoutingCriteria"] = routingCriteria(from: enqueue, to: answered ? connectedToAgent : disconnect, rng: &rng)
        }
        if (voice || chat), rng.chance(0.3) {
            f["Customer"] = obj("Customer", [
                "DeviceInfo": deviceInfo(rng: &rng),
                "Capabilities": obj("ParticipantCapabilities", ["Video": .string("SEND"), "ScreenShare": .string("SEND")]),
            ])
        }
        if campaign {
            f["Campaign"] = obj("Campaign", ["CampaignId": .string(rng.uuid())])
            f["AnsweringMachineDetectionStatus"] = .string(rng.pick(["ANSWERED", "UNDETECTED", "ERROR", "HUMAN_ANSWERED", "SIT_TONE_DETECTED", "SIT_TONE_BUSY", "SIT_TONE_INVALID_NUMBER", "FAX_MACHINE_DETECTED", "VOICEMAIL_BEEP", "VOICEMAIL_NO_BEEP", "AMD_UNRESOLVED", "AMD_UNANSWERED", "AMD_ERROR", "AMD_NOT_APPLICABLE"]))
            f["CustomerVoiceActivity"] = obj("CustomerVoiceActivity", [
                "GreetingStartTimestamp": SynthesisState.ts(connectedToSystem.adding(milliseconds: 800)),
                "GreetingEndTimestamp": SynthesisState.ts(connectedToSystem.adding(milliseconds: 2800)),
            ])
            if rng.chance(0.5) {
                f["OutboundStrategy"] = obj("OutboundStrategy", [
                    "Type": .string("AGENT_FIRST"),
                    "Config": obj("OutboundStrategyConfig", ["AgentFirst": obj("AgentFirst", [
                        "Preview": obj("Preview", [
                            "PostAcceptTimeoutConfig": obj("PostAcceptTimeoutConfig", ["DurationInSeconds": .int(rng.int(10...120))]),
                            "AllowedUserActions": .array(rng.chance(0.5) ? [.string("CALL"), .string("DISCARD")] : [.string("CALL")]),
                        ]),
                    ])]),
                ])
            }
        }
        if voice, answered {
            f["QualityMetrics"] = obj("QualityMetrics", [
                "Agent": obj("AgentQualityMetrics", ["Audio": audioQuality(rng: &rng)]),
                "Customer": obj("CustomerQualityMetrics", ["Audio": audioQuality(rng: &rng)]),
            ])
        }
        if chat { f["ChatMetrics"] = chatMetrics(start: connectedToAgent, end: disconnect, rng: &rng) }
        if (voice || chat), rng.chance(0.1) {
            f["DisconnectDetails"] = obj("DisconnectDetails", ["PotentialDisconnectIssue": .string(rng.pick(["AGENT_CONNECTIVITY_ISSUE", "AGENT_NETWORK_DISCONNECT"]))])
        }
        if email {
            var r: Fields = ["ToList": .array([obj("EmailRecipient", ["Address": .string("support@example.com"), "DisplayName": .string("Example Support")])])]
            if rng.chance(0.5) {
                r["CcList"] = .array([obj("EmailRecipient", ["Address": .string("manager\(rng.int(1...99))@example.com"), "DisplayName": .string("Account Manager")])])
            }
            f["AdditionalEmailRecipients"] = obj("AdditionalEmailRecipients", from: r)
        }
        f["SegmentAttributes"] = segmentAttributes(channel: c.channel, rng: &rng)
        if voice, answered, rng.chance(0.7) { f["Recordings"] = recordings(start: connectedToAgent, end: disconnect, rng: &rng) }
        f["DisconnectReason"] = .string(rng.pick(["CUSTOMER_DISCONNECT", "AGENT_DISCONNECT", "THIRD_PARTY_DISCONNECT", "TELECOM_PROBLEM", "CONTACT_FLOW_DISCONNECT", "EXPIRED", "API", "OTHER"]))
        if answered, rng.chance(0.2) { f["ContactEvaluations"] = evaluations(after: acwEnd, rng: &rng) }
        if task {
            f["TaskTemplateInfo"] = obj("TaskTemplateInfoV2", [
                "Arn": .string("\(arnPrefix)/task-template/\(rng.uuid())"),
                "Name": .string(rng.pick(["Refund review", "Callback", "Address verification"])),
            ])
            if rng.chance(0.5) {
                f["ContactDetails"] = obj("ContactDetails", ["Name": .string("Refund review"), "Description": .string("Check the refund for order \(rng.int(1000...9999)).")])
            }
        }
        if rng.chance(0.5) {
            var attrs: Fields = ["language": .string(rng.pick(["en-US", "es-US", "fr-CA"]))]
            if rng.chance(0.5) { attrs["accountTier"] = .string(rng.pick(["gold", "silver", "basic"])) }
            f["Attributes"] = map(attrs)
        }
        if let next = c.nextId {
            f["NextContacts"] = .array([obj("NextContactEntry", [
                "Type": .string("QUICK_CONNECT"),
                "NextContactMetadata": obj("NextContactMetadata", ["QuickConnectContactData": obj("QuickConnectContactData", [
                    "ContactId": .string(next),
                    "InitiationTimestamp": SynthesisState.ts(disconnect),
                    "QuickConnectId": .string(rng.uuid()),
                    "QuickConnectName": .string(rng.pick(["Billing queue", "Tier 2", "Supervisor"])),
                    "QuickConnectType": .string(rng.pick(["USER", "QUEUE", "PHONE_NUMBER", "FLOW"])),
                ])]),
            ])])
        }
        if rng.chance(0.1) {
            f["GlobalResiliencyMetadata"] = obj("GlobalResiliencyMetadata", [
                "ActiveRegion": .string(instance.region), "OriginRegion": .string(rng.pick(["us-east-1", "us-west-2"])),
                "TrafficDistributionGroupId": .string(rng.uuid()),
            ])
        }
        return obj("Contact", from: f)
    }

    func endpoint(_ type: String, _ address: String, _ display: String?) -> JSONPiece {
        var e: Fields = ["Type": .string(type), "Address": .string(address)]
        if let display { e["DisplayName"] = .string(display) }
        return obj("EndpointInfo", from: e)
    }

    func deviceInfo(rng: inout SeededGenerator) -> JSONPiece {
        obj("DeviceInfo", [
            "PlatformName": .string(rng.pick(["Chrome", "Firefox", "Safari"])),
            "PlatformVersion": .string(String(rng.int(100...130)) + ".0"),
            "OperatingSystem": .string(rng.pick(["Windows 11", "macOS 14", "Android 14", "iOS 17"])),
        ])
    }

    func agentInfo(voice: Bool, outbound: Bool, ringStart: Instant, connected: Instant, disconnect: Instant, acw: Int,
                   acwEnd: Instant, rng: inout SeededGenerator) -> JSONPiece {
        var a: Fields = [
            "Id": .string(rng.uuid()),
            "AcceptedByAgentTimestamp": SynthesisState.ts(connected),
            "ConnectedToAgentTimestamp": SynthesisState.ts(connected),
            "AfterContactWorkDuration": .int(acw),
            "AfterContactWorkStartTimestamp": SynthesisState.ts(disconnect),
            "AfterContactWorkEndTimestamp": SynthesisState.ts(acwEnd),
        ]
        if outbound, rng.chance(0.3) { a["PreviewEndTimestamp"] = SynthesisState.ts(ringStart) }
        if rng.chance(0.2) { a["AgentPauseDurationInSeconds"] = .int(rng.int(0...120)) }
        if rng.chance(0.5) {
            var levels = Fields()
            for l in 1...rng.int(1...5) {
                levels["Level\(l)"] = obj("AgentHierarchyGroup", ["Arn": .string("\(arnPrefix)/agent-group/\(rng.uuid())")])
            }
            a["HierarchyGroups"] = obj("HierarchyGroups", from: levels)
        }
        if rng.chance(0.4) { a["DeviceInfo"] = deviceInfo(rng: &rng) }
        if rng.chance(0.2) { a["Capabilities"] = obj("ParticipantCapabilities", ["Video": .string("SEND"), "ScreenShare": .string("SEND")]) }
        if voice, rng.chance(0.4) { a["AgentInitiatedHoldDuration"] = .int(rng.int(0...240)) }
        if rng.chance(0.4) {
            a["StateTransitions"] = .array([
                obj("StateTransition", ["State": .string("INITIAL"), "StateStartTimestamp": SynthesisState.ts(ringStart), "StateEndTimestamp": SynthesisState.ts(connected)]),
                obj("StateTransition", ["State": .string("CONNECTED"), "StateStartTimestamp": SynthesisState.ts(connected), "StateEndTimestamp": SynthesisState.ts(disconnect)]),
                obj("StateTransition", ["State": .string(rng.chance(0.9) ? "DISCONNECTED" : "MISSED"), "StateStartTimestamp": SynthesisState.ts(disconnect)]),
            ])
        }
        if voice, rng.chance(0.4) { a["VoiceEnhancementMode"] = .string(rng.pick(["VOICE_ISOLATION", "NOISE_SUPPRESSION", "NONE"])) }
        return obj("AgentInfo", from: a)
    }

    func audioQuality(rng: inout SeededGenerator) -> JSONPiece {
        let score = Double(rng.int(10...50)) / 10
        var issues: [JSONPiece] = []
        if score < 3.5 {
            for i in ["HighPacketLoss", "HighRoundTripTime", "HighJitterBuffer"].prefix(rng.int(1...3)) { issues.append(.string(i)) }
        }
        return obj("AudioQualityMetricsInfo", ["QualityScore": .number(String(score)), "PotentialQualityIssues": .array(issues)])
    }

    func chatMetrics(start: Instant, end: Instant, rng: inout SeededGenerator) -> JSONPiece {
        let total = rng.int(4...60)
        let bot = rng.int(0...(total / 2))
        let firstResponse = Int64(rng.int(2000...60000))
        func participant(_ type: String, _ rng: inout SeededGenerator) -> JSONPiece {
            let sent = rng.int(1...30)
            return obj("ParticipantMetrics", [
                "ParticipantId": .string(rng.uuid()), "ParticipantType": .string(type),
                "ConversationAbandon": .bool(rng.chance(0.05)), "MessagesSent": .int(sent), "NumResponses": .int(max(0, sent - 1)),
                "MessageLengthInChars": .int(sent * rng.int(20...120)), "TotalResponseTimeInMillis": .int(sent * rng.int(2000...20000)),
                "MaxResponseTimeInMillis": .int(rng.int(20000...90000)), "LastMessageTimestamp": SynthesisState.ts(end),
            ])
        }
        return obj("ChatMetrics", [
            "ChatContactMetrics": obj("ChatContactMetrics", [
                "MultiParty": .bool(rng.chance(0.1)), "TotalMessages": .int(total), "TotalBotMessages": .int(bot),
                "TotalBotMessageLengthInChars": .int(bot * rng.int(40...200)),
                "ConversationCloseTimeInMillis": .int64(end.millisecondsSinceEpoch - start.millisecondsSinceEpoch),
                "ConversationTurnCount": .int(total / 2), "AgentFirstResponseTimestamp": SynthesisState.ts(start.adding(milliseconds: firstResponse)),
                "AgentFirstResponseTimeInMillis": .int64(firstResponse),
            ]),
            "AgentMetrics": participant("AGENT", &rng),
            "CustomerMetrics": participant("CUSTOMER", &rng),
        ])
    }

    func segmentAttributes(channel: String, rng: inout SeededGenerator) -> JSONPiece {
        var s = Fields()
        let subtype: String
        switch channel {
        case "VOICE": subtype = "connect:Telephony"
        case "CHAT": subtype = "connect:Chat"
        case "TASK": subtype = "connect:Task"
        default: subtype = "connect:Email"
        }
        s["connect:Subtype"] = obj("SegmentAttributeValue", ["ValueString": .string(subtype)])
        if rng.chance(0.3) {
            s["connect:CustomerAuthentication"] = obj("SegmentAttributeValue", ["ValueMap": map([
                "Status": obj("SegmentAttributeValue", ["ValueString": .string("AUTHENTICATED")]),
                "Attempts": obj("SegmentAttributeValue", ["ValueInteger": .int(rng.int(1...3))]),
            ])])
        }
        if rng.chance(0.2) {
            s["custom:Intents"] = obj("SegmentAttributeValue", ["ValueList": .array([
                obj("SegmentAttributeValue", ["ValueString": .string("CheckBalance")]),
                obj("SegmentAttributeValue", ["ValueString": .string("TransferFunds")]),
            ])])
        }
        if rng.chance(0.2) {
            s["connect:ContactFlow"] = obj("SegmentAttributeValue", ["ValueArn": .string("\(arnPrefix)/contact-flow/\(rng.uuid())")])
        }
        return map(s)
    }

    func recordings(start: Instant, end: Instant, rng: inout SeededGenerator) -> JSONPiece {
        var out: [JSONPiece] = []
        let deleted = rng.chance(0.1)
        var r: Fields = [
            "StorageType": .string("S3"),
            "Location": .string("connect-recordings-\(instance.accountId)/connect/demo/CallRecordings/\(rng.uuid()).wav"),
            "MediaStreamType": .string("AUDIO"), "ParticipantType": .string("AGENT"),
            "StartTimestamp": SynthesisState.ts(start), "StopTimestamp": SynthesisState.ts(end),
            "Status": .string(deleted ? "DELETED" : "AVAILABLE"),
        ]
        if deleted { r["DeletionReason"] = .string("Deleted by retention policy") }
        if rng.chance(0.3) { r["UnprocessedTranscriptLocation"] = .string("connect-recordings-\(instance.accountId)/transcripts/\(rng.uuid()).json") }
        out.append(obj("RecordingInfo", from: r))
        if rng.chance(0.3) {
            out.append(obj("RecordingInfo", [
                "StorageType": .string("KINESIS_VIDEO_STREAM"),
                "Location": .string("arn:aws:kinesisvideo:\(instance.region):\(instance.accountId):stream/connect-live-\(rng.int(1...99))/\(rng.int(1_000_000...9_999_999))"),
                "MediaStreamType": .string("AUDIO"), "ParticipantType": .string("CUSTOMER"),
                "FragmentStartNumber": .string(String(rng.int(10_000_000...99_999_999))),
                "FragmentStopNumber": .string(String(rng.int(100_000_000...999_999_999))),
                "StartTimestamp": SynthesisState.ts(start), "StopTimestamp": SynthesisState.ts(end), "Status": .string("AVAILABLE"),
            ]))
        }
        return .array(out)
    }

    func evaluations(after: Instant, rng: inout SeededGenerator) -> JSONPiece {
        let id = rng.uuid()
        let status = rng.pick(["COMPLETE", "IN_PROGRESS", "DELETED"])
        var e: Fields = [
            "FormId": .string(rng.uuid()),
            "EvaluationArn": .string("\(arnPrefix)/contact-evaluation/\(id)"),
            "Status": .string(status),
            "StartTimestamp": SynthesisState.ts(after.adding(seconds: 3600)),
            "ExportLocation": .string("s3://connect-evaluations-\(instance.accountId)/\(id).json"),
        ]
        if status != "IN_PROGRESS" { e["EndTimestamp"] = SynthesisState.ts(after.adding(seconds: 5400)) }
        if status == "DELETED" { e["DeleteTimestamp"] = SynthesisState.ts(after.adding(seconds: 7200)) }
        return map([id: obj("ContactEvaluation", from: e)])
    }

    /// 1 to 4 steps in order: earlier steps EXPIRED (expiring inside the contact's lifetime),
    /// the current one ACTIVE or JOINED, later ones INACTIVE; all but the last have a duration.
    func routingCriteria(from activation: Instant, to end: Instant, rng: inout SeededGenerator) -> JSONPiece {
        let count = rng.int(1...4)
        let current = rng.int(0...(count - 1))
        let span = max(Int64(count), (end.millisecondsSinceEpoch - activation.millisecondsSinceEpoch))
        var steps: [JSONPiece] = []
        var expiresAt = activation
        for k in 0..<count {
            var s = Fields()
            let duration = rng.int(10...120)
            var expiry = Fields()
            if k < count - 1 { expiry["DurationInSeconds"] = .int(duration) }
            let status: String
            if k < current {
                status = "EXPIRED"
                expiresAt = expiresAt.adding(milliseconds: span / Int64(count + 1))
                expiry["ExpiryTimestamp"] = SynthesisState.ts(expiresAt)
            } else if k == current {
                status = rng.chance(0.5) ? "ACTIVE" : "JOINED"
            } else {
                status = "INACTIVE"
            }
            if !expiry.isEmpty { s["Expiry"] = obj("Expiry", from: expiry) }
            s["Expression"] = expression(depth: rng.int(1...3), rng: &rng)
            s["Status"] = .string(status)
            steps.append(obj("Step", from: s))
        }
        return obj("RoutingCriteria", [
            "Steps": .array(steps), "ActivationTimestamp": SynthesisState.ts(activation), "Index": .int(rng.int(0...3)),
        ])
    }

    /// An expression exactly `depth` levels deep: a condition is level 1, each And/Or adds one.
    func expression(depth: Int, rng: inout SeededGenerator) -> JSONPiece {
        if depth <= 1 {
            switch rng.int(0...3) {
            case 0: return obj("Expression", ["NotAttributeCondition": condition(rng: &rng)])
            default: return obj("Expression", ["AttributeCondition": condition(rng: &rng)])
            }
        }
        let children = (0..<rng.int(2...3)).map { k in expression(depth: k == 0 ? depth - 1 : rng.int(1...(depth - 1)), rng: &rng) }
        return obj("Expression", [rng.chance(0.5) ? "AndExpression" : "OrExpression": .array(children)])
    }

    /// Built once: as a literal in `condition`, these five arrays were allocated and freed on
    /// every condition.
    static let attributes = [("Technology", ["AWS Kinesis", "Amazon Connect", "Lambda"]), ("Language", ["English", "Spanish", "French"]),
                             ("Location", ["Seattle", "Dublin", "Sydney"]), ("Product", ["Mortgage", "Credit card", "Savings"])]

    func condition(rng: inout SeededGenerator) -> JSONPiece {
        let (name, values) = rng.pick(SynthesisState.attributes)
        switch rng.int(0...3) {
        case 0:
            let lo = rng.int(1...4)
            return obj("AttributeCondition", [
                "Name": .string(name), "Value": .string(rng.pick(values)), "ComparisonOperator": .string("Range"),
                "Range": obj("Range", ["MinProficiencyLevel": .number("\(lo).0"), "MaxProficiencyLevel": .number("\(rng.int(lo...5)).0")]),
            ])
        case 1:
            return obj("AttributeCondition", [
                "ComparisonOperator": .string("Match"),
                "MatchCriteria": obj("MatchCriteria", ["AgentsCriteria": obj("AgentsCriteria", [
                    "AgentIds": .array((0..<rng.int(1...3)).map { _ in .string(rng.uuid()) }),
                ])]),
            ])
        default:
            return obj("AttributeCondition", [
                "Name": .string(name), "Value": .string(rng.pick(values)), "ComparisonOperator": .string("NumberGreaterOrEqualTo"),
                "ProficiencyLevel": .number("\(rng.int(1...5)).0"),
            ])
        }
    }
}
