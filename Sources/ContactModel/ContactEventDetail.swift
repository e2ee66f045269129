import JSON
import Timekeeping

/// The `detail` of a contact event, made from the contact's view at the event's moment, in the
/// members, casing and formats of AWS's contact events data model
/// (https://docs.aws.amazon.com/connect/latest/adminguide/contact-events.html, "Contact events
/// data model" and its samples): camelCase names (`contactId`, `queueInfo.queueArn`,
/// `agentInfo.hierarchyGroups.level1.arn`, `routingCriteria.steps[].expiry.expiryTimestamp`),
/// ARNs where DescribeContact has ids, and timestamps as `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'` strings.
///
/// Only members the page documents are carried: not `Name`, `Description`, `Attributes`
/// (user-defined attributes are not in contact events) or `LastUpdateTimestamp`.
enum ContactEventDetail {
    static func make(view: JSONValue, type: ContactEventType, updatedProperties: [UpdatedProperty], arn: ConnectARN) -> JSONValue {
        var out: [JSONMember] = []
        func put(_ key: String, _ value: JSONValue?) {
            if let value { out.append(JSONMember(key: key, value: value)) }
        }
        /// A member of the contact, converted by its shape in the model.
        func member(_ key: String, _ name: String) {
            guard let value = view[name], let shape = contactMemberShapes[name] else { return }
            put(key, convert(value, shape: shape))
        }
        let method = view["InitiationMethod"]?.stringValue
        put("eventType", .string(type.rawValue))
        put("contactId", .string(view["Id"]?.stringValue ?? arn.id))
        member("initialContactId", "InitialContactId")
        member("previousContactId", "PreviousContactId")
        member("relatedContactId", "RelatedContactId")
        member("channel", "Channel")
        put("instanceArn", .string(arn.instanceArn))
        member("initiationMethod", "InitiationMethod")
        member("initiationTimestamp", "InitiationTimestamp")
        member("connectedToSystemTimestamp", "ConnectedToSystemTimestamp")
        member("scheduledTimestamp", "ScheduledTimestamp")
        member("disconnectTimestamp", "DisconnectTimestamp")
        member("disconnectReason", "DisconnectReason")
        member("answeringMachineDetectionStatus", "AnsweringMachineDetectionStatus")
        // "queueInfo is not included in events received by EventBridge when initiationMethod
        // is OUTBOUND" (the page's disconnected sample).
        if method != "OUTBOUND", let queue = view["QueueInfo"] { put("queueInfo", queueInfo(queue, arn)) }
        if let agent = view["AgentInfo"] { put("agentInfo", agentInfo(agent, arn)) }
        if type == .contactDataUpdated { put("updatedProperties", .array(updatedProperties.map { .string($0.rawValue) })) }
        member("customerId", "CustomerId")
        member("systemEndpoint", "SystemEndpoint")
        member("campaign", "Campaign")
        member("customerVoiceActivity", "CustomerVoiceActivity")
        member("routingCriteria", "RoutingCriteria")
        put("tags", tags(view, arn))
        member("segmentAttributes", "SegmentAttributes")
        member("contactLens", "ContactLens")
        member("chatMetrics", "ChatMetrics")
        member("recordings", "Recordings")
        member("contactEvaluations", "ContactEvaluations")
        member("outboundStrategy", "OutboundStrategy")
        return .object(out)
    }

    /// `queueArn`, `enqueueTimestamp`, `queueType`, as in the page's samples. The type is
    /// `AGENT` for an agent's own queue (its id is `agent/<user id>`), otherwise `STANDARD`.
    static func queueInfo(_ queue: JSONValue, _ arn: ConnectARN) -> JSONValue {
        var out: [JSONMember] = []
        let id = queue["Id"]?.stringValue
        if let id { out.append(JSONMember(key: "queueArn", value: .string(arn.instanceArn + "/queue/" + id))) }
        if let t = queue["EnqueueTimestamp"] { out.append(JSONMember(key: "enqueueTimestamp", value: convert(t, shape: "timestamp"))) }
        if let id { out.append(JSONMember(key: "queueType", value: .string(id.hasPrefix("agent/") ? "AGENT" : "STANDARD"))) }
        return .object(out)
    }

