import ASCII

/// What DescribeContact accepts as an instance or contact id (SPEC §3): the model gives the ids
/// no pattern, so any character is allowed but control characters, within the model's lengths.
/// Fixtures and the mock API apply the same rule, so nothing is stored that the endpoint refuses.
public enum IdentifierRule {
    /// The model's limits, from DescribeContact's input (InstanceId 100, ContactId 256).
    public static let maxInstanceIdLength = describeContactLimit("InstanceId")
    public static let maxContactIdLength = describeContactLimit("ContactId")

    private static func describeContactLimit(_ member: String) -> Int {
        guard let limit = ModeledOperation.named("DescribeContact")?.input.first(where: { $0.name == member })?.max else {
            preconditionFailure("the generated DescribeContact input has no limit for \(member)")
        }
        return limit
    }

    /// Why a value is not an acceptable id, worded as AWS words validation errors.
    public enum Violation: Error, Sendable, Equatable {
        case controlCharacters
        case tooShort(min: Int)
        case tooLong(max: Int)
        /// Percent-escapes that do not decode to UTF-8 (`%FF`): refused rather than read as
        /// U+FFFD, which would make `%FF` and `%FE` the same contact.
        case notUTF8

        public func message(member name: String) -> String {
            let constraint = switch self {
            case .controlCharacters: "Member must not contain control characters"
            case .tooShort(let min): "Member must have length greater than or equal to \(min)"
            case .tooLong(let max): "Member must have length less than or equal to \(max)"
            case .notUTF8: "Member must be valid UTF-8 once percent-decoded"
            }
            return "1 validation error detected: Value at '\(name)' failed to satisfy constraint: \(constraint)"
        }
    }

    /// The first rule `value` breaks, or nil. Reads bytes first: a control character is a byte
    /// below 0x20 or 0x7f in UTF-8 too, and a value no longer in bytes than the limit cannot be
    /// longer in characters.
    public static func violation(of value: String, min: Int? = nil, max: Int?) -> Violation? {
        let b = value.utf8.span
        if b.withUnsafeBytes({ ASCIIBytes.firstControl(in: $0, 0..<$0.count) }) < b.count { return .controlCharacters }
        return lengthViolation(bytes: b.count, characters: { value.count }, min: min, max: max)
    }

    /// The same for a value known to be visible ASCII (a path label sent without escapes):
    /// no control character, and one byte a character, so only its length is checked.
    public static func violation(ofVisibleASCII count: Int, min: Int? = nil, max: Int?) -> Violation? {
        lengthViolation(bytes: count, characters: { count }, min: min, max: max)
    }

    /// Characters are counted only when the bytes are over the limit: a value never has more
    /// characters than bytes.
    private static func lengthViolation(bytes: Int, characters: () -> Int, min: Int?, max: Int?) -> Violation? {
        if let min, bytes < min { return .tooShort(min: min) }
        if let max, bytes > max, characters() > max { return .tooLong(max: max) }
        return nil
    }

    /// The message for the first of the two ids that breaks a rule, or nil when both pass.
    public static func problem(instanceId: String, contactId: String) -> String? {
        if let v = violation(of: instanceId, max: maxInstanceIdLength) { return v.message(member: "instanceId") }
        if let v = violation(of: contactId, max: maxContactIdLength) { return v.message(member: "contactId") }
        return nil
    }
}
