import Timekeeping

/// A transfer chain before any contact's document: what `ContactSynthesizer.block` needs to
/// make records, drawn from the chain's own generator so a seed run never makes a document, and
/// a read remakes it (cheaply) to give the contact its place in the chain.
extension ContactSynthesizer {
    static let methodsByChannel: [(String, [String])] = [
        ("VOICE", ["INBOUND", "OUTBOUND", "CALLBACK", "API", "MONITOR", "EXTERNAL_OUTBOUND", "WEBRTC_API", "DISCONNECT", "FLOW"]),
        ("CHAT", ["API", "MONITOR", "DISCONNECT", "FLOW"]),
        ("TASK", ["API", "DISCONNECT", "FLOW"]),
        ("EMAIL", ["INBOUND", "OUTBOUND", "AGENT_REPLY", "API", "FLOW"]),
    ]

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
