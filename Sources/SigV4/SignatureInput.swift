import ASCII
import Timekeeping

/// What a request claims about its signature, parsed from either form before anything is
/// verified, so that each malformation has exactly one error.
///
/// The claimed parts are ranges of one small buffer (`text`) rather than a string each: every
/// request parses one, and verifying reads them as bytes. The string properties are made on
/// demand, for messages, the journal and tests.
public struct SignatureInput: Sendable {
    public enum Form: Sendable, Equatable {
        case header
        /// Presigned: the lifetime from `X-Amz-Expires`.
        case query(expiresSeconds: Int64)
    }

    public let form: Form
    /// The credential (`keyid/date/region/service/terminator`), the signed header list
    /// lower-cased, the signature, the request time in SigV4's basic format and any session
    /// token, one after another.
    let text: [UInt8]
    let accessKeyIdRange: Range<Int>
    let scopeDateRange: Range<Int>
    let regionRange: Range<Int>
    let serviceRange: Range<Int>
    let terminatorRange: Range<Int>
    /// The `SignedHeaders` list as sent but lower-cased: names joined by `;`, which is also
    /// how the canonical request lists them.
    let signedHeadersRange: Range<Int>
    let signatureRange: Range<Int>
    let amzDateRange: Range<Int>
    let sessionTokenRange: Range<Int>?
    /// The request time (`X-Amz-Date`, or `Date` in the header form).
    public let instant: Instant
    /// The configured key's own string once the verifier has found it, so the verdict hands
    /// on that rather than a new one.
    var knownAccessKeyId: String?

    public var accessKeyId: String { knownAccessKeyId ?? string(accessKeyIdRange) }
    public var scopeDate: String { string(scopeDateRange) }
    public var region: String { string(regionRange) }
    /// Whether the credential's scope names `region`, compared where it was parsed: every
    /// request asks, and a string of the region was made for nothing else.
    public func isRegion(_ region: String) -> Bool { equals(regionRange, region) }
    public var service: String { string(serviceRange) }
    public var terminator: String { string(terminatorRange) }
    public var signedHeaders: [String] {
        var names: [String] = []
        forEachSignedHeader { names.append(string($0)) }
        return names
    }
    public var signature: String { string(signatureRange) }
    /// The request time as sent (`X-Amz-Date`), or `Date` rewritten in that format.
    public var amzDate: String { string(amzDateRange) }
    public var sessionToken: String? { sessionTokenRange.map(string) }

    /// Calls `body` with each signed header name's range, in the order sent (an empty name
    /// for each empty piece between semicolons).
    func forEachSignedHeader(_ body: (Range<Int>) -> Void) {
        let r = signedHeadersRange
        text.withUnsafeBytes { t in
            var start = r.lowerBound
            while true {
                let end = ASCIIBytes.first(UInt8(ascii: ";"), in: t, start..<r.upperBound)
                body(start..<end)
                if end == r.upperBound { return }
                start = end + 1
            }
        }
    }

    /// `date/region/service`: what a signing key is derived for.
    var keyScopeRange: Range<Int> { scopeDateRange.lowerBound..<serviceRange.upperBound }
    /// `date/region/service/terminator`, as the string to sign carries it.
    var credentialScopeRange: Range<Int> { scopeDateRange.lowerBound..<terminatorRange.upperBound }

    func string(_ r: Range<Int>) -> String { ASCIIBytes.string(text.span, r) }

    /// Whether the part at `r` is `expected`, byte for byte.
    func equals(_ r: Range<Int>, _ expected: String) -> Bool {
        text.span.withUnsafeBytes { t in expected.utf8.span.withUnsafeBytes { ASCIIBytes.equals(t, r, $0) } }
    }

    func equals(_ r: Range<Int>, _ literal: StaticString) -> Bool {
        ASCIIBytes.equals(text.span, r, literal)
    }
}

/// Parses the `Authorization` header or the presigned query parameters into a `SignatureInput`.
public enum SignatureInputParser {
    public static func parse(headers: HeaderFields, query: [QueryParameter]) -> Result<SignatureInput, SigV4Failure> {
        if let auth = headers.firstIndex(lowercased: "authorization") {
            return parseHeader(headers, authorization: auth)
        }
        if query.contains(where: { $0.name == "X-Amz-Algorithm" }) {
            return parseQuery(query)
        }
        return .failure(.missingAuthenticationToken)
    }

