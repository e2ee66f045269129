import JSON
import Timekeeping

/// What SearchContacts filters and sorts on, read from a stored contact's document once, when
/// the contact is written, so that a search reads indexed columns instead of documents.
///
/// Timestamps are milliseconds since the epoch; the maps are compact JSON objects (string to
/// string) that SQLite's `json_each` reads: user attributes, segment attributes by their
/// `ValueString`, and tags. `hierarchy` holds the agent's five hierarchy group ids as a JSON
/// array (null where a level is absent).
public struct SearchFields: Sendable, Equatable {
    public var channel: String = ""
    public var method: String = ""
    /// The contact's chain: its InitialContactId, or its own id when it has none.
    public var chainId: String = ""
    public var scheduled: Int64?
    public var connectedToAgent: Int64?
    public var disconnect: Int64?
    public var enqueue: Int64?
    /// The latest `Expiry.ExpiryTimestamp` among the routing criteria's steps (EXPIRY_TIMESTAMP).
    public var routingExpiry: Int64?
    public var queueId: String?
    public var agentId: String?
    public var hierarchy: String?
    public var attributes: String?
    public var segments: String?
    public var tags: String?

    public init() {}

    /// The fields of a stored document (a normalized `Contact`); nil when it is not an object.
    public init?(document: [UInt8]) {
        guard let parsed = try? JSONParser.parse(document) else { return nil }
        self.init(contact: parsed)
    }

    public init?(contact: JSONValue) {
        guard case .object = contact else { return nil }
        channel = contact["Channel"]?.stringValue ?? ""
        method = contact["InitiationMethod"]?.stringValue ?? ""
        chainId = contact["InitialContactId"]?.stringValue ?? contact["Id"]?.stringValue ?? ""
        scheduled = SearchFields.millis(contact["ScheduledTimestamp"])
        disconnect = SearchFields.millis(contact["DisconnectTimestamp"])
        if let q = contact["QueueInfo"] {
            queueId = q["Id"]?.stringValue
            enqueue = SearchFields.millis(q["EnqueueTimestamp"])
        }
        if let a = contact["AgentInfo"] {
            agentId = a["Id"]?.stringValue
            connectedToAgent = SearchFields.millis(a["ConnectedToAgentTimestamp"])
            if let h = a["HierarchyGroups"] {
                let ids: [JSONValue] = (1...5).map { level in
                    guard let arn = h["Level\(level)"]?["Arn"]?.stringValue else { return .null }
                    return .string(SearchFields.lastPathElement(arn))
                }
                if ids.contains(where: { $0 != .null }) { hierarchy = JSONWriter.string(.array(ids)) }
            }
        }
        if case .array(let steps)? = contact["RoutingCriteria"]?["Steps"] {
            routingExpiry = steps.compactMap { SearchFields.millis($0["Expiry"]?["ExpiryTimestamp"]) }.max()
        }
        attributes = SearchFields.stringMap(contact["Attributes"]) { $0.stringValue }
        segments = SearchFields.stringMap(contact["SegmentAttributes"]) { $0["ValueString"]?.stringValue }
        tags = SearchFields.stringMap(contact["Tags"]) { $0.stringValue }
    }

    static func millis(_ v: JSONValue?) -> Int64? {
        guard case .number(let text)? = v else { return nil }
        return TimestampValue.parse(epochSeconds: text)?.millisecondsSinceEpoch
    }

    /// A hierarchy group's id: what follows the last `/` of its ARN.
    static func lastPathElement(_ arn: String) -> String {
        guard let slash = arn.lastIndex(of: "/") else { return arn }
        return String(arn[arn.index(after: slash)...])
    }

    static func stringMap(_ v: JSONValue?, _ value: (JSONValue) -> String?) -> String? {
        guard case .object(let members)? = v else { return nil }
        let kept = members.compactMap { m in value(m.value).map { JSONMember(key: m.key, value: .string($0)) } }
        return kept.isEmpty ? nil : JSONWriter.string(.object(kept))
    }
}

extension ContactSynthesizer {
    /// The search fields of the contact `recipe` describes, read from its document.
    public func searchFields(for recipe: SyntheticRecipe, stream: JSONStream = JSONStream()) -> SearchFields {
        SearchFields(document: document(for: recipe, stream: stream)) ?? SearchFields()
    }
}
