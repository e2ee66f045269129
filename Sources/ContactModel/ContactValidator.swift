import JSON
import Timekeeping

/// One broken rule, located by JSON path and source line.
public struct ValidationIssue: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var message: String

    public init(path: String, line: Int, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// Every issue found in one contact.
public struct ContactValidationError: Error, Sendable {
    public var issues: [ValidationIssue]
}

/// What validation does with a member botocore's model does not know (`validation.unknownMembers`).
public enum UnknownMemberPolicy: String, Sendable, CaseIterable {
    /// An error, with the closest real name suggested: a made-up member is usually a typo.
    case reject
    /// Stored and served as given, after the known members: a user whose SDK is newer than the
    /// mock's model is never blocked.
    case keep
}

/// Checks a contact against botocore's Contact shape and produces its normalized form.
///
/// Strict on purpose: an unknown member is usually a typo that would otherwise vanish silently,
/// so it is an error, with the closest real name suggested. Normalization puts members in the
/// model's order and turns every timestamp into epoch seconds, so that the stored bytes are
/// what a real DescribeContact would send.
public struct ContactValidator: Sendable {
    /// The data clock, for relative timestamps (`now-3d`).
    public var now: Instant
    public var unknownMembers: UnknownMemberPolicy
    /// Whether the model's length and count bounds (`min`, `max` of strings, lists and maps)
    /// are held. They are the service's limits on what it is sent; what it sends back keeps to
    /// the shapes and their enums but not always to those bounds (DescribeUser's `Tags` is `{}`
    /// for a user without tags, where the model's TagMap says at least one entry), so a check
    /// of an answer against an output shape leaves them out.
    public var enforcesBounds: Bool

    public init(now: Instant, unknownMembers: UnknownMemberPolicy = .reject, enforcesBounds: Bool = true) {
        self.now = now
        self.unknownMembers = unknownMembers
        self.enforcesBounds = enforcesBounds
    }

    /// The normalized contact, or every issue found (the contact is then not usable).
    public func normalize(_ contact: JSONValue, path: String = "$.Contact", line: Int) throws(ContactValidationError) -> JSONValue {
        var issues: [ValidationIssue] = []
        let out = check(contact, shape: ShapeTable.rootShape, path: path, line: line, issues: &issues)
        if case .object(let members) = contact {
            for name in ShapeTable.requiredContactMembers where !members.contains(where: { $0.key == name }) {
                issues.append(ValidationIssue(path: path + "." + name, line: line, message: "expected a value (every contact needs \(name)), found nothing"))
            }
        }
        if issues.isEmpty, let out { return out }
        throw ContactValidationError(issues: issues)
    }

    func check(_ value: JSONValue, shape name: String, path: String, line: Int, issues: inout [ValidationIssue]) -> JSONValue? {
        func fail(_ message: String) -> JSONValue? {
            issues.append(ValidationIssue(path: path, line: line, message: message))
            return nil
        }
        if case .null = value {
            return fail("expected \(ContactValidator.describe(name)), found null (leave the member out instead)")
        }
        switch ShapeTable.shape(name) {
        case .structure(let members, let required, let union):
            guard case .object(let given) = value else { return fail("expected an object (\(name)), found \(value.typeName)") }
            var seen: Set<String> = []
            var normalized: [String: JSONValue] = [:]
            /// Members the model does not know, kept as given after the known ones (`keep`).
            var unknown: [JSONMember] = []
            var ok = true
            for m in given {
                let mPath = path + "." + m.key
                guard seen.insert(m.key).inserted else {
                    issues.append(ValidationIssue(path: mPath, line: m.line, message: "expected each member once, found \"\(m.key)\" again"))
                    ok = false
                    continue
                }
                guard let shapeName = members.first(where: { $0.0 == m.key })?.1 else {
                    if unknownMembers == .keep {
                        if case .null = m.value {
                            issues.append(ValidationIssue(path: mPath, line: m.line, message: "expected a value for the member unknown to the model, found null (leave the member out instead)"))
                            ok = false
                        } else {
                            unknown.append(JSONMember(key: m.key, value: m.value))
                        }
                        continue
                    }
                    var msg = "expected a member of \(name), found unknown member \"\(m.key)\""
                    if let hint = ContactValidator.closest(m.key, among: members.map(\.0)) { msg += " (did you mean \"\(hint)\"?)" }
                    msg += "; botocore \(ShapeTable.botocoreVersion)'s model has no such member (validation.unknownMembers: keep stores members newer than it)"
                    issues.append(ValidationIssue(path: mPath, line: m.line, message: msg))
                    ok = false
                    continue
                }
                if let v = check(m.value, shape: shapeName, path: mPath, line: m.line, issues: &issues) {
                    normalized[m.key] = v
                } else {
                    ok = false
                }
            }
            for r in required where !seen.contains(r) {
                issues.append(ValidationIssue(path: path + "." + r, line: line, message: "expected a value (required by \(name)), found nothing"))
                ok = false
            }
            if union, seen.count != 1 {
                issues.append(ValidationIssue(path: path, line: line, message: "expected exactly one member of the union \(name), found \(seen.count)"))
                ok = false
            }
            guard ok else { return nil }
            return .object(members.compactMap { key, _ in normalized[key].map { JSONMember(key: key, value: $0) } } + unknown)

        case .list(let member, let min, let max):
            guard case .array(let items) = value else { return fail("expected an array (\(name)), found \(value.typeName)") }
            if enforcesBounds, let min, items.count < min { return fail("expected at least \(min) items, found \(items.count)") }
            if enforcesBounds, let max, items.count > max { return fail("expected at most \(max) items, found \(items.count)") }
            var out: [JSONValue] = []
            var ok = true
            for (k, item) in items.enumerated() {
                if let v = check(item, shape: member, path: path + "[\(k)]", line: line, issues: &issues) { out.append(v) } else { ok = false }
            }
            return ok ? .array(out) : nil

        case .map(let keyShape, let valueShape, let min, let max):
            guard case .object(let given) = value else { return fail("expected an object (\(name)), found \(value.typeName)") }
            if enforcesBounds, let min, given.count < min { return fail("expected at least \(min) entries, found \(given.count)") }
            if enforcesBounds, let max, given.count > max { return fail("expected at most \(max) entries, found \(given.count)") }
            var out: [JSONMember] = []
            var seen: Set<String> = []
            var ok = true
            for m in given.sorted(by: { $0.key < $1.key }) {
                let mPath = path + "[" + ContactValidator.quoted(m.key) + "]"
                if !seen.insert(m.key).inserted {
                    issues.append(ValidationIssue(path: mPath, line: m.line, message: "expected each key once, found \"\(m.key)\" again"))
                    ok = false
                    continue
                }
                if check(.string(m.key), shape: keyShape, path: mPath + " (key)", line: m.line, issues: &issues) == nil { ok = false }
                if let v = check(m.value, shape: valueShape, path: mPath, line: m.line, issues: &issues) {
                    out.append(JSONMember(key: m.key, value: v))
                } else {
                    ok = false
                }
            }
            return ok ? .object(out) : nil

        case .string(let min, let max, let pattern, let enumValues):
            guard case .string(let s) = value else { return fail("expected a string (\(name)), found \(value.typeName)") }
            if let enumValues, !enumValues.contains(s) {
                return fail("expected one of \(enumValues.joined(separator: ", ")), found \(ContactValidator.quoted(s))")
            }
            let length = s.utf16.count
            if enforcesBounds, let min, length < min { return fail("expected at least \(min) characters, found \(length)") }
            if enforcesBounds, let max, length > max { return fail("expected at most \(max) characters, found \(length)") }
            if let pattern, !PatternMatcher.matches(s, pattern: pattern) {
                return fail("expected a value matching \(pattern), found \(ContactValidator.quoted(s))")
            }
            return value

        case .integer(let min, let max), .long(let min, let max):
            let isLong: Bool = { if case .long = ShapeTable.shape(name) { return true } else { return false } }()
            let lo = Int64(min ?? (isLong ? Int(Int64.min) : Int(Int32.min)))
            let hi = Int64(max ?? (isLong ? Int(Int64.max) : Int(Int32.max)))
            guard case .number(let text) = value else { return fail("expected an integer (\(name)), found \(value.typeName)") }
            guard let n = Int64(text) else {
                if text.contains(".") || text.contains("e") || text.contains("E") {
                    return fail("expected an integer (\(name)), found \(text)")
                }
                return fail("expected an integer from \(lo) to \(hi), found \(text)")
            }
            guard n >= lo, n <= hi else { return fail("expected an integer from \(lo) to \(hi), found \(text)") }
            return .number(String(n))

        case .float(let min, let max):
            guard case .number(let text) = value, let d = Double(text), d.isFinite else {
                return fail("expected a number (\(name)), found \(value.typeName)")
            }
            if let min, d < min { return fail("expected a number of at least \(ContactValidator.trim(min)), found \(text)") }
            if let max, d > max { return fail("expected a number of at most \(ContactValidator.trim(max)), found \(text)") }
            return value

        case .boolean:
            guard case .bool = value else { return fail("expected a boolean, found \(value.typeName)") }
            return value

        case .timestamp:
            let instant: Instant?
            switch value {
            case .number(let text): instant = TimestampValue.parse(epochSeconds: text)
            case .string(let text): instant = TimestampValue.parse(string: text, now: now)
            default: return fail("expected a timestamp (epoch seconds, ISO 8601 or now±N[dhms]), found \(value.typeName)")
            }
            guard let instant, Instant.storable.contains(instant) else {
                return fail("expected a timestamp from \(ISO8601.format(Instant.storable.lowerBound)) to \(ISO8601.format(Instant.storable.upperBound)) (epoch seconds, ISO 8601 or now±N[dhms]), found \(JSONWriter.string(value))")
            }
            return .number(TimestampValue.json(instant))
        }
    }

    static func describe(_ shape: String) -> String {
        switch ShapeTable.shape(shape) {
        case .structure, .map: return "an object"
        case .list: return "an array"
        case .string: return "a string"
        case .integer, .long: return "an integer"
        case .float: return "a number"
        case .boolean: return "a boolean"
        case .timestamp: return "a timestamp"
        }
    }

    static func quoted(_ s: String) -> String { JSONWriter.string(.string(s)) }

    static func trim(_ d: Double) -> String {
        d == d.rounded() ? String(Int(d)) : String(d)
    }

    /// The member name a typo most likely meant: same letters ignoring case, or within two edits.
    static func closest(_ name: String, among candidates: [String]) -> String? {
        if let same = candidates.first(where: { $0.lowercased() == name.lowercased() }) { return same }
        var best: (String, Int)?
        for c in candidates {
            let d = editDistance(Array(name.lowercased().utf8), Array(c.lowercased().utf8))
            if d <= 2, best == nil || d < best!.1 { best = (c, d) }
        }
        return best?.0
    }

    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        var prev = Array(0...b.count)
        for i in 1...a.count {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                cur[j] = Swift.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[b.count]
    }
}
