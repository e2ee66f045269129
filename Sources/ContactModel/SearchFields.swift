#if canImport(Glibc)
import Glibc
#endif
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
    /// Only the members that hold a field are read; the rest (most of a document: endpoints,
    /// metrics, recordings, evaluations, routing expressions) are skipped byte by byte, and
    /// the routing steps' expiries are found by their key. Parsing whole documents made a
    /// synthetic seed several times slower; this reads the same fields (a test holds it to it).
    public init?(document: [UInt8]) {
        var out = SearchFields()
        var failed = false
        let ok = document.withUnsafeBufferPointer { b -> Bool in
            var scanner = Scanner(b: b)
            var id: String?
            let top = scanner.members(from: 0)
            guard let top else { return false }
            for (key, value) in top {
                switch Scanner.Key(b, key) {
                case .id: id = scanner.string(value)
                case .initialContactId: out.chainId = scanner.string(value) ?? ""
                case .channel: out.channel = scanner.string(value) ?? ""
                case .initiationMethod: out.method = scanner.string(value) ?? ""
                case .scheduledTimestamp: out.scheduled = scanner.millis(value)
                case .disconnectTimestamp: out.disconnect = scanner.millis(value)
                case .queueInfo:
                    guard let inner = scanner.members(from: value.lowerBound) else { failed = true; continue }
                    for (k, v) in inner {
                        switch Scanner.Key(b, k) {
                        case .id: out.queueId = scanner.string(v)
                        case .enqueueTimestamp: out.enqueue = scanner.millis(v)
                        default: break
                        }
                    }
                case .agentInfo:
                    guard let inner = scanner.members(from: value.lowerBound) else { failed = true; continue }
                    for (k, v) in inner {
                        switch Scanner.Key(b, k) {
                        case .id: out.agentId = scanner.string(v)
                        case .connectedToAgentTimestamp: out.connectedToAgent = scanner.millis(v)
                        case .hierarchyGroups:
                            guard let parsed = scanner.parse(v) else { failed = true; continue }
                            out.hierarchy = SearchFields.hierarchy(parsed)
                        default: break
                        }
                    }
                case .attributes: out.attributes = SearchFields.stringMap(scanner.parse(value)) { $0.stringValue }
                case .segmentAttributes: out.segments = SearchFields.stringMap(scanner.parse(value)) { $0["ValueString"]?.stringValue }
                case .tags: out.tags = SearchFields.stringMap(scanner.parse(value)) { $0.stringValue }
                case .routingCriteria: out.routingExpiry = SearchFields.expiryTimestamps(in: b[value]).max()
                default: break
                }
            }
            if out.chainId.isEmpty { out.chainId = id ?? "" }
            return true
        }
        guard ok, !failed else { return nil }
        self = out
    }

    /// Top-level and nested members of a compact JSON object, as byte ranges, without copying.
    struct Scanner {
        let b: UnsafeBufferPointer<UInt8>
        var i = 0

        enum Key {
            case id, initialContactId, channel, initiationMethod, scheduledTimestamp, disconnectTimestamp, queueInfo, agentInfo
            case attributes, segmentAttributes, tags, routingCriteria, enqueueTimestamp, connectedToAgentTimestamp, hierarchyGroups, other

            static let names: [(Key, [UInt8])] = [
                (.id, Array("Id".utf8)), (.initialContactId, Array("InitialContactId".utf8)), (.channel, Array("Channel".utf8)),
                (.initiationMethod, Array("InitiationMethod".utf8)), (.scheduledTimestamp, Array("ScheduledTimestamp".utf8)),
                (.disconnectTimestamp, Array("DisconnectTimestamp".utf8)), (.queueInfo, Array("QueueInfo".utf8)),
                (.agentInfo, Array("AgentInfo".utf8)), (.attributes, Array("Attributes".utf8)),
                (.segmentAttributes, Array("SegmentAttributes".utf8)), (.tags, Array("Tags".utf8)),
                (.routingCriteria, Array("RoutingCriteria".utf8)), (.enqueueTimestamp, Array("EnqueueTimestamp".utf8)),
                (.connectedToAgentTimestamp, Array("ConnectedToAgentTimestamp".utf8)), (.hierarchyGroups, Array("HierarchyGroups".utf8)),
            ]

            /// The key whose bytes (inside the quotes) are `b[r]`; keys of the model need no escapes.
            init(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) {
                for (key, name) in Key.names where name.count == r.count && name[0] == b[r.lowerBound] {
                    if memcmp(b.baseAddress! + r.lowerBound, name, name.count) == 0 {
                        self = key
                        return
                    }
                }
                self = .other
            }
        }

        init(b: UnsafeBufferPointer<UInt8>) { self.b = b }

        mutating func ws() { while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 } }

        mutating func skipString() -> Bool {
            i += 1
            while i < b.count {
                if b[i] == 0x5C { i += 2; continue }
                if b[i] == 0x22 { i += 1; return true }
                i += 1
            }
            return false
        }

        mutating func skipValue() -> Bool {
            ws()
            guard i < b.count else { return false }
            if b[i] == 0x22 { return skipString() }
            if b[i] == 0x7B || b[i] == 0x5B {
                var depth = 0
                while i < b.count {
                    switch b[i] {
                    case 0x22:
                        if !skipString() { return false }
                        continue
                    case 0x7B, 0x5B: depth += 1
                    case 0x7D, 0x5D:
                        depth -= 1
                        if depth == 0 {
                            i += 1
                            return true
                        }
                    default: break
                    }
                    i += 1
                }
                return false
            }
            while i < b.count, b[i] != 0x2C, b[i] != 0x7D, b[i] != 0x5D, b[i] != 0x20, b[i] != 0x0A { i += 1 }
            return true
        }

        /// The object at `start`: each member's key (inside its quotes) and value ranges; nil
        /// when it is not an object.
        mutating func members(from start: Int) -> [(Range<Int>, Range<Int>)]? {
            i = start
            ws()
            guard i < b.count, b[i] == 0x7B else { return nil }
            i += 1
            var out: [(Range<Int>, Range<Int>)] = []
            while true {
                ws()
                guard i < b.count else { return nil }
                if b[i] == 0x7D { return out }
                if b[i] == 0x2C {
                    i += 1
                    continue
                }
                guard b[i] == 0x22 else { return nil }
                let keyStart = i + 1
                guard skipString() else { return nil }
                let key = keyStart..<(i - 1)
                ws()
                guard i < b.count, b[i] == 0x3A else { return nil }
                i += 1
                ws()
                let valueStart = i
                guard skipValue() else { return nil }
                out.append((key, valueStart..<i))
            }
        }

        /// A string value; decoded in place when it has no escapes.
        func string(_ r: Range<Int>) -> String? {
            guard r.count >= 2, b[r.lowerBound] == 0x22 else { return nil }
            let inner = b[(r.lowerBound + 1)..<(r.upperBound - 1)]
            if !inner.contains(0x5C) { return String(decoding: inner, as: UTF8.self) }
            return parse(r)?.stringValue
        }

        func millis(_ r: Range<Int>) -> Int64? {
            SearchFields.millis(.number(String(decoding: b[r], as: UTF8.self)))
        }

        func parse(_ r: Range<Int>) -> JSONValue? {
            try? JSONParser.parse(Array(b[r]))
        }
    }

    static func hierarchy(_ h: JSONValue) -> String? {
        let ids: [JSONValue] = (1...5).map { level in
            guard let arn = h["Level\(level)"]?["Arn"]?.stringValue else { return .null }
            return .string(SearchFields.lastPathElement(arn))
        }
        return ids.contains(where: { $0 != .null }) ? JSONWriter.string(.array(ids)) : nil
    }

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
            if let h = a["HierarchyGroups"] { hierarchy = SearchFields.hierarchy(h) }
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

