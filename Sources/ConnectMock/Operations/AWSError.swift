import ASCII
import ContactModel
import HTTP1
import JSON
import SigV4

/// Why an AWS operation failed, one case per cause, in the pipeline's order. Rendered for AWS
/// clients in one place (`rendered`), and tagged for the journal (`reason`); nothing downstream
/// reads a message to learn what happened.
enum AWSFailure: Error, Sendable {
    case unknownOperation
    case unauthenticated(SigV4Failure)
    case accessDenied(operation: String, user: String, account: String, resource: String)
    case throttled
    case injected(ModeledError, message: String?, notFound: String)
    case invalidParameter(member: String, IdentifierRule.Violation)
    /// A body that is not a JSON object (what JSON services answer SerializationException for).
    case malformedBody(String)
    /// An input member that breaks the model's input shape.
    case invalidInput(InputViolation)
    case instanceNotFound(String)
    /// A request the model accepts but the operation refuses (AWS's InvalidRequestException).
    case invalidRequest(String)
    /// StopContact of a contact that has ended or does not exist (AWS's ContactNotFoundException).
    case contactNotActive(String)
    /// StartOutboundVoiceContact to a number an outbound rule marks `not-allowed`.
    case destinationNotAllowed(String)
    case contactNotFound(String, reason: String)
    /// A user or a queue that is not in the instance's directory (`kind`: User, Queue).
    case resourceNotFound(kind: String, id: String)
    /// A SearchContacts member the mock cannot evaluate faithfully (named by its path).
    case notEvaluated(member: String)
    /// A NextToken this query or listing did not give out.
    case invalidNextToken
    /// UpdateContactAttributes would leave the chain with more than AWS's 32,768 UTF-8 bytes.
    case attributesTooLarge(bytes: Int)
    case storeFailed

    var rendered: AWSError {
        switch self {
        case .unknownOperation:
            return AWSError(status: 404, code: "UnknownOperationException", message: "Unknown operation")
        case .unauthenticated(let f):
            return AWSError(status: 403, code: f.code.rawValue, message: f.message)
        case .accessDenied(let operation, let user, let account, let resource):
            return AWSError(status: 403, code: "AccessDeniedException",
                            message: "User: arn:aws:iam::\(account):user/\(user) is not authorized to perform: connect:\(operation) on resource: \(resource)")
        case .throttled:
            return AWSError(status: 429, code: "ThrottlingException", message: AWSError.throttlingMessage)
        case .injected(let e, let message, let notFound):
            return AWSError(status: e.status, code: e.code, message: message ?? AWSError.defaultMessage(of: e.code, notFound: notFound),
                            messageKey: e.messageKey)
        case .invalidParameter(let member, let violation):
            return AWSError(status: 400, code: "InvalidParameterException", message: violation.message(member: member))
        case .malformedBody(let why):
            return AWSError(status: 400, code: "SerializationException", message: "The request body is not valid JSON: \(why)")
        case .invalidInput(let violation):
            return AWSError(status: 400, code: "InvalidParameterException", message: violation.message)
        case .instanceNotFound(let id):
            return AWSError(status: 404, code: "ResourceNotFoundException", message: "Instance not found: \(id)")
        case .invalidRequest(let message):
            return AWSError(status: 400, code: "InvalidRequestException", message: message)
        case .contactNotActive(let id):
            return AWSError(status: 410, code: "ContactNotFoundException", message: "The contact \(id) is not active or does not exist.")
        case .destinationNotAllowed(let number):
            return AWSError(status: 403, code: "DestinationNotAllowedException", message: "Outbound calls to \(number) are not allowed.")
        case .contactNotFound(let id, let reason):
            return AWSError(status: 404, code: "ResourceNotFoundException", message: "Contact not found: \(id)", headers: [("x-mock-reason", reason)])
        case .resourceNotFound(let kind, let id):
            return AWSError(status: 404, code: "ResourceNotFoundException", message: "\(kind) not found: \(id)", headers: [("x-mock-reason", "unknown")])
        case .notEvaluated(let member):
            return AWSError(status: 400, code: "InvalidRequestException",
                            message: "connect-mock does not evaluate \(member); remove it from the request (the mock never answers a page it cannot compute faithfully)")
        case .invalidNextToken:
            return AWSError(status: 400, code: "InvalidParameterException", message: "The NextToken is not valid for this request.")
        case .attributesTooLarge(let bytes):
            return AWSError(status: 400, code: "InvalidParameterException",
                            message: "Attributes: the contact's attributes would take \(bytes) UTF-8 bytes; at most 32768 are allowed across all attributes of a contact")
        case .storeFailed:
            return AWSError(status: 500, code: "InternalServiceException", message: AWSError.internalMessage)
        }
    }

