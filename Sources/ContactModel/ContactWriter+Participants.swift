import JSON
import Timekeeping

/// The queue and the agent: who handled an answered contact, for how long and on what device.
extension ContactWriter {
    func queueAndAgent(_ f: inout ObjectWriter<ContactShapes.Contact>, _ c: ChainContext, _ traits: Traits, rng: inout SeededGenerator) {
        let t = c.timeline
        f.object(.queueInfo) { q in
            q.string(.id, directory.queueId(rng.int(0...directory.queueCount - 1)))
            q.timestamp(.enqueueTimestamp, t.enqueue)
        }
        if c.answered { f.member(.agentInfo) { agentInfo(voice: traits.voice, outbound: traits.outbound, t, rng: &rng) } }
    }

    func agentInfo(voice: Bool, outbound: Bool, _ t: Timeline, rng: inout SeededGenerator) {
        // A user of the directory, and that user's hierarchy groups (level 1 down to its own).
        let user = rng.int(0...directory.userCount - 1)
        object(ContactShapes.AgentInfo.self) { a in
            a.string(.id, directory.userId(user))
            a.timestamp(.acceptedByAgentTimestamp, t.connectedToAgent)
            if outbound, rng.chance(0.3) { a.timestamp(.previewEndTimestamp, t.ringStart) }
            a.timestamp(.connectedToAgentTimestamp, t.connectedToAgent)
            if rng.chance(0.2) { a.int(.agentPauseDurationInSeconds, rng.int(0...120)) }
            let depth = directory.hierarchyDepth(ofUser: user)
            if depth > 0 {
                a.object(.hierarchyGroups) { h in
                    for l in 1...depth {
                        h.object(ContactWriter.level(l)) { $0.string(.arn, "\(arnPrefix)/agent-group/\(directory.hierarchyGroupId(level: l, user: user))") }
                    }
                }
            }
            if rng.chance(0.4) { a.member(.deviceInfo) { deviceInfo(rng: &rng) } }
            if rng.chance(0.2) { a.member(.capabilities) { capabilities() } }
            a.int(.afterContactWorkDuration, t.afterContactWorkSeconds)
            a.timestamp(.afterContactWorkStartTimestamp, t.disconnect)
            a.timestamp(.afterContactWorkEndTimestamp, t.afterContactWorkEnd)
            if voice, rng.chance(0.4) { a.int(.agentInitiatedHoldDuration, rng.int(0...240)) }
            if rng.chance(0.4) {
                a.array(.stateTransitions) {
                    let states: [(String, Instant, Instant?)] = [
                        ("INITIAL", t.ringStart, t.connectedToAgent), ("CONNECTED", t.connectedToAgent, t.disconnect),
                        (rng.chance(0.9) ? "DISCONNECTED" : "MISSED", t.disconnect, nil),
                    ]
                    for (state, start, end) in states {
                        object(ContactShapes.StateTransition.self) { s in
                            s.string(.state, state)
                            s.timestamp(.stateStartTimestamp, start)
                            if let end { s.timestamp(.stateEndTimestamp, end) }
                        }
                    }
                }
            }
            if voice, rng.chance(0.4) { a.string(.voiceEnhancementMode, rng.pick(["VOICE_ISOLATION", "NOISE_SUPPRESSION", "NONE"])) }
            if rng.chance(0.2) { a.string(.activeRegion, instance.region) }
        }
    }

    func deviceInfo(rng: inout SeededGenerator) {
        object(ContactShapes.DeviceInfo.self) { d in
            d.string(.platformName, rng.pick(["Chrome", "Firefox", "Safari"]))
            d.string(.platformVersion, String(rng.int(100...130)) + ".0")
            d.string(.operatingSystem, rng.pick(["Windows 11", "macOS 14", "Android 14", "iOS 17"]))
        }
    }

    func capabilities() {
        object(ContactShapes.ParticipantCapabilities.self) { p in
            p.string(.video, "SEND")
            p.string(.screenShare, "SEND")
        }
    }

    /// Level `l` (1 to 5) of an agent's hierarchy groups.
    static func level(_ l: Int) -> MemberKey<ContactShapes.HierarchyGroups, ContactShapes.AgentHierarchyGroup> {
        switch l {
        case 1: .level1
        case 2: .level2
        case 3: .level3
        case 4: .level4
        case 5: .level5
        default: preconditionFailure("an agent hierarchy has levels 1 to 5, not \(l)")
        }
    }
}