/// A ContactSearchSummary made from a stored document's bytes: the members of the summary's
/// shape that the contact has, in the shape's order, copied as stored (QueueInfo and AgentInfo
/// cut to their two summary members, each segment attribute to ValueString and ValueMap).
/// Nothing is parsed into values: a page of 100 parsed and rewritten took a few milliseconds.
public enum SearchSummary {
    static let order: [[UInt8]] = ["Arn", "Id", "InitialContactId", "PreviousContactId", "InitiationMethod", "Channel", "QueueInfo",
                                   "AgentInfo", "InitiationTimestamp", "DisconnectTimestamp", "ScheduledTimestamp", "SegmentAttributes",
                                   "Name", "RoutingCriteria", "Tags", "GlobalResiliencyMetadata"].map { Array($0.utf8) }
    static let queueMembers: [[UInt8]] = [Array("Id".utf8), Array("EnqueueTimestamp".utf8)]
    static let agentMembers: [[UInt8]] = [Array("Id".utf8), Array("ConnectedToAgentTimestamp".utf8)]
    static let segmentMembers: [[UInt8]] = [Array("ValueString".utf8), Array("ValueMap".utf8)]

    /// Appends the summary of `document` to `out`; false (and nothing appended) when the
    /// document is not a JSON object.
    public static func append(_ document: [UInt8], to out: inout [UInt8]) -> Bool {
        document.withUnsafeBufferPointer { b -> Bool in
            var scanner = SearchFields.Scanner(b: b)
            guard let top = scanner.members(from: 0) else { return false }
            func find(_ name: [UInt8], in members: [(Range<Int>, Range<Int>)]) -> Range<Int>? {
                members.first { $0.0.count == name.count && b[$0.0].elementsEqual(name) }?.1
            }
            func write(_ name: [UInt8], _ value: some Sequence<UInt8>, first: inout Bool) {
                if !first { out.append(0x2C) }
                first = false
                out.append(0x22)
                out.append(contentsOf: name)
                out.append(contentsOf: [0x22, 0x3A])
                out.append(contentsOf: value)
            }
            /// An object of `names` taken from the object at `r`; nothing when none is there.
            func subset(_ r: Range<Int>, _ names: [[UInt8]]) -> [UInt8]? {
                guard let inner = scanner.members(from: r.lowerBound) else { return nil }
                var part: [UInt8] = [0x7B]
                var first = true
                swap(&part, &out)
                for n in names { if let v = find(n, in: inner) { write(n, b[v], first: &first) } }
                swap(&part, &out)
                part.append(0x7D)
                return first ? nil : part
            }
            out.append(0x7B)
            var first = true
            for name in order {
                guard let v = find(name, in: top) else { continue }
                if name.elementsEqual("QueueInfo".utf8) {
                    if let part = subset(v, queueMembers) { write(name, part, first: &first) }
                } else if name.elementsEqual("AgentInfo".utf8) {
                    if let part = subset(v, agentMembers) { write(name, part, first: &first) }
                } else if name.elementsEqual("SegmentAttributes".utf8) {
                    guard let entries = scanner.members(from: v.lowerBound) else { continue }
                    var map: [UInt8] = [0x7B]
                    var firstEntry = true
                    for (k, value) in entries {
                        guard let part = subset(value, segmentMembers) else { continue }
                        if !firstEntry { map.append(0x2C) }
                        firstEntry = false
                        map.append(contentsOf: b[(k.lowerBound - 1)..<(k.upperBound + 1)])
                        map.append(0x3A)
                        map.append(contentsOf: part)
                    }
                    map.append(0x7D)
                    if !firstEntry { write(name, map, first: &first) }
                } else {
                    write(name, b[v], first: &first)
                }
            }
            out.append(0x7D)
            return true
        }
    }
}
