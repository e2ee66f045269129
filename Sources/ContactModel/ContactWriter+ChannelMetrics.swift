import JSON
import Timekeeping

/// What only some channels have: a call's audio quality, recordings and Contact Lens analysis,
/// a chat's message metrics, an email's other recipients.
extension ContactWriter {
    func channelMetrics(_ f: inout ObjectWriter, _ c: ChainContext, _ traits: Traits, rng: inout SeededGenerator) {
        let t = c.timeline
        if traits.voice, c.answered {
            f.object("QualityMetrics", "QualityMetrics") { q in
                q.object("Agent", "AgentQualityMetrics") { a in a.member("Audio") { audioQuality(rng: &rng) } }
                q.object("Customer", "CustomerQualityMetrics") { a in a.member("Audio") { audioQuality(rng: &rng) } }
            }
        }
        if traits.chat { f.member("ChatMetrics") { chatMetrics(start: t.connectedToAgent, end: t.disconnect, rng: &rng) } }
        if traits.voice || traits.chat, rng.chance(0.1) {
            f.object("DisconnectDetails", "DisconnectDetails") { d in
                d.string("PotentialDisconnectIssue", rng.pick(["AGENT_CONNECTIVITY_ISSUE", "AGENT_NETWORK_DISCONNECT"]))
            }
        }
        if traits.email {
            f.object("AdditionalEmailRecipients", "AdditionalEmailRecipients") { r in
                r.array("ToList") { emailRecipient("support@example.com", "Example Support") }
                if rng.chance(0.5) { r.array("CcList") { emailRecipient("manager\(rng.int(1...99))@example.com", "Account Manager") } }
            }
        }
    }

    func audioQuality(rng: inout SeededGenerator) {
        let score = Double(rng.int(10...50)) / 10
        let issues = score < 3.5 ? Array(["HighPacketLoss", "HighRoundTripTime", "HighJitterBuffer"].prefix(rng.int(1...3))) : []
        object("AudioQualityMetricsInfo") { a in
            a.number("QualityScore", String(score))
            a.strings("PotentialQualityIssues", issues)
        }
    }

    func chatMetrics(start: Instant, end: Instant, rng: inout SeededGenerator) {
        func participant(_ type: String, _ rng: inout SeededGenerator) {
            let sent = rng.int(1...30)
            object("ParticipantMetrics") { p in
                p.string("ParticipantId", rng.uuid())
                p.string("ParticipantType", type)
                p.bool("ConversationAbandon", rng.chance(0.05))
                p.int("MessagesSent", sent)
                p.int("NumResponses", max(0, sent - 1))
                p.int("MessageLengthInChars", sent * rng.int(20...120))
                p.int("TotalResponseTimeInMillis", sent * rng.int(2000...20000))
                p.int("MaxResponseTimeInMillis", rng.int(20000...90000))
                p.timestamp("LastMessageTimestamp", end)
            }
        }
        object("ChatMetrics") { m in
            m.object("ChatContactMetrics", "ChatContactMetrics") { c in
                let total = rng.int(4...60)
                let bot = rng.int(0...(total / 2))
                let firstResponse = Int64(rng.int(2000...60000))
                c.bool("MultiParty", rng.chance(0.1))
                c.int("TotalMessages", total)
                c.int("TotalBotMessages", bot)
                c.int("TotalBotMessageLengthInChars", bot * rng.int(40...200))
                c.int("ConversationCloseTimeInMillis", end.millisecondsSinceEpoch - start.millisecondsSinceEpoch)
                c.int("ConversationTurnCount", total / 2)
                c.timestamp("AgentFirstResponseTimestamp", start.adding(milliseconds: firstResponse))
                c.int("AgentFirstResponseTimeInMillis", firstResponse)
            }
            m.member("AgentMetrics") { participant("AGENT", &rng) }
            m.member("CustomerMetrics") { participant("CUSTOMER", &rng) }
        }
    }

    func recordings(start: Instant, end: Instant, rng: inout SeededGenerator) {
        json.beginArray()
        let deleted = rng.chance(0.1)
        object("RecordingInfo") { r in
            r.string("StorageType", "S3")
            r.string("Location", "connect-recordings-\(instance.accountId)/connect/demo/CallRecordings/\(rng.uuid()).wav")
            r.string("MediaStreamType", "AUDIO")
            r.string("ParticipantType", "AGENT")
            r.timestamp("StartTimestamp", start)
            r.timestamp("StopTimestamp", end)
            r.string("Status", deleted ? "DELETED" : "AVAILABLE")
            if deleted { r.string("DeletionReason", "Deleted by retention policy") }
            if rng.chance(0.3) { r.string("UnprocessedTranscriptLocation", "connect-recordings-\(instance.accountId)/transcripts/\(rng.uuid()).json") }
        }
        if rng.chance(0.3) {
            object("RecordingInfo") { r in
                r.string("StorageType", "KINESIS_VIDEO_STREAM")
                r.string("Location", "arn:aws:kinesisvideo:\(instance.region):\(instance.accountId):stream/connect-live-\(rng.int(1...99))/\(rng.int(1_000_000...9_999_999))")
                r.string("MediaStreamType", "AUDIO")
                r.string("ParticipantType", "CUSTOMER")
                r.string("FragmentStartNumber", String(rng.int(10_000_000...99_999_999)))
                r.string("FragmentStopNumber", String(rng.int(100_000_000...999_999_999)))
                r.timestamp("StartTimestamp", start)
                r.timestamp("StopTimestamp", end)
                r.string("Status", "AVAILABLE")
            }
        }
        json.endArray()
    }

    /// The Contact Lens settings a flow's "Set recording and analytics behavior" block chose,
    /// and the state of the analysis.
    func contactLens(voice: Bool, rng: inout SeededGenerator) {
        object("ContactLens") { l in
            l.object("ConversationalAnalytics", "ConversationalAnalytics") { a in
                a.object("Configuration", "ConversationalAnalyticsConfiguration") { c in
                    let locale = rng.pick(["en-US", "es-US", "fr-CA"])
                    c.bool("Enabled", true)
                    c.string("LanguageLocale", locale)
                    c.strings("LanguageLocales", [locale])
                    c.object("ChannelConfiguration", "ContactLensChannelConfiguration") { m in
                        m.strings("AnalyticsModes", voice && rng.chance(0.5) ? ["RealTime", "PostContact"] : ["PostContact"])
                    }
                    if rng.chance(0.5) {
                        c.object("RedactionConfiguration", "ContactLensRedactionConfiguration") { r in
                            r.string("Behavior", "Enable")
                            r.string("Policy", rng.pick(["RedactedOnly", "RedactedAndOriginal"]))
                            r.strings("Entities", ["NAME", "PHONE", "EMAIL"])
                            r.string("MaskMode", rng.pick(["PII", "EntityType"]))
                        }
                    }
                    if rng.chance(0.5) {
                        c.object("SummaryConfiguration", "ContactLensSummaryConfiguration") { $0.strings("SummaryModes", ["PostContact"]) }
                    }
                    c.object("SentimentConfiguration", "ContactLensSentimentConfiguration") { $0.string("Behavior", "Enable") }
                }
                a.object("ContactAnalysisReferenceState", "ContactAnalysisReferenceState") { r in
                    let failed = rng.chance(0.05)
                    r.string("Status", failed ? "FAILED" : "COMPLETED")
                    if failed { r.string("StatusReason", "The recording was too short to analyze.") }
                }
            }
        }
    }
}