    /// The header form, from field `authorization` of `headers`; read in place, since it runs
    /// on every request.
    public static func parseHeader(_ headers: HeaderFields, authorization: Int) -> Result<SignatureInput, SigV4Failure> {
        let all = headers.bytes.span
        let value = headers.valueRange(authorization)
        let b = all.extracting(value)
        var credential: Range<Int>?, signedHeaders: Range<Int>?, signature: Range<Int>?
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
                    return .failure(.incomplete(.notKeyValue(pair: ASCIIBytes.string(b, s..<e), header: headers.value(authorization))))
                }
                let part = (value.lowerBound + eq + 1)..<(value.lowerBound + e)
                if ASCIIBytes.equals(b, s..<eq, "Credential") { credential = part }
                else if ASCIIBytes.equals(b, s..<eq, "SignedHeaders") { signedHeaders = part }
                else if ASCIIBytes.equals(b, s..<eq, "Signature") { signature = part }
            }
        }
        var dateHeader: Int?, date: Int?, token: Int?
        for i in 0..<headers.count {
            if dateHeader == nil, headers.hasName(i, lowercased: "x-amz-date") {
                dateHeader = i
            } else if date == nil, headers.hasName(i, lowercased: "date") {
                date = i
            } else if token == nil, headers.hasName(i, lowercased: "x-amz-security-token") {
                token = i
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
            return .failure(.incomplete(.missingParts(missing, header: headers.value(authorization))))
        }
        return build(form: .header, credential: all.extracting(credential), signedHeaders: all.extracting(signedHeaders),
                     signature: all.extracting(signature), date: all.extracting(headers.valueRange(requestDate)),
                     sessionToken: all.extracting(token.map(headers.valueRange) ?? 0..<0), hasSessionToken: token != nil)
    }

    public static func parseQuery(_ query: [QueryParameter]) -> Result<SignatureInput, SigV4Failure> {
        func value(_ name: String) -> String? { query.first(where: { $0.name == name })?.value }
        let required = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires"]
        guard required.allSatisfy({ value($0) != nil }) else {
            return .failure(.incomplete(.missingQueryParameters))
        }
        guard value("X-Amz-Algorithm") == "AWS4-HMAC-SHA256" else {
            return .failure(.incomplete(.unsupportedQueryAlgorithm(value("X-Amz-Algorithm")!)))
        }
        let expiresText = value("X-Amz-Expires")!
        guard let expires = Int64(expiresText), expiresText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return .failure(.incomplete(.expiresNotANumber(expiresText)))
        }
        guard expires >= 1 else {
            return .failure(.incomplete(.expiresNotPositive(expires)))
        }
        guard expires <= 604_800 else {
            return .failure(.incomplete(.expiresTooLong(expires)))
        }
        let token = value("X-Amz-Security-Token")
        return build(form: .query(expiresSeconds: expires), credential: value("X-Amz-Credential")!.utf8.span,
                     signedHeaders: value("X-Amz-SignedHeaders")!.utf8.span, signature: value("X-Amz-Signature")!.utf8.span,
                     date: value("X-Amz-Date")!.utf8.span, sessionToken: (token ?? "").utf8.span, hasSessionToken: token != nil)
    }

    static func build(form: SignatureInput.Form, credential c: Span<UInt8>, signedHeaders h: Span<UInt8>,
                      signature: Span<UInt8>, date: Span<UInt8>, sessionToken: Span<UInt8>,
                      hasSessionToken: Bool) -> Result<SignatureInput, SigV4Failure> {
        // The four slashes of keyid/date/region/service/term, and no fifth.
        var cuts = InlineArray<4, Int>(repeating: c.count)
        var from = 0
        for k in 0..<4 where from <= c.count {
            cuts[k] = ASCIIBytes.first(UInt8(ascii: "/"), in: c, from..<c.count)
            from = cuts[k] + 1
        }
        guard cuts[3] < c.count, ASCIIBytes.first(UInt8(ascii: "/"), in: c, from..<c.count) == c.count else {
            return .failure(.incomplete(.credentialElements(ASCIIBytes.string(c, 0..<c.count))))
        }
        let instant: Instant
        var reformatted: String?
        if let i = AMZDate.parse(date) {
            instant = i
        } else if let i = HTTPDate.parse(ASCIIBytes.string(date, 0..<date.count)) {
            instant = i
            reformatted = AMZDate.format(i)
        } else {
            return .failure(.incomplete(.dateNotBasicFormat(ASCIIBytes.string(date, 0..<date.count))))
        }
        let dateCount = reformatted?.utf8.count ?? date.count
        // Reserved and appended to rather than made with `unsafeUninitializedCapacity`, whose
        // allocation is not specialized and looked the array's type up at run time (about 500
        // instructions a request).
        var text: [UInt8] = []
        text.reserveCapacity(c.count + h.count + signature.count + dateCount + (hasSessionToken ? sessionToken.count : 0))
        let credential = append(c, to: &text)
        let signedHeadersStart = text.count
        h.withUnsafeBufferPointer { h in
            for ch in h { text.append(ASCIIBytes.lowercased(ch)) }
        }
        let signedHeaders = signedHeadersStart..<text.count
        let signatureRange = append(signature, to: &text)
        let amzDate = reformatted.map { append($0.utf8.span, to: &text) } ?? append(date, to: &text)
        let token = hasSessionToken ? append(sessionToken, to: &text) : nil
        let c0 = credential.lowerBound
        return .success(SignatureInput(
            form: form, text: text, accessKeyIdRange: c0..<(c0 + cuts[0]), scopeDateRange: (c0 + cuts[0] + 1)..<(c0 + cuts[1]),
            regionRange: (c0 + cuts[1] + 1)..<(c0 + cuts[2]), serviceRange: (c0 + cuts[2] + 1)..<(c0 + cuts[3]),
            terminatorRange: (c0 + cuts[3] + 1)..<credential.upperBound, signedHeadersRange: signedHeaders, signatureRange: signatureRange,
            amzDateRange: amzDate, sessionTokenRange: token, instant: instant, knownAccessKeyId: nil))
    }
}

/// Appends `part` to `text`; returns where it landed.
private func append(_ part: Span<UInt8>, to text: inout [UInt8]) -> Range<Int> {
    let at = text.count
    part.withUnsafeBufferPointer { text.append(contentsOf: $0) }
    return at..<text.count
}

/// AWS region names as credential scopes carry them.
public enum RegionName {
    /// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`: two letters, words, a number.
    public static func isWellFormed(_ region: String) -> Bool {
        isWellFormed(region.utf8.span)
    }

    static func isWellFormed(_ b: Span<UInt8>) -> Bool {
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
