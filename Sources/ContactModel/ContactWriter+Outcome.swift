import JSON
import Timekeeping

/// How the contact ended and what came after it: segment attributes, the disconnect reason,
/// evaluations, user attributes, the next contact of the chain, and what resilience and
/// Contact Lens recorded.
extension ContactWriter {
    func outcome(_ f: inout ObjectWriter, _ c: ChainContext, _ traits: Traits, rng: inout SeededGenerator) {
        let t = c.timeline
        f.member("SegmentAttributes") { segmentAttributes(channel: c.channel, rng: &rng) }
        if traits.voice, c.answered, rng.chance(0.7) { f.member("Recordings") { recordings(start: t.connectedToAgent, end: t.disconnect, rng: &rng) } }
        f.string("DisconnectReason", rng.pick(ContactWriter.disconnectReasons))
        if c.answered, rng.chance(0.2) { f.member("ContactEvaluations") { evaluations(after: t.afterContactWorkEnd, rng: &rng) } }
    }

    func followUp(_ f: inout ObjectWriter, _ c: ChainContext, _ traits: Traits, rng: inout SeededGenerator) {
        let t = c.timeline
        if traits.campaign, rng.chance(0.5) { f.member("OutboundStrategy") { outboundStrategy(rng: &rng) } }
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
        if traits.voice || traits.chat, rng.chance(0.3) { f.member("ContactLens") { contactLens(voice: traits.voice, rng: &rng) } }
        if traits.voice, !c.answered, rng.chance(0.3) {
            f.object("VoicemailInfo", "VoicemailInfo") { $0.int("NumberOfVoicemails", rng.int(1...3)) }
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
}
