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

/// Realistic, internally consistent synthetic contacts (SPEC §4): deterministic for a seed
/// and a data clock, every channel and initiation method, ordered timestamps inside the
/// retention window, channel-specific members, transfer chains whose references resolve, and
/// routing criteria whose step statuses follow their order.
public struct ContactSynthesizer: Sendable {
    public var instance: InstanceInfo
    public var seed: UInt64
    public var now: Instant
    public var policy: RetentionPolicy

    public init(instance: InstanceInfo, seed: UInt64, now: Instant, policy: RetentionPolicy) {
        self.instance = instance
        self.seed = seed
        self.now = now
        self.policy = policy
    }

    static let methodsByChannel: [(String, [String])] = [
        ("VOICE", ["INBOUND", "OUTBOUND", "CALLBACK", "API", "MONITOR", "EXTERNAL_OUTBOUND", "WEBRTC_API", "DISCONNECT", "FLOW"]),
        ("CHAT", ["API", "MONITOR", "DISCONNECT", "FLOW"]),
        ("TASK", ["API", "DISCONNECT", "FLOW"]),
        ("EMAIL", ["INBOUND", "OUTBOUND", "AGENT_REPLY", "API", "FLOW"]),
    ]

    /// Contacts come in blocks of this many, each block from its own generator seeded by the
    /// seed and the block's index: blocks can then be made on several threads at once and still
    /// give the same bytes in the same order.
    public static let blockSize = 512

    public static func blockCount(for count: Int) -> Int { (count + blockSize - 1) / blockSize }

    /// Calls `sink` with `count` records, block after block.
    public func generate(count: Int, sink: (ContactRecord) throws -> Void) rethrows {
        for k in 0..<ContactSynthesizer.blockCount(for: count) {
            for record in block(k, of: count) { try sink(record) }
        }
    }

    /// Block `index` of a run of `count` contacts. Chains are built whole inside a block, so
    /// every reference resolves.
    public func block(_ index: Int, of count: Int) -> [ContactRecord] {
        var rng = SeededGenerator(seed: seed &+ UInt64(index) &* 0xd1b5_4a32_d192_ed03)
        var state = SynthesisState(instance: instance, now: now, windowStart: windowStart())
        var out: [ContactRecord] = []
        let first = index * ContactSynthesizer.blockSize
        let end = min(count, first + ContactSynthesizer.blockSize)
        out.reserveCapacity(max(0, end - first))
        var produced = first
        while produced < end {
            let length = min(end - produced, rng.chance(0.7) ? 1 : rng.int(2...3))
            out.append(contentsOf: state.chain(length: length, rng: &rng))
            produced += length
        }
        return out
    }

    /// The earliest initiation still visible at `now` (one minute of margin), never before the cutoff.
    func windowStart() -> Instant {
        var start = now.addingCalendarMonths(-policy.months).adding(seconds: 60)
        if start < policy.cutoff { start = policy.cutoff }
        return start
    }
}

/// Builders for one synthesis run; values come from the run's generator only.
struct SynthesisState {
    let instance: InstanceInfo
    let now: Instant
    let windowStart: Instant
    var recent: [String] = []
    let arnPrefix: String
    /// Where the contact being made is written; emptied after each.
    let json = JSONAssembler()

    init(instance: InstanceInfo, now: Instant, windowStart: Instant) {
        self.instance = instance
        self.now = now
        self.windowStart = windowStart
        arnPrefix = "arn:aws:connect:\(instance.region):\(instance.accountId):instance/\(instance.id)"
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

    mutating func chain(length: Int, rng: inout SeededGenerator) -> [ContactRecord] {
        let (channel, methods) = rng.pick(ContactSynthesizer.methodsByChannel)
        let ids = (0..<length).map { _ in rng.uuid() }
        let span = max(1, (now.millisecondsSinceEpoch - windowStart.millisecondsSinceEpoch) / 1000 - 4 * 3600)
        var start = windowStart.adding(seconds: Int64.random(in: 0...span, using: &rng))
        var out: [ContactRecord] = []
        for k in 0..<length {
            let method: String
            if k == 0 {
                method = rng.pick(methods)
            } else {
                method = channel == "EMAIL" && rng.chance(0.3) ? "AGENT_REPLY" : rng.pick(["TRANSFER", "QUEUE_TRANSFER"])
            }
            let context = ChainContext(channel: channel, method: method, id: ids[k], initialId: k > 0 ? ids[0] : nil,
                                       previousId: k > 0 ? ids[k - 1] : nil, nextId: k + 1 < length ? ids[k + 1] : nil,
                                       initiation: start)
            let (doc, end) = contact(context, rng: &rng)
            out.append(ContactRecord(instanceId: instance.id, contactId: ids[k], initiation: start, document: json.bytes(doc)))
            json.reset()
            start = end
        }
        for id in ids {
            recent.append(id)
            if recent.count > 64 { recent.removeFirst() }
        }
        return out
    }

    struct ChainContext {
        var channel: String
        var method: String
        var id: String
        var initialId: String?
        var previousId: String?
        var nextId: String?
        var initiation: Instant
    }

    // swiftlint:disable:next function_body_length
    mutating func contact(_ c: ChainContext, rng: inout SeededGenerator) -> (JSONPiece, Instant) {
        var f = Fields()
        let voice = c.channel == "VOICE", chat = c.channel == "CHAT", task = c.channel == "TASK", email = c.channel == "EMAIL"
        let outbound = ["OUTBOUND", "EXTERNAL_OUTBOUND", "CALLBACK"].contains(c.method) || (c.method == "API" && voice)
        let campaign = voice && (c.method == "OUTBOUND" || c.method == "API") && rng.chance(0.6)
        let answered = c.method != "DISCONNECT" && rng.chance(0.9)

        // Timeline, in milliseconds after initiation, each step after the one before.
        let t0 = c.initiation
        let connectedToSystem = t0.adding(milliseconds: Int64(rng.int(0...1500)))
        let enqueue = connectedToSystem.adding(milliseconds: Int64(rng.int(2000...90_000)))
        let ringStart = enqueue.adding(milliseconds: Int64(rng.int(1000...120_000)))
        let connectedToAgent = ringStart.adding(milliseconds: Int64(rng.int(500...15_000)))
        let talk = Int64(rng.int(30_000...(email || task ? 3_600_000 : 1_800_000)))
        let disconnect = (answered ? connectedToAgent : ringStart).adding(milliseconds: talk)
        let acw = rng.int(5...300)
        let acwEnd = disconnect.adding(seconds: Int64(acw))
        let lastUpdate = acwEnd.adding(milliseconds: Int64(rng.int(0...5000)))

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
        if task, let related = recent.last, rng.chance(0.5) { f["RelatedContactId"] = .string(related) }
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
        return (obj("Contact", from: f), disconnect)
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

    func condition(rng: inout SeededGenerator) -> JSONPiece {
        let (name, values) = rng.pick([("Technology", ["AWS Kinesis", "Amazon Connect", "Lambda"]), ("Language", ["English", "Spanish", "French"]),
                                       ("Location", ["Seattle", "Dublin", "Sydney"]), ("Product", ["Mortgage", "Credit card", "Savings"])])
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
