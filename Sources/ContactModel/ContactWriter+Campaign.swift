import JSON
import Timekeeping

/// The customer's device, and what an outbound campaign's call adds: the campaign, answering
/// machine detection, the customer's greeting and the dialer's strategy.
extension ContactWriter {
    func customerAndCampaign(_ f: inout ObjectWriter<ContactShapes.Contact>, _ c: ChainContext, _ traits: Traits, rng: inout SeededGenerator) {
        let t = c.timeline
        if traits.voice || traits.chat, rng.chance(0.3) {
            f.object(.customer) { cu in
                cu.member(.deviceInfo) { deviceInfo(rng: &rng) }
                cu.member(.capabilities) { capabilities() }
            }
        }
        if traits.campaign {
            f.object(.campaign) { $0.string(.campaignId, rng.uuid()) }
            f.string(.answeringMachineDetectionStatus, rng.pick(ContactWriter.answeringMachineStatuses))
            f.object(.customerVoiceActivity) { v in
                v.timestamp(.greetingStartTimestamp, t.connectedToSystem.adding(milliseconds: 800))
                v.timestamp(.greetingEndTimestamp, t.connectedToSystem.adding(milliseconds: 2800))
            }
        }
    }

    static let answeringMachineStatuses = [
        "ANSWERED", "UNDETECTED", "ERROR", "HUMAN_ANSWERED", "SIT_TONE_DETECTED", "SIT_TONE_BUSY", "SIT_TONE_INVALID_NUMBER",
        "FAX_MACHINE_DETECTED", "VOICEMAIL_BEEP", "VOICEMAIL_NO_BEEP", "AMD_UNRESOLVED", "AMD_UNANSWERED", "AMD_ERROR", "AMD_NOT_APPLICABLE",
    ]

    func outboundStrategy(rng: inout SeededGenerator) {
        object(ContactShapes.OutboundStrategy.self) { o in
            o.string(.type, "AGENT_FIRST")
            o.object(.config) { c in
                c.object(.agentFirst) { a in
                    a.object(.preview) { p in
                        p.object(.postAcceptTimeoutConfig) { $0.int(.durationInSeconds, rng.int(10...120)) }
                        p.strings(.allowedUserActions, rng.chance(0.5) ? ["CALL", "DISCARD"] : ["CALL"])
                    }
                }
            }
        }
    }
}
