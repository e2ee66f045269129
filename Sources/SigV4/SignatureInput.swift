import ASCII
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
}

/// Parses the `Authorization` header or the presigned query parameters into a `SignatureInput`.
public enum SignatureInputParser {
    public static func parse(headers: HeaderFields, query: [QueryParameter]) -> Result<SignatureInput, SigV4Failure> {
        if let auth = headers.firstIndex(named: "authorization") {
            return parseHeader(headers, authorization: auth)
        }
        if query.contains(where: { $0.name == "X-Amz-Algorithm" }) {
            return parseQuery(query)
        }
        return .failure(.missingToken)
    }

    static func incomplete(_ message: String) -> SigV4Failure {
        SigV4Failure(.incompleteSignature, message, reason: "incomplete-signature")
    }

    /// The header form, from field `authorization` of `headers`; read in place, since it runs
    /// on every request.
    public static func parseHeader(_ headers: HeaderFields, authorization: Int) -> Result<SignatureInput, SigV4Failure> {
        var credential: Range<Int>?, signedHeaders: Range<Int>?, signature: String?
        let b = headers.bytes.span.extracting(headers.valueRange(authorization))
        let hasAlgorithm = ASCIIBytes.hasPrefix(b, "AWS4-HMAC-SHA256 ")
        if hasAlgorithm {
            var partStart = 17
            while partStart <= b.count {
                let partEnd = ASCIIBytes.first(UInt8(ascii: ","), in: b, partStart..<b.count)
                var s = partStart, e = partEnd
                partStart = partEnd + 1
                while s < e, b[s] == 0x20 { s += 1 }
                while e > s, b[e - 1] == 0x20 { e -= 1 }
                if s == e { continue }
                let eq = ASCIIBytes.first(UInt8(ascii: "="), in: b, s..<e)
                guard eq < e else {
                    return .failure(incomplete("'\(ASCIIBytes.string(b, s..<e))' not a valid key=value pair (missing equal-sign) in Authorization header: '\(headers.value(authorization))'."))
                }
                if ASCIIBytes.equals(b, s..<eq, "Credential") { credential = (eq + 1)..<e }
                else if ASCIIBytes.equals(b, s..<eq, "SignedHeaders") { signedHeaders = (eq + 1)..<e }
                else if ASCIIBytes.equals(b, s..<eq, "Signature") { signature = ASCIIBytes.string(b, (eq + 1)..<e) }
            }
        }
        var dateHeader: String?
        var date: String?
        var token: String?
        for i in 0..<headers.count {
            if dateHeader == nil, headers.hasName(i, "x-amz-date") {
                dateHeader = headers.value(i)
            } else if date == nil, headers.hasName(i, "date") {
                date = headers.value(i)
            } else if token == nil, headers.hasName(i, "x-amz-security-token") {
                token = headers.value(i)
            }
        }
        let requestDate = dateHeader ?? date
        var missing = ""
        if credential == nil { missing += "Authorization header requires 'Credential' parameter. " }
        if signature == nil { missing += "Authorization header requires 'Signature' parameter. " }
        if signedHeaders == nil { missing += "Authorization header requires 'SignedHeaders' parameter. " }
        if requestDate == nil { missing += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " }
        guard missing.isEmpty, hasAlgorithm, let credential, let signedHeaders, let signature, let requestDate else {
            if missing.isEmpty { missing = "Unsupported AWS 'algorithm'. " }
            return .failure(incomplete(missing + "Authorization=" + headers.value(authorization)))
        }
        return build(form: .header, credential: b.extracting(credential), signedHeaders: b.extracting(signedHeaders),
                     signature: signature, date: requestDate, sessionToken: token)
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
        return build(form: .query(expiresSeconds: expires), credential: value("X-Amz-Credential")!.utf8.span,
                     signedHeaders: value("X-Amz-SignedHeaders")!.utf8.span, signature: value("X-Amz-Signature")!,
                     date: value("X-Amz-Date")!, sessionToken: value("X-Amz-Security-Token"))
    }

    static func build(form: SignatureInput.Form, credential c: Span<UInt8>, signedHeaders h: Span<UInt8>,
                      signature: String, date: String, sessionToken: String?) -> Result<SignatureInput, SigV4Failure> {
        // The four slashes of keyid/date/region/service/term, and no fifth.
        var cuts = InlineArray<4, Int>(repeating: c.count)
        var from = 0
        for k in 0..<4 where from <= c.count {
            cuts[k] = ASCIIBytes.first(UInt8(ascii: "/"), in: c, from..<c.count)
            from = cuts[k] + 1
        }
        guard cuts[3] < c.count, ASCIIBytes.first(UInt8(ascii: "/"), in: c, from..<c.count) == c.count else {
            return .failure(incomplete("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '\(ASCIIBytes.string(c, 0..<c.count))'"))
        }
        let instant: Instant
        let amzDate: String
        if let i = AMZDate.parse(date) {
            instant = i
            amzDate = date
        } else if let i = HTTPDate.parse(date) {
            instant = i
            amzDate = AMZDate.format(i)
        } else {
            return .failure(incomplete("Date must be in ISO-8601 'basic format'. Got '\(date)'. See http://en.wikipedia.org/wiki/ISO_8601"))
        }
        var names: [String] = []
        names.reserveCapacity(1 + h.withUnsafeBytes { $0.count(where: { $0 == UInt8(ascii: ";") }) })
        var nameStart = 0
        for i in 0...h.count where i == h.count || h[i] == UInt8(ascii: ";") {
            names.append(ASCIIBytes.lowercasedString(h, nameStart..<i))
            nameStart = i + 1
        }
        return .success(SignatureInput(
            form: form, accessKeyId: ASCIIBytes.string(c, 0..<cuts[0]), scopeDate: ASCIIBytes.string(c, (cuts[0] + 1)..<cuts[1]),
            region: ASCIIBytes.string(c, (cuts[1] + 1)..<cuts[2]), service: ASCIIBytes.string(c, (cuts[2] + 1)..<cuts[3]),
            terminator: ASCIIBytes.string(c, (cuts[3] + 1)..<c.count), signedHeaders: names, signature: signature,
            amzDate: amzDate, instant: instant, sessionToken: sessionToken))
    }
}

/// AWS region names as credential scopes carry them.
public enum RegionName {
    /// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`: two letters, words, a number.
    public static func isWellFormed(_ region: String) -> Bool {
        let b = region.utf8.span
        var parts = 0
        var partStart = 0
        for i in 0...b.count where i == b.count || b[i] == UInt8(ascii: "-") {
            let r = partStart..<i
            partStart = i + 1
            parts += 1
            if r.isEmpty { return false }
            if i == b.count {
                if !ASCIIBytes.isDigits(b, r) { return false }
            } else {
                if parts == 1, r.count != 2 { return false }
                for k in r where b[k] < 0x61 || b[k] > 0x7a { return false }
            }
        }
        return parts >= 3
    }
}
