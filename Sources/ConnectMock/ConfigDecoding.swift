// libyaml as Yams vendors it (its CYaml target): YAMLShapeCheck reads its event stream, which
// Yams does not expose. Yams' product brings the module along, so no other package is added.
import CYaml
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
        try YAMLShapeCheck.check(text, file: file)
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw ConfigError(file: file, line: lineOf(error), path: "", message: "invalid YAML: \(error)")
        }
        guard let node else { return .object([]) }
        // A document that is only null (`~`, `null`, a bare tag such as `!x`) is an empty file
        // too, and must meet the same checks: it was read as "no config" and gave one with no
        // instances at all (found by the yaml-config fuzzer, input `!:x`).
        let root = try convert(node, file: file)
        if case .null = root { return .object([]) }
        return root
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
            // A set, not a search of `out`: a search made 200,000 keys take 37 s to report
            // their duplicate.
            var seen = Set<String>()
            out.reserveCapacity(map.count)
            for (k, v) in map {
                guard case .scalar(let key) = k else {
                    throw ConfigError(file: file, line: k.mark?.line ?? 0, path: "", message: "expected a plain key, found a complex one")
                }
                if !seen.insert(key.string).inserted {
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

/// Checks a YAML text's shape on libyaml's event stream (no tree built, nothing recursive)
/// before Yams composes it, so that no text can crash or exhaust the config reader:
///
/// - Nesting is capped at `JSONParser.maxDepth`, the cap JSON bodies have: Yams composes
///   nodes recursively, and so does `YAMLTree.convert`, so 3,000 nested flow mappings or
///   5,000 nested sequences overflowed the stack (SIGSEGV) in `check-config` and `serve`.
/// - Aliases are allowed, but the nodes they add are capped at `maxAliasNodes`. Yams shares
///   an aliased node, yet everything after it (the conversion to `JSONValue`, the readers)
///   walks each use: 10 anchors of 10 aliases each (480 bytes) stand for 10^10 nodes, and grew
///   the reader past 3 GB. Anchors are kept rather than refused because they are ordinary
///   YAML that users copy from other tools (`x-defaults: &d ...`), and counting what they
///   expand to is as simple as refusing them; no sane config comes near the cap.
///
/// A syntax error ends the check quietly: Yams then reports it with its own context, and
/// everything before the error has passed the check, so Yams cannot go deeper than the cap.
enum YAMLShapeCheck {
    static let maxDepth = JSONParser.maxDepth
    static let maxAliasNodes = 100_000

    static func check(_ text: String, file: String) throws(ConfigError) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(text.utf8)
        if bytes.isEmpty { return }
        let failure: ConfigError? = bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            return walk(&parser, file: file)
        }
        if let failure { throw failure }
    }

    /// One open collection: its anchor, and how many nodes it stands for so far with every
    /// alias inside it expanded.
    private struct Open {
        var anchor: String?
        var nodes: Int
    }

    private static func walk(_ parser: inout yaml_parser_t, file: String) -> ConfigError? {
        var open: [Open] = []
        var anchors: [String: Int] = [:]
        var aliasNodes = 0
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
            defer { yaml_event_delete(&event) }
            let line = Int(event.start_mark.line) + 1
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return nil
            case YAML_DOCUMENT_START_EVENT:
                open.removeAll()
                anchors.removeAll()
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                guard open.count < maxDepth else {
                    return ConfigError(file: file, line: line, path: "",
                                       message: "nesting deeper than \(maxDepth) levels (the limit JSON bodies have too)")
                }
                let anchor = event.type == YAML_SEQUENCE_START_EVENT ? event.data.sequence_start.anchor : event.data.mapping_start.anchor
                open.append(Open(anchor: anchor.map { String(cString: $0) }, nodes: 1))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let done = open.popLast() else { continue }
                if let a = done.anchor { anchors[a] = done.nodes }
                if !open.isEmpty { open[open.count - 1].nodes += done.nodes }
            case YAML_SCALAR_EVENT:
                if let a = event.data.scalar.anchor { anchors[String(cString: a)] = 1 }
                if !open.isEmpty { open[open.count - 1].nodes += 1 }
            case YAML_ALIAS_EVENT:
                let name = event.data.alias.anchor.map { String(cString: $0) } ?? ""
                // An undefined alias is Yams' error to report; it counts as one node here.
                let nodes = anchors[name] ?? 1
                aliasNodes += nodes
                guard aliasNodes <= maxAliasNodes else {
                    return ConfigError(file: file, line: line, path: "",
                                       message: "alias *\(name) takes what aliases stand for past \(maxAliasNodes) nodes; aliases are limited so that a few lines cannot expand into a huge config")
                }
                if !open.isEmpty { open[open.count - 1].nodes += nodes }
            default:
                continue
            }
        }
    }
}
