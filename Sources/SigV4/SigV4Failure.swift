/// A refusal as AWS words it: the error code clients read from `x-amzn-ErrorType` and the
/// message they surface. Every authentication failure is a 403.
public struct SigV4Failure: Error, Equatable, Sendable {
    public enum Code: String, Sendable {
        case missingAuthenticationToken = "MissingAuthenticationTokenException"
        case incompleteSignature = "IncompleteSignatureException"
        case unrecognizedClient = "UnrecognizedClientException"
        case invalidSignature = "InvalidSignatureException"
    }

    public var code: Code
    public var message: String
    /// A short tag for the request journal and logs (`signature-mismatch`, `skew`, ...).
    public var reason: String

    public init(_ code: Code, _ message: String, reason: String) {
        self.code = code
        self.message = message
        self.reason = reason
    }

    static let missingToken = SigV4Failure(.missingAuthenticationToken, "Missing Authentication Token", reason: "missing-auth")
    static let unrecognizedClient = SigV4Failure(.unrecognizedClient, "The security token included in the request is invalid.", reason: "unknown-key")
    static let badSessionToken = SigV4Failure(.unrecognizedClient, "The security token included in the request is invalid.", reason: "session-token")
}
