import JSON
import Timekeeping

/// Writes one contact's members straight into the stream in the model's order (the
/// order validation normalizes to; `ObjectWriter` checks it). Values come from the
/// contact's generator only, drawn in the order they are written.
///
/// `contact` is a list of groups, each writing a run of consecutive members of `Contact` and
/// living in the file named for it. The order of the groups and of the draws inside each is
/// the on-disk format (stores keep recipes, not documents): moving a draw changes every stored
/// contact, which SynthesisGoldenTests catches.
struct ContactWriter {
    let instance: InstanceInfo
    let arnPrefix: String
    /// Where the contact being made is written.
    let json: JSONStream
    /// The pools AgentInfo, QueueInfo and AgentsCriteria draw their ids from.
    let directory: SyntheticDirectory

    init(instance: InstanceInfo, arnPrefix: String, json: JSONStream, directory: SyntheticDirectory) {
        self.instance = instance
        self.arnPrefix = arnPrefix
        self.json = json
        self.directory = directory
    }

    /// What the contact's chain decided: its channel, method, answer and timeline, and its neighbours.
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

    /// What several groups decide on, worked out once per contact.
    struct Traits {
        let voice: Bool, chat: Bool, task: Bool, email: Bool
        /// Whether the agent placed the call (a preview can precede it).
        let outbound: Bool
        /// An outbound campaign's call: the one draw made before any member is written.
        let campaign: Bool
        /// Monitoring, queue transfers and callbacks reach no number or address of the instance.
        let noSystemEndpoint: Bool

        init(_ c: ChainContext, rng: inout SeededGenerator) {
            voice = c.channel == "VOICE"
            chat = c.channel == "CHAT"
            task = c.channel == "TASK"
            email = c.channel == "EMAIL"
            outbound = ["OUTBOUND", "EXTERNAL_OUTBOUND", "CALLBACK"].contains(c.method) || (c.method == "API" && voice)
            campaign = voice && (c.method == "OUTBOUND" || c.method == "API") && rng.chance(0.6)
            noSystemEndpoint = ["MONITOR", "QUEUE_TRANSFER", "CALLBACK"].contains(c.method)
        }
    }

    func contact(_ c: ChainContext, rng: inout SeededGenerator) {
        let traits = Traits(c, rng: &rng)
        object(ContactShapes.Contact.self) { f in
            identity(&f, c, traits, rng: &rng)              // Arn … Channel
            queueAndAgent(&f, c, traits, rng: &rng)         // QueueInfo, AgentInfo
            lifecycle(&f, c, traits, rng: &rng)             // InitiationTimestamp … RelatedContactId
            assistance(&f, rng: &rng)                       // WisdomInfo, CustomerId
            endpoints(&f, c, traits, rng: &rng)             // CustomerEndpoint, SystemEndpoint
            queueing(&f, c, traits, rng: &rng)              // QueueTimeAdjustmentSeconds … RoutingCriteria
            customerAndCampaign(&f, c, traits, rng: &rng)   // Customer … CustomerVoiceActivity
            channelMetrics(&f, c, traits, rng: &rng)        // QualityMetrics … AdditionalEmailRecipients
            outcome(&f, c, traits, rng: &rng)               // SegmentAttributes … ContactEvaluations
            taskDetails(&f, traits, rng: &rng)              // TaskTemplateInfo, Cases, ContactDetails
            followUp(&f, c, traits, rng: &rng)              // OutboundStrategy … VoicemailInfo
        }
    }

    /// Who the contact is and where it sits in its chain; a task always has a name.
    func identity(_ f: inout ObjectWriter<ContactShapes.Contact>, _ c: ChainContext, _ traits: Traits, rng: inout SeededGenerator) {
        f.string(.arn, "\(arnPrefix)/contact/\(c.id)")
        f.string(.id, c.id)
        if let i = c.initialId { f.string(.initialContactId, i) }
        if let p = c.previousId { f.string(.previousContactId, p) }
        if traits.email, let i = c.initialId { f.string(.contactAssociationId, i) }
        f.string(.initiationMethod, c.method)
        if traits.task || rng.chance(0.2) {
            f.string(.name, rng.pick(["Follow up on refund", "Callback request", "Billing question", "Address change", "Order 4411 delayed"]))
            f.string(.description, rng.pick(["Customer asked for a call back about their last invoice.", "Escalated from chat.", "Created by the returns flow."]))
        }
        f.string(.channel, c.channel)
    }

    /// The timeline's instants; an answered task may have been paused (inside its talk time).
    func lifecycle(_ f: inout ObjectWriter<ContactShapes.Contact>, _ c: ChainContext, _ traits: Traits, rng: inout SeededGenerator) {
        let t = c.timeline
        f.timestamp(.initiationTimestamp, t.initiation)
        f.timestamp(.disconnectTimestamp, t.disconnect)
        f.timestamp(.lastUpdateTimestamp, t.lastUpdate)
        let pauses = traits.task && c.answered && rng.chance(0.3) ? rng.int(1...3) : 0
        if pauses > 0 {
            let paused = t.connectedToAgent.adding(milliseconds: t.talk / 3)
            f.timestamp(.lastPausedTimestamp, paused)
            f.timestamp(.lastResumedTimestamp, paused.adding(milliseconds: t.talk / 6))
        }
        if traits.voice || traits.chat { f.timestamp(.ringStartTimestamp, t.ringStart) }
        if pauses > 0 {
            f.int(.totalPauseCount, pauses)
            f.int(.totalPauseDurationInSeconds, t.talk / 6000)
        }
        if traits.task, rng.chance(0.4) { f.timestamp(.scheduledTimestamp, t.connectedToSystem) }
        if let related = c.relatedId { f.string(.relatedContactId, related) }
    }

    /// Amazon Q in Connect's session, and the customer's id in Customer Profiles.
    func assistance(_ f: inout ObjectWriter<ContactShapes.Contact>, rng: inout SeededGenerator) {
        if rng.chance(0.3) {
            f.object(.wisdomInfo) { w in
                w.string(.sessionArn, "arn:aws:wisdom:\(instance.region):\(instance.accountId):session/\(rng.uuid())/\(rng.uuid())")
                w.array(.aiAgents) {
                    object(ContactShapes.AiAgentInfo.self) { a in
                        a.string(.aiUseCase, rng.pick(["AgentAssistance", "SelfService"]))
                        a.string(.aiAgentVersionId, String(rng.int(1...9)))
                        a.bool(.aiAgentEscalated, rng.chance(0.2))
                    }
                }
            }
        }
        if rng.chance(0.5) { f.string(.customerId, "cust-" + String(rng.int(100_000...999_999))) }
    }
}
