import JSON
import Timekeeping

/// What happens to an outbound call placed with StartOutboundVoiceContact (SPEC §9): the first
/// rule whose `destination` matches decides, and the contact's timeline follows from it. Tests
/// name outcomes by destination, the way a test phone network would.
public struct OutboundRule: Sendable, Equatable {
    public enum Outcome: String, Sendable, CaseIterable {
        case answered
        case noAnswer = "no-answer"
        case busy
        case machine
        case notAllowed = "not-allowed"
    }

    /// An E.164 number, or a prefix ending in `*` (`+1206*`); `*` alone matches every number.
    public var destination: String
    public var outcome: Outcome
    /// Seconds from the call's start to the answer (or to giving up, for no-answer and busy).
    /// Nil: 5 for answered and machine, the request's RingTimeoutInSeconds (AWS's default 60)
    /// for no-answer, 2 for busy.
    public var ringSeconds: Int?
    /// Seconds from the answer to the disconnect (answered and machine).
    public var talkSeconds: Int
    /// Seconds from the answer to an agent's connection; nil: no agent joins. Only with a queue.
    public var agentAfterSeconds: Int?
    /// The agent that joins (an extension of SPEC's rule: AgentInfo needs an id to resolve).
    public var agentId: String?

    public init(destination: String, outcome: Outcome, ringSeconds: Int? = nil, talkSeconds: Int = 60,
                agentAfterSeconds: Int? = nil, agentId: String? = nil) {
        self.destination = destination
        self.outcome = outcome
        self.ringSeconds = ringSeconds
        self.talkSeconds = talkSeconds
        self.agentAfterSeconds = agentAfterSeconds
        self.agentId = agentId
    }

    /// The rule used when none matches: answered after 5 s, 60 s of talk.
    public static let fallback = OutboundRule(destination: "*", outcome: .answered)

    public func matches(_ number: String) -> Bool {
        if destination.hasSuffix("*") { return number.hasPrefix(destination.dropLast()) }
        return number == destination
    }

    public static func first(matching number: String, in rules: [OutboundRule]) -> OutboundRule {
        rules.first { $0.matches(number) } ?? fallback
    }
}

/// The contact a StartOutboundVoiceContact call creates: a VOICE contact initiated at the data
/// clock's now with InitiationMethod API (AWS's contact record model gives API for contacts
/// this call creates), the request's members where the Contact shape has them, and moments
/// laid out by the outcome rule. The whole future is stored; the view as of the clock shows
/// each member when its moment comes. DisconnectReason takes values of AWS's contact record
/// model: CUSTOMER_DISCONNECT for an answered call, CONTACT_FLOW_DISCONNECT for a machine,
/// TELECOM_PROBLEM for a call never answered (no answer, busy).
public enum OutboundCall {
    /// The contact before normalization (ContactValidator orders members and checks them).
    public static func contact(request input: JSONValue, rule: OutboundRule, contactId: String, instance: InstanceInfo,
                               now: Instant) -> JSONValue {
        // To the millisecond, as the stored initiation is: cut to the second, InitiationTimestamp
        // could differ from it by up to a second.
        func at(_ seconds: Int) -> JSONValue { .number(TimestampValue.json(now.adding(seconds: Int64(seconds)))) }
        var m: [JSONMember] = []
        func put(_ key: String, _ value: JSONValue?) { if let value { m.append(JSONMember(key: key, value: value)) } }
        put("Arn", .string(instance.contactArn(contactId)))
        put("Id", .string(contactId))
        put("InitialContactId", .string(contactId))
        put("InitiationMethod", .string("API"))
        put("Channel", .string("VOICE"))
        put("Name", input["Name"])
        put("Description", input["Description"])
        put("RelatedContactId", input["RelatedContactId"])
        put("Attributes", input["Attributes"])
        put("InitiationTimestamp", at(0))
        if let campaign = input["CampaignId"] { put("Campaign", .fields(["CampaignId": campaign])) }
        put("CustomerEndpoint", input["DestinationPhoneNumber"].map { .fields(["Type": .string("TELEPHONE_NUMBER"), "Address": $0]) })
        put("SystemEndpoint", input["SourcePhoneNumber"].map { .fields(["Type": .string("TELEPHONE_NUMBER"), "Address": $0]) })
        let amd = input["AnswerMachineDetectionConfig"]?["EnableAnswerMachineDetection"] == .bool(true)

        let end: Int
        switch rule.outcome {
        case .answered, .machine:
            let answer = rule.ringSeconds ?? 5
            end = answer + rule.talkSeconds
            put("ConnectedToSystemTimestamp", at(answer))
            if let queue = input["QueueId"] {
                put("QueueInfo", .fields(["Id": queue, "EnqueueTimestamp": at(answer)]))
                if rule.outcome == .answered, let after = rule.agentAfterSeconds, answer + after < end {
                    var agent: [JSONMember] = []
                    if let id = rule.agentId { agent.append(JSONMember(key: "Id", value: .string(id))) }
                    agent.append(JSONMember(key: "ConnectedToAgentTimestamp", value: at(answer + after)))
                    put("AgentInfo", .object(agent))
                }
            }
            if rule.outcome == .machine || amd {
                put("AnsweringMachineDetectionStatus", .string(rule.outcome == .machine ? "VOICEMAIL_BEEP" : "HUMAN_ANSWERED"))
            }
            put("DisconnectReason", .string(rule.outcome == .machine ? "CONTACT_FLOW_DISCONNECT" : "CUSTOMER_DISCONNECT"))
        case .noAnswer:
            let timeout = input["RingTimeoutInSeconds"].flatMap { if case .number(let n) = $0 { Int(n) } else { nil } } ?? 60
            end = rule.ringSeconds ?? timeout
            if amd { put("AnsweringMachineDetectionStatus", .string("AMD_UNANSWERED")) }
            put("DisconnectReason", .string("TELECOM_PROBLEM"))
        case .busy:
            end = rule.ringSeconds ?? 2
            if amd { put("AnsweringMachineDetectionStatus", .string("SIT_TONE_BUSY")) }
            put("DisconnectReason", .string("TELECOM_PROBLEM"))
        case .notAllowed:
            end = 0
        }
        put("DisconnectTimestamp", at(end))
        put("LastUpdateTimestamp", at(end))
        return .object(m)
    }
}
