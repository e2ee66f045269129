import ASCII
import Timekeeping

/// A key pair the verifier accepts, with its session token when it is a temporary credential.
public struct SigV4Credential: Sendable {
    public var accessKeyId: String
    public var secretAccessKey: String
    public var sessionToken: String?

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

/// The parts of an HTTP request that SigV4 reads. Header names must be lower case; the path
/// and query are exactly as received on the wire (still percent-encoded).
public struct SigV4Request: Sendable {
    public var method: String
    public var path: Substring
    public var query: Substring
    public var fields: HeaderFields
    public var body: [UInt8]

    public init(method: String, path: Substring, query: Substring, fields: HeaderFields, body: [UInt8]) {
        self.method = method
        self.path = path
        self.query = query
        self.fields = fields
        self.body = body
    }

    /// For tests and tools that hold the fields as pairs.
    public init(method: String, path: Substring, query: Substring, headers: [(name: String, value: String)], body: [UInt8]) {
        self.init(method: method, path: path, query: query, fields: HeaderFields(headers), body: body)
    }

    /// The fields as pairs; setting replaces them all.
    public var headers: [(name: String, value: String)] {
        get { fields.pairs }
        set { fields = HeaderFields(newValue) }
    }
}

public enum SigV4Verdict: Sendable {
    case authenticated(SignatureInput)
    case rejected(SigV4Failure, accessKeyId: String?)
}

/// Verifies SigV4 as an AWS service front end does: request + credentials + clock in, verdict
/// out. It never reads a clock itself, so tests pin time and the server passes the system clock
/// (never the mock's data clock).
public final class SigV4Verifier: Sendable {
    public struct Options: Sendable {
        public var service: String
        public var maxSkewSeconds: Int64
        public var explainFailures: Bool
        /// False only for S3-style signing; every other AWS service normalizes.
        public var normalizePath: Bool

        public init(service: String, maxSkewSeconds: Int64 = 300, explainFailures: Bool = true, normalizePath: Bool = true) {
            self.service = service
            self.maxSkewSeconds = maxSkewSeconds
            self.explainFailures = explainFailures
            self.normalizePath = normalizePath
        }
    }

    public let options: Options
    /// Every credential once (the last of any repeated key), in the order given: a config
    /// holds a handful, and comparing the claimed key's bytes with each costs less than
    /// making it a string to hash.
    private let credentialList: [CredentialKeys]
    /// The same, by key, for a long list.
    private let credentialIndex: [String: CredentialKeys]

    public init(options: Options, credentials: [SigV4Credential]) {
        self.options = options
        var map: [String: CredentialKeys] = [:]
        for c in credentials { map[c.accessKeyId] = CredentialKeys(c) }
        var seen = Set<String>()
        credentialList = credentials.compactMap { seen.insert($0.accessKeyId).inserted ? map[$0.accessKeyId] : nil }
        credentialIndex = map
    }

    private func keys(for input: SignatureInput) -> CredentialKeys? {
        guard credentialList.count <= 8 else { return credentialIndex[input.accessKeyId] }
        for keys in credentialList where input.equals(input.accessKeyIdRange, keys.accessKeyId) { return keys }
        return nil
    }

    static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    public func verify(_ request: SigV4Request, now: Instant) -> SigV4Verdict {
        verify(method: request.method, path: request.path, query: request.query, fields: request.fields, body: request.body, now: now)
    }

    /// The request's parts as the caller holds them: a server passes its parsed request's own
    /// fields, where gathering them into a `SigV4Request` retained and released each.
    public func verify(method: String, path: Substring, query rawQuery: Substring, fields: HeaderFields, body: [UInt8],
                       now: Instant) -> SigV4Verdict {
        let query = QueryParameter.parse(rawQuery)
        var input: SignatureInput
        switch SignatureInputParser.parse(headers: fields, query: query) {
        case .failure(let f): return .rejected(f, accessKeyId: nil)
        case .success(let i): input = i
        }
        let found = keys(for: input)
        input.knownAccessKeyId = found?.accessKeyId
        if let failure = failure(method: method, path: path, fields: fields, body: body, input: input, keys: found, query: query, now: now) {
            return .rejected(failure, accessKeyId: input.accessKeyId)
        }
        return .authenticated(input)
    }

    /// Why `input` does not authenticate the request, or nil when it does. Apart from `verify`
    /// so that the input is not captured by the closures here, and `verify` hands it on into
    /// the verdict rather than copying it.
    private func failure(method: String, path: Substring, fields: HeaderFields, body: [UInt8], input: SignatureInput,
                         keys found: CredentialKeys?, query: [QueryParameter], now: Instant) -> SigV4Failure? {
        guard let keys = found else { return .unknownAccessKey }
        if let expected = keys.credential.sessionToken {
            guard let sent = input.sessionTokenRange, input.text.withUnsafeBytes({ t in
                expected.utf8.span.withUnsafeBytes { constantTimeEqual(UnsafeRawBufferPointer(rebasing: t[sent]), $0) }
            }) else { return .wrongSessionToken }
        } else if input.sessionTokenRange != nil {
            return .wrongSessionToken
        }
        if let f = checkScope(input) { return f }
        if let f = checkTime(input, now: now) { return f }
        var signsHost = false
        input.forEachSignedHeader { if input.equals($0, "host") { signsHost = true } }
        guard signsHost else { return .hostNotSigned }
        guard let provided = Hex.decodeSignature(input.text.span.extracting(input.signatureRange)) else {
            return mismatch(nil, input: input)
        }

        let key = keys.signingKey(for: input)
        let payloadHash = SigV4Verifier.payloadHash(body)
        var firstRefused: [QueryParameter]?
        var authenticated = false
        forEachCandidateQuery(input: input, query: query) { candidate in
            authenticated = CanonicalRequest.withBytes(method: method, path: path, query: candidate, headers: fields, input: input,
                                                       payloadHash: payloadHash, normalizePath: options.normalizePath) { canonical in
                CanonicalRequest.withStringToSign(canonical: canonical, for: input) { sts in
                    provided.span.withUnsafeBytes { key.isValid(signature: $0, for: sts) }
                }
            }
            if !authenticated, firstRefused == nil { firstRefused = candidate }
            return !authenticated
        }
        guard !authenticated else { return nil }
        // The refused canonical request is made again as text only when the answer explains it.
        return mismatch(options.explainFailures ? firstRefused.map {
            CanonicalRequest(method: method, path: path, query: $0, headers: fields, input: input,
                             payloadHash: payloadHash, normalizePath: options.normalizePath)
        } : nil, input: input)
    }

