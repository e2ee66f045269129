import ContactModel
import JSON
import Server

// The sections SPEC §9 adds: how contacts are shown against the data clock, the events they
// give and where those go, and what outbound calls do. Defaults are the property values in
// MockConfig.swift, as for every section.

extension MockConfig.ContactsSection {
    static let keys = ["view"]

    mutating func read(_ r: ValueReader) throws(ConfigError) {
        try r.onlyKeys(Self.keys)
        if let v = try r.child("view") { view = try v.oneOf(MockConfig.ContactView.self) }
    }

    var json: JSONValue { .fields(["view": .string(view.rawValue)]) }
}

extension MockConfig.EventsSection {
    static let keys = ["retain", "webhooks"]

    mutating func read(_ r: ValueReader) throws(ConfigError) {
        try r.onlyKeys(Self.keys)
        retain = try r.int("retain", default: retain, min: 1, max: 10_000_000)
        if let list = try r.child("webhooks") {
            webhooks = try list.items().map { i throws(ConfigError) in try Self.readWebhook(i) }
        }
    }

    /// `{url: "http://host:port/path"}`: plain HTTP only, since receivers are test servers.
    static func readWebhook(_ r: ValueReader) throws(ConfigError) -> String {
        try r.onlyKeys(["url"])
        guard let u = try r.child("url") else { throw r.error("expected a url (http://host:port/path)") }
        let url = try u.string()
        if let problem = webhookURLProblem(url) { throw u.error("expected an http://host:port/path URL, found \"\(url)\": \(problem)") }
        return url
    }

    var json: JSONValue {
        .fields(["retain": .int(retain), "webhooks": .array(webhooks.map { .fields(["url": .string($0)]) })])
    }
}

extension OutboundRule {
    static let keys = ["match", "outcome", "ringSeconds", "talkSeconds", "agentAfterSeconds", "agentId"]

    /// One rule of `outbound.rules` or of `PUT /_mock/outbound`.
    static func read(_ r: ValueReader) throws(ConfigError) -> OutboundRule {
        try r.onlyKeys(keys)
        guard let m = try r.child("match") else { throw r.error("expected match: {destination: \"+1206*\"}") }
        try m.onlyKeys(["destination"])
        guard let d = try m.child("destination") else { throw m.error("expected a destination (an E.164 number or a prefix ending in *)") }
        let destination = try d.string()
        guard destination == "*" || destination.hasPrefix("+") else {
            throw d.error("expected an E.164 number or a prefix ending in * (\"+1206*\"), found \"\(destination)\"")
        }
        guard let o = try r.child("outcome") else { throw r.error("expected an outcome (\(Outcome.allCases.map(\.rawValue).joined(separator: ", ")))") }
        let outcome = try o.oneOf(Outcome.self)
        let day = 86_400
        return OutboundRule(destination: destination, outcome: outcome,
                            ringSeconds: try r.child("ringSeconds")?.int(min: 0, max: day),
                            talkSeconds: try r.int("talkSeconds", default: 60, min: 0, max: day),
                            agentAfterSeconds: try r.child("agentAfterSeconds")?.int(min: 0, max: day),
                            agentId: try r.child("agentId")?.string())
    }

    var json: JSONValue {
        var m = [JSONMember(key: "match", value: .fields(["destination": .string(destination)])),
                 JSONMember(key: "outcome", value: .string(outcome.rawValue))]
        if let ringSeconds { m.append(JSONMember(key: "ringSeconds", value: .int(ringSeconds))) }
        m.append(JSONMember(key: "talkSeconds", value: .int(talkSeconds)))
        if let agentAfterSeconds { m.append(JSONMember(key: "agentAfterSeconds", value: .int(agentAfterSeconds))) }
        if let agentId { m.append(JSONMember(key: "agentId", value: .string(agentId))) }
        return .object(m)
    }
}

extension MockConfig.OutboundSection {
    static let keys = ["rules"]

    mutating func read(_ r: ValueReader) throws(ConfigError) {
        try r.onlyKeys(Self.keys)
        if let list = try r.child("rules") { rules = try list.items().map { i throws(ConfigError) in try OutboundRule.read(i) } }
    }

    var json: JSONValue { .fields(["rules": .array(rules.map(\.json))]) }
}
