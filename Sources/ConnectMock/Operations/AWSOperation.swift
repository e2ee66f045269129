import ASCII
import ContactModel
import HTTP1
import Timekeeping

/// One AWS operation as data: botocore's entry for it (name, route, input members, errors), the
/// route compiled, and the handler that runs once the pipeline's shared steps have passed. A new
/// operation is one of these and a name in the generator's list, not a new endpoint.
struct AWSOperation {
    let model: ModeledOperation
    let template: URITemplate
    /// Which label holds the instance id, and which id a fault rule's `contactId` matches
    /// (ContactId, InitialContactId, UserId or QueueId: SPEC §5).
    let instanceLabel: Int
    let resourceLabel: Int?
    /// The ARN element AccessDenied names after the instance: `contact`, `agent`, `queue`.
    let resourceKind: String
    /// The operation's own work on a validated call.
    let handler: (OperationCall) -> Result<HTTPResponse, AWSFailure>

    init(_ name: String, instanceLabel: String = "InstanceId", resourceLabel: String?, resourceKind: String,
         handler: @escaping (OperationCall) -> Result<HTTPResponse, AWSFailure>) {
        guard let model = ModeledOperation.named(name) else { preconditionFailure("\(name) is not in the generated operations; run make model") }
        self.model = model
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
    }

    var name: String { model.name }

    /// The model's constraints on the labels, checked in path order: the first broken one, named
    /// as AWS names it (`contactId`).
    func validate(_ labels: LabelValues) -> AWSFailure? {
        for member in model.input where member.location == .uri {
            guard let k = template.labels.firstIndex(of: member.locationName) else { continue }
            if labels.notUTF8 == k { return .invalidParameter(member: member.messageName, .notUTF8) }
            if let v = IdentifierRule.violation(of: labels[k], min: member.min, max: member.max) {
                return .invalidParameter(member: member.messageName, v)
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
/// faults and validation, with its instance resolved.
struct OperationCall {
    let request: HTTPRequest
    let labels: LabelValues
    let instance: InstanceInfo
    let requestId: UUID4
    /// The system clock's reading for this request (the data clock derives from it).
    let now: Instant
    /// The monotonic clock's reading when it arrived.
    let arrived: UInt64
}