    /// The journal's and the debug log's short tag for the cause.
    var reason: String {
        switch self {
        case .unknownOperation: "unknown-operation"
        case .unauthenticated(let f): f.reason
        case .accessDenied: "instance-not-allowed"
        case .throttled: "throttle"
        case .injected: "fault"
        case .invalidParameter, .invalidInput: "invalid-parameter"
        case .malformedBody: "malformed-body"
        case .instanceNotFound: "unknown-instance"
        case .invalidRequest: "invalid-request"
        case .destinationNotAllowed: "destination-not-allowed"
        case .contactNotActive: "contact-not-active"
        case .contactNotFound(_, let reason): reason
        case .resourceNotFound: "unknown"
        case .notEvaluated: "not-evaluated"
        case .invalidNextToken: "invalid-next-token"
        case .attributesTooLarge: "attributes-too-large"
        case .storeFailed: "store-error"
        }
    }
}

/// An error as AWS sends it: status, `x-amzn-ErrorType`, `x-amzn-RequestId`, and a JSON body
/// whose message key is `Message` for the operations' modeled errors and AccessDeniedException,
/// and `message` for the authentication errors and UnknownOperation (botocore reads either).
public struct AWSError: Sendable {
    public var status: Int
    public var code: String
    public var message: String
    /// Extra headers (`x-mock-reason`).
    public var headers: [(String, String)] = []
    /// The body's message member; nil takes it from the code (`message` for the authentication
    /// errors and UnknownOperation, `Message` otherwise). Modeled errors give the model's.
    public var messageKey: String?

    public init(status: Int, code: String, message: String, headers: [(String, String)] = [], messageKey: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
        self.messageKey = messageKey
    }

    static let lowerCaseMessageCodes: Set<String> = [
        "MissingAuthenticationTokenException", "IncompleteSignatureException", "UnrecognizedClientException",
        "InvalidSignatureException", "UnknownOperationException",
    ]

    public func response(requestId: UUID4) -> HTTPResponse {
        let key = messageKey ?? (AWSError.lowerCaseMessageCodes.contains(code) ? "message" : "Message")
        let body = JSONWriter.bytes(.object([JSONMember(key: key, value: .string(message))]))
        return HTTPResponse(status: status, contentType: "application/json", idHeader: ("x-amzn-RequestId", requestId),
                            headers: [("x-amzn-ErrorType", code)] + headers, body: body)
    }

    static let throttlingMessage = "Rate exceeded"
    static let internalMessage = "An internal error occurred."

    /// An injected error's message when its rule gives none: AWS's wording for throttling, the
    /// mock's own for internal errors, and for the rest a sentence that names the resource
    /// (`notFound`) or says what kind of fault it is.
    static func defaultMessage(of code: String, notFound: String) -> String {
        switch code {
        case "ThrottlingException": throttlingMessage
        case "InternalServiceException": internalMessage
        case "ResourceNotFoundException": notFound
        case "InvalidParameterException": "One or more of the specified parameters are not valid."
        case "InvalidRequestException": "The request is not valid."
        default: "\(code) (injected by a connect-mock fault rule)"
        }
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
