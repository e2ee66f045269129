import JSON

/// An operation's input (its URI labels, query members and JSON body gathered into one object)
/// checked against its input shape in botocore's model with the same rules as a contact:
/// required members, types, enums, lengths, ranges, patterns. A member the model does not know
/// is kept and ignored, as AWS ignores it, so a client newer than the mock's model still works.
public struct InputViolation: Error, Sendable, Equatable {
    /// The member as AWS's validation messages name it: `timeRange.type`, `maxResults`.
    public var member: String
    /// What the rule expected and what was found.
    public var constraint: String

    /// AWS's wording: `1 validation error detected: Value at 'maxResults' failed to satisfy
    /// constraint: ...`.
    public var message: String {
        "1 validation error detected: Value at '\(member)' failed to satisfy constraint: \(constraint)"
    }
}

extension ContactValidator {
    /// The input normalized (members in the model's order, timestamps as epoch seconds), or its
    /// first violation.
    public func normalizeInput(_ input: JSONValue, shape: String) -> Result<JSONValue, InputViolation> {
        var issues: [ValidationIssue] = []
        let out = check(input, shape: shape, path: "$", line: 1, issues: &issues)
        if let first = issues.first {
            return .failure(InputViolation(member: Self.awsMemberPath(first.path), constraint: first.message))
        }
        guard let out else { return .failure(InputViolation(member: "", constraint: "the input is not valid")) }
        return .success(out)
    }

    /// `$.SearchCriteria.Channels[0]` as AWS names it, `searchCriteria.channels[0]`: each member
    /// with its first letter lowered; list positions and map keys as given.
    static func awsMemberPath(_ path: String) -> String {
        var out = ""
        var lowerNext = false
        var inKey = false
        for c in path.dropFirst(path.hasPrefix("$.") ? 2 : 1) {
            if c == "[" { inKey = true } else if c == "]" { inKey = false }
            if lowerNext, !inKey, c != "[" {
                out += c.lowercased()
                lowerNext = false
                continue
            }
            out.append(c)
            if c == "." && !inKey { lowerNext = true }
        }
        if let f = out.first, f != "[" { out = f.lowercased() + out.dropFirst() }
        return out
    }
}
