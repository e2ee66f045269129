import Timekeeping

/// What a request claims about its signature, parsed from either form before anything is
/// verified, so that each malformation has exactly one error.
public struct SignatureInput: Sendable, Equatable {
    public enum Form: Sendable, Equatable {
        case header
        /// Presigned: the lifetime from `X-Amz-Expires`.
        case query(expiresSeconds: Int64)
    }

    public var form: Form
    public var accessKeyId: String
    public var scopeDate: String
    public var region: String
    public var service: String
    public var terminator: String
    public var signedHeaders: [String]
    public var signature: String
    /// The request time as sent (`X-Amz-Date`, or `Date` in the header form).
    public var amzDate: String
    public var instant: Instant
    public var sessionToken: String?

    public var scope: String { scopeDate + "/" + region + "/" + service + "/" + terminator }
}

/// Parses the `Authorization` header or the presigned query parameters into a `SignatureInput`.
public enum SignatureInputParser {
    public static func parse(headers: [(name: String, value: String)], query: [QueryParameter]) -> Result<SignatureInput, SigV4Failure> {
        if let auth = headers.first(where: { $0.name == "authorization" })?.value {
            return parseHeader(auth, headers: headers)
        }
        if query.contains(where: { $0.name == "X-Amz-Algorithm" }) {
            return parseQuery(query)
        }
        return .failure(.missingToken)
    }

    static func incomplete(_ message: String) -> SigV4Failure {
        SigV4Failure(.incompleteSignature, message, reason: "incomplete-signature")
    }

    public static func parseHeader(_ auth: String, headers: [(name: String, value: String)]) -> Result<SignatureInput, SigV4Failure> {
        let algorithm = "AWS4-HMAC-SHA256"
        var fields: [String: String] = [:]
        var hasAlgorithm = false
        if auth.hasPrefix(algorithm + " ") {
            hasAlgorithm = true
            for part in auth.dropFirst(algorithm.count + 1).split(separator: ",") {
                let p = part.trimmingCharacters(" ")
                if p.isEmpty { continue }
                guard let eq = p.firstIndex(of: "=") else {
                    return .failure(incomplete("'\(p)' not a valid key=value pair (missing equal-sign) in Authorization header: '\(auth)'."))
                }
                fields[String(p[..<eq])] = String(p[p.index(after: eq)...])
            }
        }
        let dateHeader = headers.first(where: { $0.name == "x-amz-date" })?.value ?? headers.first(where: { $0.name == "date" })?.value
        var missing = ""
        for key in ["Credential", "Signature", "SignedHeaders"] where fields[key] == nil {
            missing += "Authorization header requires '\(key)' parameter. "
        }
        if dateHeader == nil { missing += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " }
        if !missing.isEmpty || !hasAlgorithm {
            if !hasAlgorithm && missing.isEmpty { missing = "Unsupported AWS 'algorithm'. " }
            return .failure(incomplete(missing + "Authorization=" + auth))
        }
        let token = headers.first(where: { $0.name == "x-amz-security-token" })?.value
        return build(form: .header, credential: fields["Credential"]!, signedHeaders: fields["SignedHeaders"]!,
                     signature: fields["Signature"]!, date: dateHeader!, sessionToken: token)
    }

    public static func parseQuery(_ query: [QueryParameter]) -> Result<SignatureInput, SigV4Failure> {
        func value(_ name: String) -> String? { query.first(where: { $0.name == name })?.value }
        let required = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires"]
        guard required.allSatisfy({ value($0) != nil }) else {
            return .failure(incomplete("AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Expires'. Re-examine the query-string parameters."))
        }
        guard value("X-Amz-Algorithm") == "AWS4-HMAC-SHA256" else {
            return .failure(incomplete("Unsupported AWS 'algorithm': '\(value("X-Amz-Algorithm")!)'."))
        }
        let expiresText = value("X-Amz-Expires")!
        guard let expires = Int64(expiresText), expiresText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return .failure(incomplete("X-Amz-Expires should be a number, not '\(expiresText)'."))
        }
        guard expires >= 1 else {
            return .failure(incomplete("X-Amz-Expires must be non-negative and greater than zero, not \(expires)."))
        }
        guard expires <= 604_800 else {
            return .failure(incomplete("X-Amz-Expires must be less than a week (in seconds) that is 604800, not \(expires)."))
        }
        return build(form: .query(expiresSeconds: expires), credential: value("X-Amz-Credential")!,
                     signedHeaders: value("X-Amz-SignedHeaders")!, signature: value("X-Amz-Signature")!,
                     date: value("X-Amz-Date")!, sessionToken: value("X-Amz-Security-Token"))
    }

    static func build(form: SignatureInput.Form, credential: String, signedHeaders: String, signature: String,
                      date: String, sessionToken: String?) -> Result<SignatureInput, SigV4Failure> {
        let parts = credential.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5 else {
            return .failure(incomplete("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '\(credential)'"))
        }
        guard let instant = AMZDate.parse(date) ?? HTTPDate.parse(date) else {
            return .failure(incomplete("Date must be in ISO-8601 'basic format'. Got '\(date)'. See http://en.wikipedia.org/wiki/ISO_8601"))
        }
        let names = signedHeaders.split(separator: ";", omittingEmptySubsequences: false).map { $0.lowercased() }
        return .success(SignatureInput(
            form: form, accessKeyId: String(parts[0]), scopeDate: String(parts[1]), region: String(parts[2]),
            service: String(parts[3]), terminator: String(parts[4]), signedHeaders: names, signature: signature,
            amzDate: AMZDate.format(instant), instant: instant, sessionToken: sessionToken))
    }
}

extension StringProtocol {
    func trimmingCharacters(_ c: Character) -> Substring {
        var s = self[...]
        while s.first == c { s = s.dropFirst() }
        while s.last == c { s = s.dropLast() }
        return Substring(s)
    }
}
