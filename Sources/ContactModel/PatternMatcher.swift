/// The model's `pattern` constraints, each compiled once when first needed.
enum PatternMatcher {
    /// Immutable after its one-time initialization, so sharing it across threads is safe.
    nonisolated(unsafe) private static let compiled: [String: Regex<AnyRegexOutput>] = {
        var out: [String: Regex<AnyRegexOutput>] = [:]
        for case .string(_, _, let pattern?, _) in ShapeTable.generated.values {
            out[pattern] = try? Regex(pattern)
        }
        return out
    }()

    static func matches(_ s: String, pattern: String) -> Bool {
        guard let regex = compiled[pattern] else { return true }
        return (try? regex.wholeMatch(in: s)) != nil
    }
}
