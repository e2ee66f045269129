/// A shape of botocore's model, reduced to what validation and synthesis need.
public indirect enum ShapeKind: Sendable {
    case structure(members: [(String, String)], required: [String], union: Bool)
    case list(member: String, min: Int?, max: Int?)
    case map(key: String, value: String, min: Int?, max: Int?)
    case string(min: Int?, max: Int?, pattern: String?, enumValues: [String]?)
    case integer(min: Int?, max: Int?)
    case long(min: Int?, max: Int?)
    case float(min: Double?, max: Double?)
    case boolean
    case timestamp
}

/// The Contact shape and everything it reaches, as generated from botocore.
public enum ShapeTable {
    public static let rootShape = "Contact"

    /// Members the mock requires although botocore marks none required: every real contact has
    /// them, and visibility depends on the first.
    public static let requiredContactMembers = ["InitiationTimestamp", "Channel", "InitiationMethod"]

    public static func shape(_ name: String) -> ShapeKind {
        guard let s = generated[name] else { preconditionFailure("shape \(name) missing from the generated table") }
        return s
    }
}
