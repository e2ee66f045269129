import JSON
import Timekeeping

/// The queue and the agent: who handled an answered contact, for how long and on what device.
extension ContactWriter {
    func queueAndAgent(_ f: inout ObjectWriter, _ c: ChainContext, _ traits: Traits, rng: inout SeededGenerator) {
        let t = c.timeline
        f.object("QueueInfo", "QueueInfo") { q in
            q.string("Id", rng.uuid())
            q.timestamp("EnqueueTimestamp", t.enqueue)
        }
        if c.answered { f.member("AgentInfo") { agentInfo(voice: traits.voice, outbound: traits.outbound, t, rng: &rng) } }
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

    func deviceInfo(rng: inout SeededGenerator) {
        object("DeviceInfo") { d in
            d.string("PlatformName", rng.pick(["Chrome", "Firefox", "Safari"]))
            d.string("PlatformVersion", String(rng.int(100...130)) + ".0")
            d.string("OperatingSystem", rng.pick(["Windows 11", "macOS 14", "Android 14", "iOS 17"]))
        }
    }

    func capabilities() {
        object("ParticipantCapabilities") { p in
            p.string("Video", "SEND")
            p.string("ScreenShare", "SEND")
        }
    }
}
