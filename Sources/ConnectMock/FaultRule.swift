import JSON

/// An injected failure or delay for DescribeContact calls that match (SPEC §5).
public struct FaultRule: Sendable {
    public enum ErrorKind: String, Sendable {
        case throttling = "ThrottlingException"
        case internalService = "InternalServiceException"
    }

    public var instanceId: String?
    public var contactId: String?
    public var accessKeyId: String?
    public var error: ErrorKind?
    public var latencyMs: Int?
    public var probability: Double = 1
    /// How many more times it fires; nil is unlimited.
    public var remaining: Int?

    func matches(instanceId i: String, contactId c: String, accessKeyId k: String?) -> Bool {
        (instanceId == nil || instanceId == i) && (contactId == nil || contactId == c) && (accessKeyId == nil || accessKeyId == k)
    }

    static func read(_ r: ValueReader) throws(ConfigError) -> FaultRule {
        try r.onlyKeys(["match", "error", "latencyMs", "probability", "count", "remaining"])
        var rule = FaultRule()
        if let m = try r.child("match") {
            try m.onlyKeys(["instanceId", "contactId", "accessKeyId"])
            rule.instanceId = try m.child("instanceId")?.string()
            rule.contactId = try m.child("contactId")?.string()
            rule.accessKeyId = try m.child("accessKeyId")?.string()
        }
        if let e = try r.child("error") {
            rule.error = ErrorKind(rawValue: try e.oneOf([ErrorKind.throttling.rawValue, ErrorKind.internalService.rawValue]))
        }
        rule.latencyMs = try r.child("latencyMs")?.int(min: 0, max: 600_000)
        guard rule.error != nil || rule.latencyMs != nil else { throw r.error("expected \"error\" or \"latencyMs\" (or both)") }
        rule.probability = try r.child("probability")?.double(min: 0, max: 1) ?? 1
        rule.remaining = try r.child("count")?.int(min: 0, max: Int.max)
        return rule
    }

    var json: JSONValue {
        var m: [JSONMember] = []
        var match: [JSONMember] = []
        if let instanceId { match.append(JSONMember(key: "instanceId", value: .string(instanceId))) }
        if let contactId { match.append(JSONMember(key: "contactId", value: .string(contactId))) }
        if let accessKeyId { match.append(JSONMember(key: "accessKeyId", value: .string(accessKeyId))) }
        m.append(JSONMember(key: "match", value: .object(match)))
        if let error { m.append(JSONMember(key: "error", value: .string(error.rawValue))) }
        if let latencyMs { m.append(JSONMember(key: "latencyMs", value: .int(latencyMs))) }
        m.append(JSONMember(key: "probability", value: .number(String(probability))))
        m.append(JSONMember(key: "remaining", value: remaining.map { .int($0) } ?? .null))
        return .object(m)
    }
}
