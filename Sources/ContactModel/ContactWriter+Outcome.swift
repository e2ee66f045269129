import JSON
import Timekeeping

/// How the contact ended and what came after it: segment attributes, the disconnect reason,
/// evaluations, user attributes, the next contact of the chain, and what resilience and
/// Contact Lens recorded.
extension ContactWriter {
    func outcome(_ f: inout ObjectWriter<ContactShapes.Contact>, _ c: ChainContext, _ traits: Traits, rng: inout SeededGenerator) {
        let t = c.timeline
        f.member(.segmentAttributes) { segmentAttributes(channel: c.channel, rng: &rng) }
        if traits.voice, c.answered, rng.chance(0.7) { f.member(.recordings) { recordings(start: t.connectedToAgent, end: t.disconnect, rng: &rng) } }
        f.string(.disconnectReason, rng.pick(ContactWriter.disconnectReasons))
        if c.answered, rng.chance(0.2) { f.member(.contactEvaluations) { evaluations(after: t.afterContactWorkEnd, rng: &rng) } }
    }

    func followUp(_ f: inout ObjectWriter<ContactShapes.Contact>, _ c: ChainContext, _ traits: Traits, rng: inout SeededGenerator) {
        let t = c.timeline
        if traits.campaign, rng.chance(0.5) { f.member(.outboundStrategy) { outboundStrategy(rng: &rng) } }
        if rng.chance(0.5) {
            f.member(.attributes) {
                map { m in
                    let tier = rng.chance(0.5) ? rng.pick(["gold", "silver", "basic"]) : nil
                    if let tier { m.string("accountTier", tier) }
                    m.string("language", rng.pick(["en-US", "es-US", "fr-CA"]))
                }
            }
        }
        if let next = c.nextId {
            f.array(.nextContacts) {
                object(ContactShapes.NextContactEntry.self) { e in
                    e.string(.type, "QUICK_CONNECT")
                    e.object(.nextContactMetadata) { m in
                        m.object(.quickConnectContactData) { q in
                            q.string(.contactId, next)
                            q.timestamp(.initiationTimestamp, t.disconnect)
                            q.string(.quickConnectId, rng.uuid())
                            q.string(.quickConnectName, rng.pick(["Billing queue", "Tier 2", "Supervisor"]))
                            q.string(.quickConnectType, rng.pick(["USER", "QUEUE", "PHONE_NUMBER", "FLOW"]))
                        }
                    }
                }
            }
        }
        if rng.chance(0.1) {
            f.object(.globalResiliencyMetadata) { g in
                g.string(.activeRegion, instance.region)
                g.string(.originRegion, rng.pick(["us-east-1", "us-west-2"]))
                g.string(.trafficDistributionGroupId, rng.uuid())
            }
        }
        if traits.voice || traits.chat, rng.chance(0.3) { f.member(.contactLens) { contactLens(voice: traits.voice, rng: &rng) } }
        if traits.voice, !c.answered, rng.chance(0.3) {
            f.object(.voicemailInfo) { $0.int(.numberOfVoicemails, rng.int(1...3)) }
        }
    }

    static let disconnectReasons = [
        "CUSTOMER_DISCONNECT", "AGENT_DISCONNECT", "THIRD_PARTY_DISCONNECT", "TELECOM_PROBLEM", "CONTACT_FLOW_DISCONNECT", "EXPIRED", "API", "OTHER",
    ]

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
        func value(_ body: (inout ObjectWriter<ContactShapes.SegmentAttributeValue>) -> Void) { object(ContactShapes.SegmentAttributeValue.self, body) }
        map { s in
            if rng.chance(0.2) {
                s.key("connect:ContactFlow")
                value { $0.string(.valueArn, "\(arnPrefix)/contact-flow/\(rng.uuid())") }
            }
            if rng.chance(0.3) {
                s.key("connect:CustomerAuthentication")
                value { v in
                    v.member(.valueMap) {
                        map { m in
                            m.key("Attempts")
                            value { $0.int(.valueInteger, rng.int(1...3)) }
                            m.key("Status")
                            value { $0.string(.valueString, "AUTHENTICATED") }
                        }
                    }
                }
            }
            s.key("connect:Subtype")
            value { $0.string(.valueString, subtype) }
            if rng.chance(0.2) {
                s.key("custom:Intents")
                value { v in
                    v.array(.valueList) {
                        value { $0.string(.valueString, "CheckBalance") }
                        value { $0.string(.valueString, "TransferFunds") }
                    }
                }
            }
        }
    }

    func evaluations(after: Instant, rng: inout SeededGenerator) {
        let id = rng.uuid()
        let status = rng.pick(["COMPLETE", "IN_PROGRESS", "DELETED"])
        map { m in
            m.key(id)
            object(ContactShapes.ContactEvaluation.self) { e in
                e.string(.formId, rng.uuid())
                e.string(.evaluationArn, "\(arnPrefix)/contact-evaluation/\(id)")
                e.string(.status, status)
                e.timestamp(.startTimestamp, after.adding(seconds: 3600))
                if status != "IN_PROGRESS" { e.timestamp(.endTimestamp, after.adding(seconds: 5400)) }
                if status == "DELETED" { e.timestamp(.deleteTimestamp, after.adding(seconds: 7200)) }
                e.string(.exportLocation, "s3://connect-evaluations-\(instance.accountId)/\(id).json")
            }
        }
    }
}
