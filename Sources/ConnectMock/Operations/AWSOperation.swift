import ASCII
import ContactModel
import HTTP1
import Timekeeping

/// One AWS operation as data: botocore's entry for it (name, route, input members, errors), the
/// route compiled, and the handler that runs once the pipeline's shared steps have passed. A new
/// operation is one of these and a name in the generator's list, not a new endpoint.
///
/// A class, built once per worker: every request reaches its operation through one reference
/// rather than copying the arrays and strings inside it.
final class AWSOperation {
    let model: ModeledOperation
    let template: URITemplate
    /// Which label holds the instance id, and which id a fault rule's `contactId` matches
    /// (ContactId, InitialContactId, UserId or QueueId: SPEC §5).
    let instanceLabel: Int
    let resourceLabel: Int?
    /// The ARN element AccessDenied names after the instance: `contact`, `agent`, `queue`.
    let resourceKind: String
    /// The operation's own work on a validated call.
    let handler: (borrowing OperationCall) throws(AWSFailure) -> HTTPResponse
    /// The model's constraints on the URI labels, resolved to label positions once.
    private let labelChecks: [LabelCheck]

    private struct LabelCheck {
        var label: Int
        var min: Int?
        var max: Int?
        var member: String
    }

    init(_ name: String, instanceLabel: String = "InstanceId", resourceLabel: String?, resourceKind: String,
         handler: @escaping (borrowing OperationCall) throws(AWSFailure) -> HTTPResponse) {
        guard let model = ModeledOperation.named(name) else { preconditionFailure("\(name) is not in the generated operations; run make model") }
        self.model = model
        self.name = model.name
        let template = URITemplate(model.uri)
        func position(_ label: String) -> Int {
            guard let k = template.labels.firstIndex(of: label) else { preconditionFailure("\(model.uri) has no {\(label)}") }
            return k
        }
        self.template = template
        self.instanceLabel = position(instanceLabel)
        self.resourceLabel = resourceLabel.map(position)
        self.resourceKind = resourceKind
        self.handler = handler
        labelChecks = model.input.filter { $0.location == .uri }.map { m in
            LabelCheck(label: position(m.locationName), min: m.min, max: m.max, member: m.messageName)
        }
    }

    /// The botocore name, kept apart from `model` so reading it per request copies nothing else.
    let name: String

    /// The model's constraints on the labels, checked in path order: the first broken one, named
    /// as AWS names it (`contactId`).
    func validate(_ labels: LabelValues) -> AWSFailure? {
        for k in labelChecks.indices {
            let label = labelChecks[k].label
            if labels.notUTF8 == label { return .invalidParameter(member: labelChecks[k].member, .notUTF8) }
            if let v = IdentifierRule.violation(of: labels[label], min: labelChecks[k].min, max: labelChecks[k].max) {
                return .invalidParameter(member: labelChecks[k].member, v)
            }
        }
        return nil
    }

    /// The resource AccessDenied names: `arn:aws:connect:REGION:ACCOUNT:instance/ID/contact/CID`.
    func resourceArn(region: String, account: String, labels: LabelValues) -> String {
        let instance = "arn:aws:connect:\(region):\(account):instance/\(labels[instanceLabel])"
        guard let r = resourceLabel else { return instance }
        return instance + "/" + resourceKind + "/" + labels[r]
    }
}

/// What a handler gets: a call that has passed authentication, authorization, throttling,
/// faults and validation, with its instance resolved. Only what handlers read, so that making
/// one per request copies little.
struct OperationCall {
    let labels: LabelValues
    let requestId: UUID4
    /// The system clock's reading for this request (the data clock derives from it).
    let now: Instant
    /// The monotonic clock's reading when it arrived.
    let arrived: UInt64
}
