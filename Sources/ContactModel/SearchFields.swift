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
    ///
    /// Only the members that hold a field are parsed; the rest (most of a document: endpoints,
    /// metrics, recordings, evaluations, routing expressions) are skipped byte by byte, and
    /// the routing steps' expiries are found by their key. Parsing whole documents made a
    /// million-contact seed several times slower.
    public init?(document: [UInt8]) {
        var wanted: [JSONMember] = []
        var expiries: [Int64] = []
        let ok = document.withUnsafeBufferPointer { b -> Bool in
            var i = 0
            func ws() { while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 } }
            func skipString() -> Bool {
                i += 1
                while i < b.count {
                    if b[i] == 0x5C { i += 2; continue }
                    if b[i] == 0x22 { i += 1; return true }
                    i += 1
                }
                return false
            }
            func skipValue() -> Bool {
                ws()
                guard i < b.count else { return false }
                if b[i] == 0x22 { return skipString() }
                if b[i] == 0x7B || b[i] == 0x5B {
                    var depth = 0
                    while i < b.count {
                        switch b[i] {
                        case 0x22: if !skipString() { return false }; continue
                        case 0x7B, 0x5B: depth += 1
                        case 0x7D, 0x5D:
                            depth -= 1
                            if depth == 0 { i += 1; return true }
                        default: break
                        }
                        i += 1
                    }
                    return false
                }
                while i < b.count, b[i] != 0x2C, b[i] != 0x7D, b[i] != 0x5D, b[i] != 0x20, b[i] != 0x0A { i += 1 }
                return true
            }
            ws()
            guard i < b.count, b[i] == 0x7B else { return false }
            i += 1
            while true {
                ws()
                guard i < b.count else { return false }
                if b[i] == 0x7D { return true }
                if b[i] == 0x2C { i += 1; continue }
                guard b[i] == 0x22 else { return false }
                let keyStart = i
                guard skipString() else { return false }
                let key = Array(b[(keyStart + 1)..<(i - 1)])
                ws()
                guard i < b.count, b[i] == 0x3A else { return false }
                i += 1
                ws()
                let valueStart = i
                guard skipValue() else { return false }
                let value = b[valueStart..<i]
                if key.elementsEqual("RoutingCriteria".utf8) {
                    expiries += SearchFields.expiryTimestamps(in: value)
                } else if let name = SearchFields.wantedKeys.first(where: { key.elementsEqual($0.utf8) }) {
                    guard let parsed = try? JSONParser.parse(Array(value)) else { return false }
                    wanted.append(JSONMember(key: name, value: parsed))
                }
            }
        }
        guard ok else { return nil }
        self.init(contact: .object(wanted))
        routingExpiry = expiries.max()
    }

    static let wantedKeys = ["Id", "InitialContactId", "Channel", "InitiationMethod", "ScheduledTimestamp", "DisconnectTimestamp",
                             "QueueInfo", "AgentInfo", "Attributes", "SegmentAttributes", "Tags"]

    /// The numbers after every `"ExpiryTimestamp":` in a routing criteria's bytes: the key
    /// cannot occur inside a string value, whose quotes are escaped.
    static func expiryTimestamps(in bytes: Slice<UnsafeBufferPointer<UInt8>>) -> [Int64] {
        let needle = Array("\"ExpiryTimestamp\":".utf8)
        var out: [Int64] = []
        var i = bytes.startIndex
        while i + needle.count <= bytes.endIndex {
            if bytes[i] == 0x22, bytes[i..<(i + needle.count)].elementsEqual(needle) {
                var j = i + needle.count
                let start = j
                while j < bytes.endIndex, (bytes[j] >= 0x30 && bytes[j] <= 0x39) || bytes[j] == 0x2E || bytes[j] == 0x2D || bytes[j] == 0x65 || bytes[j] == 0x45 || bytes[j] == 0x2B { j += 1 }
                if let v = millis(.number(String(decoding: bytes[start..<j], as: UTF8.self))) { out.append(v) }
                i = j
            } else {
                i += 1
            }
        }
        return out
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
