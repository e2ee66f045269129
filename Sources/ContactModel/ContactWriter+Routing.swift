import JSON
import Timekeeping

/// How the contact was queued and routed: queue adjustments, tags, and routing criteria whose
/// steps expire in order, each with an expression of agent attributes.
extension ContactWriter {
    func queueing(_ f: inout ObjectWriter, _ c: ChainContext, _ traits: Traits, rng: inout SeededGenerator) {
        let t = c.timeline
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
        if traits.voice || traits.chat || traits.email, rng.chance(0.6) {
            f.member("RoutingCriteria") { routingCriteria(from: t.enqueue, to: c.answered ? t.connectedToAgent : t.disconnect, rng: &rng) }
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
