import JSON
import Yams

/// A configuration or request-body error: where (file and line, or the JSON path) and what.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int
    public var path: String
    public var message: String

    public var description: String {
        (line > 0 ? "\(file):\(line): " : "\(file): ") + (path.isEmpty ? "" : path + ": ") + message
    }
}

/// Reads typed values out of a JSON tree (YAML is converted to one first), with a path for
/// every error, and refuses keys nobody asked for. The config file and the mock API's JSON
/// bodies both go through here, so both report errors the same way.
struct ValueReader {
    let file: String
    let value: JSONValue
    let path: String
    let line: Int

    init(file: String, value: JSONValue, path: String = "", line: Int = 0) {
        self.file = file
        self.value = value
        self.path = path
        self.line = line
    }

    func error(_ message: String) -> ConfigError {
        ConfigError(file: file, line: line, path: path, message: message)
    }

    private func childPath(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// Fails on any key outside `allowed`, naming the closest allowed one.
    func onlyKeys(_ allowed: [String]) throws(ConfigError) {
        guard case .object(let members) = value else { throw error("expected a mapping, found \(value.typeName)") }
        for m in members where !allowed.contains(m.key) {
            var message = "unknown key \"\(m.key)\"; expected one of \(allowed.joined(separator: ", "))"
            if let near = allowed.first(where: { $0.lowercased() == m.key.lowercased() }) { message += " (did you mean \(near)?)" }
            throw ConfigError(file: file, line: m.line, path: childPath(m.key), message: message)
        }
    }

    /// The child, or nil when absent or null.
    func child(_ key: String) throws(ConfigError) -> ValueReader? {
        guard case .object(let members) = value else { throw error("expected a mapping, found \(value.typeName)") }
        guard let m = members.first(where: { $0.key == key }) else { return nil }
        if case .null = m.value { return nil }
        return ValueReader(file: file, value: m.value, path: childPath(key), line: m.line > 0 ? m.line : line)
    }

    func items() throws(ConfigError) -> [ValueReader] {
        guard case .array(let items) = value else { throw error("expected a list, found \(value.typeName)") }
        return items.enumerated().map { k, v in
            var l = line
            if case .object(let m) = v, let f = m.first, f.line > 0 { l = f.line }
            return ValueReader(file: file, value: v, path: path + "[\(k)]", line: l)
        }
    }

    func string() throws(ConfigError) -> String {
        switch value {
        case .string(let s): return s
        case .number(let n): return n
        default: throw error("expected a string, found \(value.typeName)")
        }
    }

    func int(min: Int, max: Int) throws(ConfigError) -> Int {
        guard case .number(let text) = value, let n = Int(text) else {
            throw error("expected an integer from \(min) to \(max), found \(describe())")
        }
        guard n >= min, n <= max else { throw error("expected an integer from \(min) to \(max), found \(n)") }
        return n
    }

    func double(min: Double, max: Double) throws(ConfigError) -> Double {
        guard case .number(let text) = value, let d = Double(text) else {
            throw error("expected a number from \(min) to \(max), found \(describe())")
        }
        guard d >= min, d <= max else { throw error("expected a number from \(min) to \(max), found \(text)") }
        return d
    }

    func bool() throws(ConfigError) -> Bool {
        guard case .bool(let b) = value else { throw error("expected true or false, found \(describe())") }
        return b
    }

    func oneOf(_ choices: [String]) throws(ConfigError) -> String {
        let s = try string()
        guard choices.contains(s) else { throw error("expected one of \(choices.joined(separator: ", ")), found \"\(s)\"") }
        return s
    }

    func describe() -> String {
        switch value {
        case .string(let s): return "\"\(s)\""
        case .number(let n): return n
        case .bool(let b): return String(b)
        default: return value.typeName
        }
    }

    func string(_ key: String, default d: String) throws(ConfigError) -> String { try child(key)?.string() ?? d }
    func int(_ key: String, default d: Int, min: Int, max: Int) throws(ConfigError) -> Int { try child(key)?.int(min: min, max: max) ?? d }
    func bool(_ key: String, default d: Bool) throws(ConfigError) -> Bool { try child(key)?.bool() ?? d }
}

/// YAML to the JSON tree `ValueReader` reads, keeping each key's line. Plain scalars are typed
/// as YAML 1.2's core schema does (null, booleans, numbers); quoted scalars stay strings.
enum YAMLTree {
    static func parse(_ text: String, file: String) throws(ConfigError) -> JSONValue {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw ConfigError(file: file, line: lineOf(error), path: "", message: "invalid YAML: \(error)")
        }
        guard let node else { return .object([]) }
        return try convert(node, file: file)
    }

    private static func lineOf(_ error: Error) -> Int {
        if let y = error as? YamlError, case .parser(_, _, let mark, _) = y { return mark.line }
        if let y = error as? YamlError, case .scanner(_, _, let mark, _) = y { return mark.line }
        return 0
    }

    private static func convert(_ node: Node, file: String) throws(ConfigError) -> JSONValue {
        switch node {
        case .scalar(let s):
            guard s.style == .plain || s.style == .any else { return .string(s.string) }
            let t = s.string
            switch t {
            case "", "~", "null", "Null", "NULL": return .null
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            default:
                if Int(t) != nil { return .number(t) }
                if let d = Double(t), d.isFinite, t.first.map({ $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." }) == true {
                    return .number(t.hasPrefix("+") ? String(t.dropFirst()) : t)
                }
                return .string(t)
            }
        case .sequence(let seq):
            var out: [JSONValue] = []
            for item in seq { out.append(try convert(item, file: file)) }
            return .array(out)
        case .mapping(let map):
            var out: [JSONMember] = []
            for (k, v) in map {
                guard case .scalar(let key) = k else {
                    throw ConfigError(file: file, line: k.mark?.line ?? 0, path: "", message: "expected a plain key, found a complex one")
                }
                if out.contains(where: { $0.key == key.string }) {
                    throw ConfigError(file: file, line: k.mark?.line ?? 0, path: key.string, message: "duplicate key \"\(key.string)\"")
                }
                out.append(JSONMember(key: key.string, value: try convert(v, file: file), line: k.mark?.line ?? 0))
            }
            return .object(out)
        @unknown default:
            throw ConfigError(file: file, line: node.mark?.line ?? 0, path: "", message: "unsupported YAML node")
        }
    }
}
