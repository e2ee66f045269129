import ASCII
import ContactModel
import HTTP1
import JSON

/// The errors DescribeContact answers, as AWS sends them: status, `x-amzn-ErrorType`,
/// `x-amzn-RequestId`, and a JSON body whose message key is `Message` for the operation's
/// modeled errors and AccessDeniedException, and `message` for the authentication errors and
/// UnknownOperation (botocore reads either). The one place error responses are built.
public struct AWSError: Error, Sendable {
    public var status: Int
    public var code: String
    public var message: String
    /// Extra headers (`x-mock-reason`).
    public var headers: [(String, String)] = []

    public init(status: Int, code: String, message: String, headers: [(String, String)] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    static let lowerCaseMessageCodes: Set<String> = [
        "MissingAuthenticationTokenException", "IncompleteSignatureException", "UnrecognizedClientException",
        "InvalidSignatureException", "UnknownOperationException",
    ]

    public func response(requestId: UUID4) -> HTTPResponse {
        let key = AWSError.lowerCaseMessageCodes.contains(code) ? "message" : "Message"
        let body = JSONWriter.bytes(.object([JSONMember(key: key, value: .string(message))]))
        return HTTPResponse(status: status, contentType: "application/json", idHeader: ("x-amzn-RequestId", requestId),
                            headers: [("x-amzn-ErrorType", code)] + headers, body: body)
    }

    static let unknownOperation = AWSError(status: 404, code: "UnknownOperationException", message: "Unknown operation")
    static let throttled = AWSError(status: 429, code: "ThrottlingException", message: "Rate exceeded")
    static let internalError = AWSError(status: 500, code: "InternalServiceException", message: "An internal error occurred.")

    /// An error a fault rule injects, with the rule's message or the mock's default for it:
    /// AWS's wording for throttling and internal errors, and for the rest a sentence that names
    /// the resource (`notFound`) or says what kind of fault it is.
    static func injected(_ e: ModeledError, message: String?, notFound: @autoclosure () -> String) -> AWSError {
        let text = message ?? {
            switch e.code {
            case throttled.code: return throttled.message
            case internalError.code: return internalError.message
            case "ResourceNotFoundException": return notFound()
            case "InvalidParameterException": return "One or more of the specified parameters are not valid."
            case "InvalidRequestException": return "The request is not valid."
            default: return "\(e.code) (injected by a connect-mock fault rule)"
            }
        }()
        return AWSError(status: e.status, code: e.code, message: text)
    }

    static func invalidParameter(_ message: String) -> AWSError {
        AWSError(status: 400, code: "InvalidParameterException", message: message)
    }

    static func instanceNotFound(_ id: String) -> AWSError {
        AWSError(status: 404, code: "ResourceNotFoundException", message: "Instance not found: \(id)")
    }

    static func contactNotFound(_ id: String, reason: String) -> AWSError {
        AWSError(status: 404, code: "ResourceNotFoundException", message: "Contact not found: \(id)", headers: [("x-mock-reason", reason)])
    }
}

/// Random version-4 UUIDs for request ids: xorshift seeded once from the system, since a
/// request id needs to be unique, not secret, and a getrandom call per request is measurable.
struct RequestIDGenerator {
    private var state: (UInt64, UInt64)

    init() {
        var g = SystemRandomNumberGenerator()
        state = (g.next() | 1, g.next() | 1)
    }

    mutating func next() -> UUID4 {
        func step(_ s: inout (UInt64, UInt64)) -> UInt64 {
            var x = s.0
            let y = s.1
            s.0 = y
            x ^= x << 23
            s.1 = x ^ y ^ (x >> 17) ^ (y >> 26)
            return s.1 &+ y
        }
        let a = step(&state), b = step(&state)
        return UUID4(a, b)
    }
}
