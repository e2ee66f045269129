import ContactModel
import ContactStore
import Foundation
import HTTP1
import JSON
import Logging
import Timekeeping

extension AWSOperation {
    /// `POST /search-contacts` (SPEC §8): the visible contacts of the body's instance that the
    /// TimeRange and SearchCriteria select, in the Sort's order, a page at a time.
    static func searchContacts(state: MockState, store: ContactStore) -> AWSOperation {
        let policy = state.config.retention.policy
        let asOfClock = state.config.contacts.view == .asOfClock
        return AWSOperation("SearchContacts", resource: nil, resourceKind: .contact) { (call: borrowing OperationCall) throws(AWSFailure) in
            let input = call.input
            let query = try SearchRequest.query(input, instanceId: call.instance.id)
            let limit = Int(input["MaxResults"].flatMap { if case .number(let n) = $0 { Int(n) } else { nil } } ?? 100)
            let fingerprint = SearchRequest.fingerprint(input)
            var cursor: SearchCursor?
            if let token = input["NextToken"]?.stringValue {
                guard let c = SearchRequest.decodeToken(token, fingerprint: fingerprint) else { throw .invalidNextToken }
                cursor = c
            }
            let page: SearchPage
            let now = call.now
            do {
                page = try store.search(query, policy: policy, now: now, after: cursor, limit: limit)
            } catch {
                state.logger.error("search failed: \(error)")
                throw .storeFailed
            }
            var body = Array(#"{"Contacts":["#.utf8)
            body.reserveCapacity(page.hits.count * 2048)
            for (k, hit) in page.hits.enumerated() {
                if k > 0 { body.append(UInt8(ascii: ",")) }
                // The summary of the contact as it stands at now (SPEC §9); a contact whose
                // moments are all past is its stored bytes.
                // A synthetic contact whose latest moment is past (most of them) is not parsed.
                let unfolding = asOfClock && (hit.latest.map { now < $0 } ?? true)
                let document = unfolding ? ((try? ContactView.bytes(hit.document, at: now)) ?? hit.document) : hit.document
                if !SearchSummary.append(document, to: &body) { body += Array("{}".utf8) }
            }
            body += Array("]".utf8)
            if page.more, let last = page.hits.last {
                // base64url: nothing in it needs escaping in a JSON string.
                body += Array(#","NextToken":""#.utf8) + Array(SearchRequest.encodeToken(last.cursor, fingerprint: fingerprint).utf8) + [UInt8(ascii: "\"")]
            }
            body += Array(#","TotalCount":\#(page.total)}"#.utf8)
            return HTTPResponse(status: 200, contentType: "application/json", idHeader: ("x-amzn-RequestId", call.requestId), body: body)
        }
    }
}

/// SearchContacts' request read into a store query, its page token, and its summaries.
enum SearchRequest {
    /// SearchCriteria members the mock evaluates; any other present is refused by name.
    static let evaluated: Set<String> = [
        "AgentIds", "AgentHierarchyGroups", "Channels", "InitiationMethods", "QueueIds",
        "SearchableContactAttributes", "SearchableSegmentAttributes", "ContactTags",
    ]

    static func query(_ input: JSONValue, instanceId: String) throws(AWSFailure) -> ContactQuery {
        let range = input["TimeRange"] ?? .null
        let field = try timeField(range["Type"]?.stringValue ?? "", member: "TimeRange.Type")
        guard let start = instant(range["StartTime"]), let end = instant(range["EndTime"]) else {
            throw .notEvaluated(member: "TimeRange without StartTime and EndTime")
        }
        var q = ContactQuery(instanceId: instanceId, timeField: field, start: start, end: end)
        if let criteria = input["SearchCriteria"], let members = criteria.members {
            for m in members where !evaluated.contains(m.key) { throw .notEvaluated(member: "SearchCriteria.\(m.key)") }
            q.channels = strings(criteria["Channels"])
            q.methods = strings(criteria["InitiationMethods"])
            q.queueIds = strings(criteria["QueueIds"])
            q.agentIds = strings(criteria["AgentIds"])
            if let h = criteria["AgentHierarchyGroups"] {
                q.hierarchy = (1...5).map { strings(h["L\($0)Ids"]) }
            }
            q.attributes = try map(criteria["SearchableContactAttributes"], member: "SearchCriteria.SearchableContactAttributes")
            q.segments = try map(criteria["SearchableSegmentAttributes"], member: "SearchCriteria.SearchableSegmentAttributes")
            if let t = criteria["ContactTags"] {
                func tag(_ v: JSONValue) -> ContactQuery.Tag { ContactQuery.Tag(key: v["TagKey"]?.stringValue ?? "", value: v["TagValue"]?.stringValue) }
                func tags(_ v: JSONValue?) -> [ContactQuery.Tag]? {
                    guard case .array(let items)? = v else { return nil }
                    return items.map(tag)
                }
                var anyOf: [[ContactQuery.Tag]]?
                if case .array(let groups)? = t["OrConditions"] { anyOf = groups.map { tags($0) ?? [] } }
                q.tags = ContactQuery.TagFilter(anyOf: anyOf, allOf: tags(t["AndConditions"]), tag: t["TagCondition"].map(tag))
            }
        }
        if let sort = input["Sort"] {
            q.sort = try sortField(sort["FieldName"]?.stringValue ?? "")
            q.ascending = sort["Order"]?.stringValue == "ASCENDING"
        }
        return q
    }

    static func timeField(_ name: String, member: String) throws(AWSFailure) -> ContactQuery.TimeField {
        switch name {
        case "INITIATION_TIMESTAMP": .initiation
        case "SCHEDULED_TIMESTAMP": .scheduled
        case "CONNECTED_TO_AGENT_TIMESTAMP": .connectedToAgent
        case "DISCONNECT_TIMESTAMP": .disconnect
        case "ENQUEUE_TIMESTAMP": .enqueue
        default: throw .notEvaluated(member: "\(member) \(name)")
        }
    }

    static func sortField(_ name: String) throws(AWSFailure) -> ContactQuery.SortField {
        switch name {
        case "INITIATION_METHOD": return .method
        case "CHANNEL": return .channel
        case "EXPIRY_TIMESTAMP": return .time(.routingExpiry)
        default: return .time(try timeField(name, member: "Sort.FieldName"))
        }
    }

    static func instant(_ v: JSONValue?) -> Instant? {
        switch v {
        case .number(let text)?: TimestampValue.parse(epochSeconds: text)
        case .string(let text)?: ISO8601.parse(text)
        default: nil
        }
    }

    static func strings(_ v: JSONValue?) -> [String]? {
        guard case .array(let items)? = v else { return nil }
        return items.compactMap(\.stringValue)
    }

    /// MATCH_ALL (the default) or MATCH_ANY; the model's MATCH_EXACT and MATCH_NONE have no
    /// documented meaning for these criteria, so they are refused rather than guessed.
    static func map(_ v: JSONValue?, member: String) throws(AWSFailure) -> ContactQuery.MapCriteria? {
        guard let v else { return nil }
        let matchType = v["MatchType"]?.stringValue ?? "MATCH_ALL"
        guard matchType == "MATCH_ALL" || matchType == "MATCH_ANY" else { throw .notEvaluated(member: "\(member).MatchType \(matchType)") }
        guard case .array(let items)? = v["Criteria"] else { return nil }
        let criteria = items.map { (key: $0["Key"]?.stringValue ?? "", values: strings($0["Values"]) ?? []) }
        return ContactQuery.MapCriteria(criteria: criteria, all: matchType == "MATCH_ALL")
    }

    /// What a token is good for: the request's TimeRange, SearchCriteria and Sort (not its
    /// MaxResults, which may change from page to page), FNV-1a over their normalized bytes.
    static func fingerprint(_ input: JSONValue) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for key in ["InstanceId", "TimeRange", "SearchCriteria", "Sort"] {
            for b in JSONWriter.bytes(input[key] ?? .null) {
                h = (h ^ UInt64(b)) &* 0x100_0000_01b3
            }
            h = (h ^ 0xff) &* 0x100_0000_01b3
        }
        return h
    }

    /// The token (`PageToken`): the query's fingerprint, the last hit's sort value (tagged `i`
    /// for a number, `t` for text, `n` for none) and its contact id. The page after it starts
    /// strictly after that (sort value, id), so it stays right while the store does not change,
    /// and never repeats or skips a contact that stays put when it does.
    static func encodeToken(_ cursor: SearchCursor, fingerprint: UInt64) -> String {
        let value = switch cursor.value {
        case .int(let n): "i" + String(n)
        case .text(let t): "t" + t
        case .null: "n"
        }
        return PageToken.encode([String(fingerprint, radix: 16), value, cursor.contactId])
    }

    static func decodeToken(_ token: String, fingerprint: UInt64) -> SearchCursor? {
        guard let fields = PageToken.decode(token, fields: 3), fields[0] == String(fingerprint, radix: 16) else { return nil }
        let tagged = fields[1]
        let value: SearchCursor.Value
        switch tagged.first {
        case "i":
            guard let n = Int64(tagged.dropFirst()) else { return nil }
            value = .int(n)
        case "t": value = .text(String(tagged.dropFirst()))
        case "n" where tagged.count == 1: value = .null
        default: return nil
        }
        return SearchCursor(value: value, contactId: fields[2])
    }
}
