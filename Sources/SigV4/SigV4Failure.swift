import Timekeeping

/// Why a request does not authenticate: one case per cause, each carrying what its message
/// needs. The code clients read from `x-amzn-ErrorType`, the message as AWS words it, and the
/// journal's tag are all derived here; callers match on the case, never on text. Every
/// authentication failure is a 403.
public enum SigV4Failure: Error, Equatable, Sendable {
    /// The AWS error code of each cause.
    public enum Code: String, Sendable {
        case missingAuthenticationToken = "MissingAuthenticationTokenException"
        case incompleteSignature = "IncompleteSignatureException"
        case unrecognizedClient = "UnrecognizedClientException"
        case invalidSignature = "InvalidSignatureException"
    }

    /// What AWS would have signed: the canonical request and the string to sign.
    public struct MismatchExplanation: Equatable, Sendable {
        public var canonicalRequest: String
        public var stringToSign: String

        public init(canonicalRequest: String, stringToSign: String) {
            self.canonicalRequest = canonicalRequest
            self.stringToSign = stringToSign
        }
    }

    /// What makes a signature incomplete: a part missing or malformed.
    public enum Incomplete: Equatable, Sendable {
        /// An `Authorization` element that is not `key=value`.
        case notKeyValue(pair: String, header: String)
        /// The sentences naming each part missing from the header (or an unsupported algorithm).
        case missingParts(String, header: String)
        case missingQueryParameters
        case unsupportedQueryAlgorithm(String)
        case expiresNotANumber(String)
        case expiresNotPositive(Int64)
        case expiresTooLong(Int64)
        case credentialElements(String)
        case dateNotBasicFormat(String)
    }

    case missingAuthenticationToken
    case incomplete(Incomplete)
    case unknownAccessKey
    case wrongSessionToken
    case hostNotSigned
    /// The signature differs; with `explainFailures`, what AWS would have signed.
    case signatureMismatch(explanation: MismatchExplanation?)
    case scopeTerminator(String)
    case scopeService(expected: String)
    case scopeRegion
    case scopeDate(scope: String, amzDate: String)
    case presignExpired(amzDate: String, earliest: Instant, now: Instant, expiresSeconds: Int64)
    case skewPast(amzDate: String, earliest: Instant, now: Instant, windowSeconds: Int64)
    case skewFuture(amzDate: String, latest: Instant, now: Instant, windowSeconds: Int64)

    public var code: Code {
        switch self {
        case .missingAuthenticationToken: .missingAuthenticationToken
        case .incomplete: .incompleteSignature
        case .unknownAccessKey, .wrongSessionToken: .unrecognizedClient
        case .hostNotSigned, .signatureMismatch, .scopeTerminator, .scopeService, .scopeRegion, .scopeDate,
             .presignExpired, .skewPast, .skewFuture: .invalidSignature
        }
    }

    /// A short tag for the request journal and logs (`signature-mismatch`, `skew-past`, ...).
    public var reason: String {
        switch self {
        case .missingAuthenticationToken: "missing-auth"
        case .incomplete: "incomplete-signature"
        case .unknownAccessKey: "unknown-key"
        case .wrongSessionToken: "session-token"
        case .hostNotSigned: "host-unsigned"
        case .signatureMismatch: "signature-mismatch"
        case .scopeTerminator: "scope-terminator"
        case .scopeService: "scope-service"
        case .scopeRegion: "scope-region"
        case .scopeDate: "scope-date"
        case .presignExpired: "presign-expired"
        case .skewPast: "skew-past"
        case .skewFuture: "skew-future"
        }
    }

    /// The message as AWS words it.
    public var message: String {
        switch self {
        case .missingAuthenticationToken:
            return "Missing Authentication Token"
        case .incomplete(let i):
            return i.message
        case .unknownAccessKey, .wrongSessionToken:
            return "The security token included in the request is invalid."
        case .hostNotSigned:
            return "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
        case .signatureMismatch(let explanation):
            var message = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
            if let explanation {
                message += "\n\nThe Canonical String for this request should have been\n'" + explanation.canonicalRequest
                    + "'\n\nThe String-to-Sign should have been\n'" + explanation.stringToSign + "'\n"
            }
            return message
        case .scopeTerminator(let terminator):
            return "Credential should be scoped with a valid terminator: 'aws4_request', not '\(terminator)'. "
        case .scopeService(let expected):
            return "Credential should be scoped to correct service: '\(expected)'. "
        case .scopeRegion:
            return "Credential should be scoped to a valid region. "
        case .scopeDate(let scope, let amzDate):
            return "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '\(scope)' != '\(amzDate.prefix(8))', from '\(amzDate)'."
        case .presignExpired(let amzDate, let earliest, let now, let expires):
            return "Signature expired: \(amzDate) is now earlier than \(AMZDate.format(earliest)) (\(AMZDate.format(now)) - \(expires) sec.)"
        case .skewPast(let amzDate, let earliest, let now, let window):
            return "Signature expired: \(amzDate) is now earlier than \(AMZDate.format(earliest)) (\(AMZDate.format(now)) - \(SigV4Failure.windowText(window)))"
        case .skewFuture(let amzDate, let latest, let now, let window):
            return "Signature not yet current: \(amzDate) is still later than \(AMZDate.format(latest)) (\(AMZDate.format(now)) + \(SigV4Failure.windowText(window)))"
        }
    }

    static func windowText(_ window: Int64) -> String {
        window % 60 == 0 ? "\(window / 60) min." : "\(window) sec."
    }

}

extension SigV4Failure.Incomplete {
    var message: String {
        switch self {
        case .notKeyValue(let pair, let header):
            "'\(pair)' not a valid key=value pair (missing equal-sign) in Authorization header: '\(header)'."
        case .missingParts(let sentences, let header):
            sentences + "Authorization=" + header
        case .missingQueryParameters:
            "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Expires'. Re-examine the query-string parameters."
        case .unsupportedQueryAlgorithm(let algorithm):
            "Unsupported AWS 'algorithm': '\(algorithm)'."
        case .expiresNotANumber(let text):
            "X-Amz-Expires should be a number, not '\(text)'."
        case .expiresNotPositive(let n):
            "X-Amz-Expires must be non-negative and greater than zero, not \(n)."
        case .expiresTooLong(let n):
            "X-Amz-Expires must be less than a week (in seconds) that is 604800, not \(n)."
        case .credentialElements(let credential):
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '\(credential)'"
        case .dateNotBasicFormat(let date):
            "Date must be in ISO-8601 'basic format'. Got '\(date)'. See http://en.wikipedia.org/wiki/ISO_8601"
        }
    }
}