    /// The page's AgentInfo members: `agentArn` for the user id, the connection, accept and
    /// preview times, `hierarchyGroups`, after contact work and the agent's holds.
    static func agentInfo(_ agent: JSONValue, _ arn: ConnectARN) -> JSONValue {
        var out: [JSONMember] = []
        if let id = agent["Id"]?.stringValue { out.append(JSONMember(key: "agentArn", value: .string(arn.instanceArn + "/agent/" + id))) }
        for name in ["ConnectedToAgentTimestamp", "AcceptedByAgentTimestamp", "PreviewEndTimestamp", "HierarchyGroups",
                     "AfterContactWorkStartTimestamp", "AfterContactWorkEndTimestamp", "AfterContactWorkDuration", "AgentInitiatedHoldDuration"] {
            guard let value = agent[name], let shape = agentInfoShapes[name] else { continue }
            out.append(JSONMember(key: lowerFirst(name), value: convert(value, shape: shape)))
        }
        return .object(out)
    }

    /// AWS's own tags first, as every sample on the page shows them (`aws:connect:instanceId`,
    /// and `aws:connect:systemEndpoint` for a phone number), then the contact's.
    static func tags(_ view: JSONValue, _ arn: ConnectARN) -> JSONValue {
        var out = [JSONMember(key: "aws:connect:instanceId", value: .string(arn.instanceId))]
        if let endpoint = view["SystemEndpoint"], endpoint["Type"]?.stringValue == "TELEPHONE_NUMBER",
           let address = endpoint["Address"]?.stringValue {
            out.append(JSONMember(key: "aws:connect:systemEndpoint", value: .string(address)))
        }
        if case .object(let own)? = view["Tags"] { out += own.filter { m in !out.contains { $0.key == m.key } } }
        return .object(out)
    }

    /// A value of the model's `shape`, in the events' form: structure members in camelCase,
    /// map keys as they are, timestamps as ISO 8601 text with milliseconds. Members the model
    /// does not know (kept by `validation.unknownMembers: keep`) keep their values as stored.
    static func convert(_ value: JSONValue, shape: String) -> JSONValue {
        switch ShapeTable.shape(shape) {
        case .structure(let members, _, _):
            guard case .object(let given) = value else { return value }
            return .object(given.map { m in
                let target = members.first { $0.0 == m.key }?.1
                return JSONMember(key: lowerFirst(m.key), value: target.map { convert(m.value, shape: $0) } ?? m.value)
            })
        case .list(let member, _, _):
            guard case .array(let items) = value else { return value }
            return .array(items.map { convert($0, shape: member) })
        case .map(_, let valueShape, _, _):
            guard case .object(let given) = value else { return value }
            return .object(given.map { JSONMember(key: $0.key, value: convert($0.value, shape: valueShape)) })
        case .timestamp:
            guard case .number(let text) = value, let instant = TimestampValue.parse(epochSeconds: text) else { return value }
            return .string(ISO8601.format(instant, alwaysMilliseconds: true))
        default:
            return value
        }
    }

    static func lowerFirst(_ name: String) -> String {
        guard let first = name.first else { return name }
        return first.lowercased() + name.dropFirst()
    }

    static let contactMemberShapes = structureMembers("Contact")
    static let agentInfoShapes = structureMembers("AgentInfo")

    private static func structureMembers(_ shape: String) -> [String: String] {
        guard case .structure(let members, _, _) = ShapeTable.shape(shape) else { preconditionFailure("\(shape) is a structure in the model") }
        return Dictionary(members, uniquingKeysWith: { a, _ in a })
    }
}
