/// A JSON document as the mock reads and writes it.
///
/// Objects keep their members in document order with the line each member starts on, so
/// validation errors can name `file:line` and the writer can emit members in a chosen order.
/// Numbers keep their source text: a 19-digit QueuePriority or a float's exact spelling is never
/// rounded through `Double` on the way from a fixture to the stored document.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    public static func int(_ v: Int) -> JSONValue { .number(String(v)) }
    public static func int64(_ v: Int64) -> JSONValue { .number(String(v)) }

    /// An object from literal pairs, in the order written.
    public static func fields(_ pairs: KeyValuePairs<String, JSONValue>) -> JSONValue {
        .object(pairs.map { JSONMember(key: $0.key, value: $0.value) })
    }

    /// The member's value, first match; nil when absent or when this is not an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first(where: { $0.key == key })?.value
    }

    public var members: [JSONMember]? {
        if case .object(let m) = self { return m }
        return nil
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

public struct JSONMember: Equatable, Sendable {
    public var key: String
    public var value: JSONValue
    /// 1-based line of the key in the source; 0 for members built in code.
    public var line: Int

    public init(key: String, value: JSONValue, line: Int = 0) {
        self.key = key
        self.value = value
        self.line = line
    }

    public static func == (a: JSONMember, b: JSONMember) -> Bool {
        a.key == b.key && a.value == b.value
    }
}