    static func payloadHash(_ payload: [UInt8]) -> String {
        payload.isEmpty ? emptyPayloadHash : Hex.sha256(payload)
    }

    /// Calls `body` with the query of each canonical request a signer may have signed, most
    /// likely first, until it returns false: the query as sent for the header form; for the
    /// presigned form, the query minus `X-Amz-Signature`, and also without
    /// `X-Amz-Security-Token` when the token may have been appended after signing
    /// (post-sts-header-after). Always inlined (see `CanonicalRequest.withBytes`).
    @inline(__always)
    func forEachCandidateQuery(input: SignatureInput, query: [QueryParameter], _ body: ([QueryParameter]) -> Bool) {
        guard case .query = input.form else {
            _ = body(query)
            return
        }
        let unsigned = query.filter { $0.name != "X-Amz-Signature" }
        guard body(unsigned), input.sessionTokenRange != nil else { return }
        _ = body(unsigned.filter { $0.name != "X-Amz-Security-Token" })
    }

    /// Every candidate canonical request with its string to sign, without verifying; tests
    /// compare them with the suite's expected files.
    public func canonicalize(_ request: SigV4Request, input: SignatureInput) -> [(canonicalRequest: String, stringToSign: String)] {
        var all: [(String, String)] = []
        let payloadHash = SigV4Verifier.payloadHash(request.body)
        forEachCandidateQuery(input: input, query: QueryParameter.parse(request.query)) { candidate in
            let canonical = CanonicalRequest(method: request.method, path: request.path, query: candidate, headers: request.fields,
                                             input: input, payloadHash: payloadHash, normalizePath: options.normalizePath)
            all.append((canonical.text, String(decoding: canonical.stringToSign(for: input), as: UTF8.self)))
            return true
        }
        return all
    }

    private func mismatch(_ canonical: CanonicalRequest?, input: SignatureInput) -> SigV4Failure {
        guard options.explainFailures, let canonical else { return .signatureMismatch(explanation: nil) }
        return .signatureMismatch(explanation: .init(canonicalRequest: canonical.text,
                                                     stringToSign: String(decoding: canonical.stringToSign(for: input), as: UTF8.self)))
    }

    private func checkScope(_ input: SignatureInput) -> SigV4Failure? {
        if !input.equals(input.terminatorRange, "aws4_request") {
            return .scopeTerminator(input.terminator)
        }
        if !input.equals(input.serviceRange, options.service) {
            return .scopeService(expected: options.service)
        }
        if !RegionName.isWellFormed(input.text.span.extracting(input.regionRange)) {
            return .scopeRegion
        }
        if !SigV4Verifier.isRequestDay(input.text.span.extracting(input.scopeDateRange), of: input.text.span.extracting(input.amzDateRange)) {
            return .scopeDate(scope: input.scopeDate, amzDate: input.amzDate)
        }
        return nil
    }

    /// Whether `day` is the `YYYYMMDD` that starts `amzDate`.
    static func isRequestDay(_ day: Span<UInt8>, of amzDate: Span<UInt8>) -> Bool {
        guard day.count == 8, amzDate.count >= 8 else { return false }
        for i in 0..<8 where day[i] != amzDate[i] { return false }
        return true
    }

    private func checkTime(_ input: SignatureInput, now: Instant) -> SigV4Failure? {
        let window = options.maxSkewSeconds
        if case .query(let expires) = input.form {
            let expiry = input.instant.adding(seconds: expires)
            if now > expiry {
                return .presignExpired(amzDate: input.amzDate, earliest: now.adding(seconds: -expires), now: now, expiresSeconds: expires)
            }
        }
        guard window > 0 else { return nil }
        let earliest = now.adding(seconds: -window)
        let latest = now.adding(seconds: window)
        if case .header = input.form, input.instant < earliest {
            return .skewPast(amzDate: input.amzDate, earliest: earliest, now: now, windowSeconds: window)
        }
        if input.instant > latest {
            return .skewFuture(amzDate: input.amzDate, latest: latest, now: now, windowSeconds: window)
        }
        return nil
    }
}

/// Equal bytes, in time that depends only on the lengths: where a secret and a guess first
/// differ must not show in how long the answer takes.
public func constantTimeEqual(_ x: UnsafeRawBufferPointer, _ y: UnsafeRawBufferPointer) -> Bool {
    var diff = UInt8(x.count == y.count ? 0 : 1)
    for i in 0..<min(x.count, y.count) { diff |= x[i] ^ y[i] }
    return diff == 0
}

/// `constantTimeEqual` of two strings' UTF-8 (a token the mock API compares, say).
public func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    var a = a, b = b
    return a.withUTF8 { x in b.withUTF8 { y in constantTimeEqual(UnsafeRawBufferPointer(x), UnsafeRawBufferPointer(y)) } }
}
