import ContactModel
import JSON

/// An injected failure or delay for the AWS calls that match (SPEC §5).
public struct FaultRule: Sendable {
    /// The operation's botocore name; nil matches every operation.
    public var operation: String?
    public var instanceId: String?
    public var contactId: String?
    public var accessKeyId: String?
    /// One of the errors botocore's model lists for `operation` (or, without it, one every
    /// operation can give).
    public var error: ModeledError?
    /// The error's message; nil gives the mock's default for that error.
    public var message: String?
    public var latencyMs: Int?
    public var probability: Double = 1
    /// How many more times it fires; nil is unlimited.
    public var remaining: Int?

    func matches(operation o: String, instanceId i: String, contactId c: String, accessKeyId k: String?) -> Bool {
        (operation == nil || operation == o) && (instanceId == nil || instanceId == i) && (contactId == nil || contactId == c)
            && (accessKeyId == nil || accessKeyId == k)
    }

    static func read(_ r: ValueReader) throws(ConfigError) -> FaultRule {
        try r.onlyKeys(["match", "error", "message", "latencyMs", "probability", "count", "remaining"])
        var rule = FaultRule()
        if let m = try r.child("match") {
            try m.onlyKeys(["operation", "instanceId", "contactId", "accessKeyId"])
            if let o = try m.child("operation") {
                rule.operation = try o.oneOf(ModeledOperation.served.map(\.name))
            }
            rule.instanceId = try m.child("instanceId")?.string()
            rule.contactId = try m.child("contactId")?.string()
            rule.accessKeyId = try m.child("accessKeyId")?.string()
        }
        if let e = try r.child("error") {
            rule.error = try modeledError(e, operation: rule.operation)
        }
        rule.message = try r.child("message")?.string()
        rule.latencyMs = try r.child("latencyMs")?.int(min: 0, max: 600_000)
        guard rule.error != nil || rule.latencyMs != nil else { throw r.error("expected \"error\" or \"latencyMs\" (or both)") }
        rule.probability = try r.child("probability")?.double(min: 0, max: 1) ?? 1
        rule.remaining = try r.child("count")?.int(min: 0, max: Int.max)
        return rule
    }

    /// The error `e` names, when the model lists it for the rule's operation.
    private static func modeledError(_ e: ValueReader, operation: String?) throws(ConfigError) -> ModeledError {
        // The errors any operation may give (throttling, an internal error) are injectable
        // everywhere, also for an operation whose model entry does not list them (StopContact
        // lists no ThrottlingException): a rule without `operation` injects them into it anyway.
        let all = ModeledOperation.served.flatMap(\.errors)
        let anywhere = ModeledOperation.anyOperationErrors.compactMap { code in all.first { $0.code == code } }
        var errors = anywhere
        if let operation, let op = ModeledOperation.named(operation) {
            errors = op.errors + anywhere.filter { a in !op.errors.contains { $0.code == a.code } }
        }
        let code = try e.string()
        guard let found = errors.first(where: { $0.code == code }) else {
            let scope = operation.map { "the errors botocore's model lists for \($0)" }
                ?? "name match.operation to inject any error the model lists for that operation"
            throw e.error("expected one of \(errors.map(\.code).joined(separator: ", ")) (\(scope)), found \"\(code)\"")
        }
        return found
    }

    var json: JSONValue {
        var m: [JSONMember] = []
        var match: [JSONMember] = []
        if let operation { match.append(JSONMember(key: "operation", value: .string(operation))) }
        if let instanceId { match.append(JSONMember(key: "instanceId", value: .string(instanceId))) }
        if let contactId { match.append(JSONMember(key: "contactId", value: .string(contactId))) }
        if let accessKeyId { match.append(JSONMember(key: "accessKeyId", value: .string(accessKeyId))) }
        m.append(JSONMember(key: "match", value: .object(match)))
        if let error { m.append(JSONMember(key: "error", value: .string(error.code))) }
        if let message { m.append(JSONMember(key: "message", value: .string(message))) }
        if let latencyMs { m.append(JSONMember(key: "latencyMs", value: .int(latencyMs))) }
        m.append(JSONMember(key: "probability", value: .number(String(probability))))
        m.append(JSONMember(key: "remaining", value: remaining.map { .int($0) } ?? .null))
        return .object(m)
    }
}
