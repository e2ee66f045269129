import ASCII

/// What DescribeContact accepts as an instance or contact id (SPEC §3): the model gives the ids
/// no pattern, so any character is allowed but control characters, up to a length. Fixtures and
/// the mock API apply the same rule, so that nothing is stored that the endpoint would refuse.
public enum IdentifierRule {
    public static let maxInstanceIdLength = 100
    public static let maxContactIdLength = 256

    /// InvalidParameterException's message, or nil when both ids are acceptable.
    public static func problem(instanceId: String, contactId: String) -> String? {
        problem(name: "instanceId", value: instanceId, max: maxInstanceIdLength)
            ?? problem(name: "contactId", value: contactId, max: maxContactIdLength)
    }

    /// Reads bytes first: a control character is a byte below 0x20 or 0x7f in UTF-8 too, and
    /// a value no longer in bytes than the limit cannot be longer in characters.
    public static func problem(name: String, value: String, max: Int) -> String? {
        let b = value.utf8.span
        if b.withUnsafeBytes({ ASCIIBytes.firstControl(in: $0, 0..<$0.count) }) < b.count {
            return "1 validation error detected: Value at '\(name)' failed to satisfy constraint: Member must not contain control characters"
        }
        if b.count > max, value.count > max {
            return "1 validation error detected: Value at '\(name)' failed to satisfy constraint: Member must have length less than or equal to \(max)"
        }
        return nil
    }

    /// The message for an id whose percent-escapes do not decode to UTF-8 (`%FF`): refused
    /// rather than read as U+FFFD, which would make `%FF` and `%FE` the same contact.
    public static func invalidEncoding(name: String) -> String {
        "1 validation error detected: Value at '\(name)' failed to satisfy constraint: Member must be valid UTF-8 once percent-decoded"
    }
}
