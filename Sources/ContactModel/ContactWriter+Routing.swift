import JSON
import Timekeeping

/// How the contact was queued and routed: queue adjustments, tags, and routing criteria whose
/// steps expire in order, each with an expression of agent attributes.
extension ContactWriter {
    func queueing(_ f: inout ObjectWriter<ContactShapes.Contact>, _ c: ChainContext, _ traits: Traits, rng: inout SeededGenerator) {
        let t = c.timeline
        if rng.chance(0.2) { f.int(.queueTimeAdjustmentSeconds, rng.int(-300...600)) }
        if rng.chance(0.3) { f.int(.queuePriority, rng.int(1...10)) }
        if rng.chance(0.2) {
            f.member(.tags) {
                map { m in
                    m.string("Department", rng.pick(["Billing", "Sales", "Support"]))
                    if rng.chance(0.5) { m.string("cost-center", String(rng.int(1000...9999))) }
                }
            }
        }
        f.timestamp(.connectedToSystemTimestamp, t.connectedToSystem)
        if traits.voice || traits.chat || traits.email, rng.chance(0.6) {
            f.member(.routingCriteria) { routingCriteria(from: t.enqueue, to: c.answered ? t.connectedToAgent : t.disconnect, rng: &rng) }
        }
    }

    /// 1 to 4 steps in order: earlier steps EXPIRED (expiring inside the contact's lifetime),
    /// the current one ACTIVE or JOINED, later ones INACTIVE; all but the last have a duration.
    func routingCriteria(from activation: Instant, to end: Instant, rng: inout SeededGenerator) {
        let count = rng.int(1...4)
        let current = rng.int(0...(count - 1))
        let span = max(Int64(count), (end.millisecondsSinceEpoch - activation.millisecondsSinceEpoch))
        var expiresAt = activation
        object(ContactShapes.RoutingCriteria.self) { r in
            r.array(.steps) {
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
                    object(ContactShapes.Step.self) { s in
                        if k < count - 1 || k < current {
                            s.object(.expiry) { e in
                                if k < count - 1 { e.int(.durationInSeconds, duration) }
                                if k < current { e.timestamp(.expiryTimestamp, expiresAt) }
                            }
                        }
                        s.member(.expression) { expression(depth: rng.int(1...3), rng: &rng) }
                        s.string(.status, status)
                    }
                }
            }
            r.timestamp(.activationTimestamp, activation)
            r.int(.index, rng.int(0...3))
        }
    }

    /// An expression exactly `depth` levels deep: a condition is level 1, each And/Or adds one.
    func expression(depth: Int, rng: inout SeededGenerator) {
        object(ContactShapes.Expression.self) { e in
            if depth <= 1 {
                e.member(rng.int(0...3) == 0 ? .notAttributeCondition : .attributeCondition) { condition(rng: &rng) }
                return
            }
            e.array(rng.chance(0.5) ? .andExpression : .orExpression) {
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
        object(ContactShapes.AttributeCondition.self) { a in
            switch rng.int(0...3) {
            case 0:
                let lo = rng.int(1...4)
                a.string(.name, name)
                a.string(.value, rng.pick(values))
                a.object(.range) { r in
                    r.number(.minProficiencyLevel, "\(lo).0")
                    r.number(.maxProficiencyLevel, "\(rng.int(lo...5)).0")
                }
                a.string(.comparisonOperator, "Range")
            case 1:
                a.object(.matchCriteria) { m in
                    m.object(.agentsCriteria) { c in
                        c.array(.agentIds) { for _ in 0..<rng.int(1...3) { json.string(directory.userId(rng.int(0...directory.userCount - 1))) } }
                    }
                }
                a.string(.comparisonOperator, "Match")
            default:
                a.string(.name, name)
                a.string(.value, rng.pick(values))
                a.number(.proficiencyLevel, "\(rng.int(1...5)).0")
                a.string(.comparisonOperator, "NumberGreaterOrEqualTo")
            }
        }
    }
}
