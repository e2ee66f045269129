import JSON
import Timekeeping

/// What only some channels have: a call's audio quality, recordings and Contact Lens analysis,
/// a chat's message metrics, an email's other recipients.
extension ContactWriter {
    func channelMetrics(_ f: inout ObjectWriter<ContactShapes.Contact>, _ c: ChainContext, _ traits: Traits, rng: inout SeededGenerator) {
        let t = c.timeline
        if traits.voice, c.answered {
            f.object(.qualityMetrics) { q in
                q.object(.agent) { a in a.member(.audio) { audioQuality(rng: &rng) } }
                q.object(.customer) { a in a.member(.audio) { audioQuality(rng: &rng) } }
            }
        }
        if traits.chat { f.member(.chatMetrics) { chatMetrics(start: t.connectedToAgent, end: t.disconnect, rng: &rng) } }
        if traits.voice || traits.chat, rng.chance(0.1) {
            f.object(.disconnectDetails) { d in
                d.string(.potentialDisconnectIssue, rng.pick(["AGENT_CONNECTIVITY_ISSUE", "AGENT_NETWORK_DISCONNECT"]))
            }
        }
        if traits.email {
            f.object(.additionalEmailRecipients) { r in
                r.array(.toList) { emailRecipient("support@example.com", "Example Support") }
                if rng.chance(0.5) { r.array(.ccList) { emailRecipient("manager\(rng.int(1...99))@example.com", "Account Manager") } }
            }
        }
    }

    func audioQuality(rng: inout SeededGenerator) {
        let score = Double(rng.int(10...50)) / 10
        let issues = score < 3.5 ? Array(["HighPacketLoss", "HighRoundTripTime", "HighJitterBuffer"].prefix(rng.int(1...3))) : []
        object(ContactShapes.AudioQualityMetricsInfo.self) { a in
            a.number(.qualityScore, String(score))
            a.strings(.potentialQualityIssues, issues)
        }
    }

    func chatMetrics(start: Instant, end: Instant, rng: inout SeededGenerator) {
        func participant(_ type: String, _ rng: inout SeededGenerator) {
            let sent = rng.int(1...30)
            object(ContactShapes.ParticipantMetrics.self) { p in
                p.string(.participantId, rng.uuid())
                p.string(.participantType, type)
                p.bool(.conversationAbandon, rng.chance(0.05))
                p.int(.messagesSent, sent)
                p.int(.numResponses, max(0, sent - 1))
                p.int(.messageLengthInChars, sent * rng.int(20...120))
                p.int(.totalResponseTimeInMillis, sent * rng.int(2000...20000))
                p.int(.maxResponseTimeInMillis, rng.int(20000...90000))
                p.timestamp(.lastMessageTimestamp, end)
            }
        }
        object(ContactShapes.ChatMetrics.self) { m in
            m.object(.chatContactMetrics) { c in
                let total = rng.int(4...60)
                let bot = rng.int(0...(total / 2))
                let firstResponse = Int64(rng.int(2000...60000))
                c.bool(.multiParty, rng.chance(0.1))
                c.int(.totalMessages, total)
                c.int(.totalBotMessages, bot)
                c.int(.totalBotMessageLengthInChars, bot * rng.int(40...200))
                c.int(.conversationCloseTimeInMillis, end.millisecondsSinceEpoch - start.millisecondsSinceEpoch)
                c.int(.conversationTurnCount, total / 2)
                c.timestamp(.agentFirstResponseTimestamp, start.adding(milliseconds: firstResponse))
                c.int(.agentFirstResponseTimeInMillis, firstResponse)
            }
            m.member(.agentMetrics) { participant("AGENT", &rng) }
            m.member(.customerMetrics) { participant("CUSTOMER", &rng) }
        }
    }

    func recordings(start: Instant, end: Instant, rng: inout SeededGenerator) {
        json.beginArray()
        let deleted = rng.chance(0.1)
        object(ContactShapes.RecordingInfo.self) { r in
            r.string(.storageType, "S3")
            r.string(.location, "connect-recordings-\(instance.accountId)/connect/demo/CallRecordings/\(rng.uuid()).wav")
            r.string(.mediaStreamType, "AUDIO")
            r.string(.participantType, "AGENT")
            r.timestamp(.startTimestamp, start)
            r.timestamp(.stopTimestamp, end)
            r.string(.status, deleted ? "DELETED" : "AVAILABLE")
            if deleted { r.string(.deletionReason, "Deleted by retention policy") }
            if rng.chance(0.3) { r.string(.unprocessedTranscriptLocation, "connect-recordings-\(instance.accountId)/transcripts/\(rng.uuid()).json") }
        }
        if rng.chance(0.3) {
            object(ContactShapes.RecordingInfo.self) { r in
                r.string(.storageType, "KINESIS_VIDEO_STREAM")
                r.string(.location, "arn:aws:kinesisvideo:\(instance.region):\(instance.accountId):stream/connect-live-\(rng.int(1...99))/\(rng.int(1_000_000...9_999_999))")
                r.string(.mediaStreamType, "AUDIO")
                r.string(.participantType, "CUSTOMER")
                r.string(.fragmentStartNumber, String(rng.int(10_000_000...99_999_999)))
                r.string(.fragmentStopNumber, String(rng.int(100_000_000...999_999_999)))
                r.timestamp(.startTimestamp, start)
                r.timestamp(.stopTimestamp, end)
                r.string(.status, "AVAILABLE")
            }
        }
        json.endArray()
    }

    /// The Contact Lens settings a flow's "Set recording and analytics behavior" block chose,
    /// and the state of the analysis.
    func contactLens(voice: Bool, rng: inout SeededGenerator) {
        object(ContactShapes.ContactLens.self) { l in
            l.object(.conversationalAnalytics) { a in
                a.object(.configuration) { c in
                    let locale = rng.pick(["en-US", "es-US", "fr-CA"])
                    c.bool(.enabled, true)
                    c.string(.languageLocale, locale)
                    c.strings(.languageLocales, [locale])
                    c.object(.channelConfiguration) { m in
                        m.strings(.analyticsModes, voice && rng.chance(0.5) ? ["RealTime", "PostContact"] : ["PostContact"])
                    }
                    if rng.chance(0.5) {
                        c.object(.redactionConfiguration) { r in
                            r.string(.behavior, "Enable")
                            r.string(.policy, rng.pick(["RedactedOnly", "RedactedAndOriginal"]))
                            r.strings(.entities, ["NAME", "PHONE", "EMAIL"])
                            r.string(.maskMode, rng.pick(["PII", "EntityType"]))
                        }
                    }
                    if rng.chance(0.5) {
                        c.object(.summaryConfiguration) { $0.strings(.summaryModes, ["PostContact"]) }
                    }
                    c.object(.sentimentConfiguration) { $0.string(.behavior, "Enable") }
                }
                a.object(.contactAnalysisReferenceState) { r in
                    let failed = rng.chance(0.05)
                    r.string(.status, failed ? "FAILED" : "COMPLETED")
                    if failed { r.string(.statusReason, "The recording was too short to analyze.") }
                }
            }
        }
    }
}
