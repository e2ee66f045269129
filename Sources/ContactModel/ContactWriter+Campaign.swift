import JSON
import Timekeeping

/// The customer's device, and what an outbound campaign's call adds: the campaign, answering
/// machine detection, the customer's greeting and the dialer's strategy.
extension ContactWriter {
    func customerAndCampaign(_ f: inout ObjectWriter, _ c: ChainContext, _ traits: Traits, rng: inout SeededGenerator) {
        let t = c.timeline
        if traits.voice || traits.chat, rng.chance(0.3) {
            f.object("Customer", "Customer") { cu in
                cu.member("DeviceInfo") { deviceInfo(rng: &rng) }
                cu.member("Capabilities") { capabilities() }
            }
        }
        if traits.campaign {
            f.object("Campaign", "Campaign") { $0.string("CampaignId", rng.uuid()) }
            f.string("AnsweringMachineDetectionStatus", rng.pick(ContactWriter.answeringMachineStatuses))
            f.object("CustomerVoiceActivity", "CustomerVoiceActivity") { v in
                v.timestamp("GreetingStartTimestamp", t.connectedToSystem.adding(milliseconds: 800))
                v.timestamp("GreetingEndTimestamp", t.connectedToSystem.adding(milliseconds: 2800))
            }
        }
    }

    static let answeringMachineStatuses = [
        "ANSWERED", "UNDETECTED", "ERROR", "HUMAN_ANSWERED", "SIT_TONE_DETECTED", "SIT_TONE_BUSY", "SIT_TONE_INVALID_NUMBER",
        "FAX_MACHINE_DETECTED", "VOICEMAIL_BEEP", "VOICEMAIL_NO_BEEP", "AMD_UNRESOLVED", "AMD_UNANSWERED", "AMD_ERROR", "AMD_NOT_APPLICABLE",
    ]

    func outboundStrategy(rng: inout SeededGenerator) {
        object("OutboundStrategy") { o in
            o.string("Type", "AGENT_FIRST")
            o.object("Config", "OutboundStrategyConfig") { c in
                c.object("AgentFirst", "AgentFirst") { a in
                    a.object("Preview", "Preview") { p in
                        p.object("PostAcceptTimeoutConfig", "PostAcceptTimeoutConfig") { $0.int("DurationInSeconds", rng.int(10...120)) }
                        p.strings("AllowedUserActions", rng.chance(0.5) ? ["CALL", "DISCARD"] : ["CALL"])
                    }
                }
            }
        }
    }
}
