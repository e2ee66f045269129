import ContactModel
import JSON
import Timekeeping

/// A voice call placed by API, written with relative times so the tests read as a story:
/// initiated at `t0`, connected to the system at +2 s, queued with routing criteria at +10 s,
/// its first routing step expiring at +40 s, ringing at +50 s, the agent connected at +55 s,
/// disconnected at +300 s, after contact work until +360 s, last updated at +365 s.
enum TimelineFixture {
    static let t0 = ISO8601.parse("2026-05-01T10:00:00Z")!
    static let contactId = "c0ffee00-0000-4000-8000-000000000001"
    static let instanceArn = "arn:aws:connect:us-east-1:123456789012:instance/\(demoInstance.id)"
    static let contactArn = instanceArn + "/contact/" + contactId

    static func at(_ seconds: Int64) -> Instant { t0.adding(seconds: seconds) }

    /// Epoch seconds of `t0 + seconds`, as a stored document writes it.
    static func s(_ seconds: Int64) -> String { TimestampValue.json(at(seconds)) }

    static func condition(_ name: String, _ value: String, _ level: String) -> String {
        #"{"AttributeCondition":{"Name":"\#(name)","Value":"\#(value)","ProficiencyLevel":\#(level),"ComparisonOperator":"NumberGreaterOrEqualTo"}}"#
    }

    /// The document as the validator normalizes it (members in the model's order), from a
    /// fixture written out of order on purpose.
    static func document(method: String = "API", channel: String = "VOICE", lastUpdate: Int64 = 365) -> JSONValue {
        let text = """
        {
          "Arn": "\(contactArn)", "Id": "\(contactId)",
          "InitiationMethod": "\(method)", "Channel": "\(channel)", "Name": "Callback about a bill",
          "InitiationTimestamp": \(s(0)),
          "ConnectedToSystemTimestamp": \(s(2)),
          "QueueInfo": {"Id": "5b8e3f0a-1111-4222-8333-944455566677", "EnqueueTimestamp": \(s(10))},
          "RoutingCriteria": {
            "Steps": [
              {"Expiry": {"DurationInSeconds": 30, "ExpiryTimestamp": \(s(40))}, "Expression": \(condition("Technology", "Lambda", "3.0")), "Status": "EXPIRED"},
              {"Expiry": {"DurationInSeconds": 60}, "Expression": \(condition("Language", "Spanish", "4.0")), "Status": "JOINED"},
              {"Expression": \(condition("Language", "Spanish", "1.0")), "Status": "INACTIVE"}
            ],
            "ActivationTimestamp": \(s(10)), "Index": 0
          },
          "RingStartTimestamp": \(s(50)),
          "AgentInfo": {
            "Id": "0d1e2f30-aaaa-4bbb-8ccc-ddddeeeeffff",
            "AcceptedByAgentTimestamp": \(s(55)), "ConnectedToAgentTimestamp": \(s(55)),
            "HierarchyGroups": {"Level1": {"Arn": "\(instanceArn)/agent-group/6a7b8c9d-0000-4000-8000-000000000001"}},
            "AfterContactWorkDuration": 60, "AfterContactWorkStartTimestamp": \(s(300)), "AfterContactWorkEndTimestamp": \(s(360)),
            "AgentInitiatedHoldDuration": 20
          },
          "DisconnectTimestamp": \(s(300)), "DisconnectReason": "CUSTOMER_DISCONNECT",
          "QualityMetrics": {"Agent": {"Audio": {"QualityScore": 4.5}}},
          "LastUpdateTimestamp": \(s(lastUpdate)),
          "SystemEndpoint": {"Type": "TELEPHONE_NUMBER", "Address": "+15550100"},
          "CustomerEndpoint": {"Type": "TELEPHONE_NUMBER", "Address": "+15550199"},
          "Tags": {"Department": "Billing"},
          "Attributes": {"language": "en-US"}
        }
        """
        let parsed = try! JSONParser.parse(text)
        return try! ContactValidator(now: fixedNow).normalize(parsed, line: 1)
    }

    static func bytes(method: String = "API", lastUpdate: Int64 = 365) -> [UInt8] {
        JSONWriter.bytes(document(method: method, lastUpdate: lastUpdate))
    }
}
