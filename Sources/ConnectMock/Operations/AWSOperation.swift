import ASCII
import ContactModel
import HTTP1
import JSON
import SigV4
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
    /// Where the instance id is (a URI label, or `InstanceId` in the body for SearchContacts),
    /// and which id a fault rule's `contactId` matches (ContactId, InitialContactId, UserId or
    /// QueueId: SPEC §5).
    let instanceField: InputField
    let resourceField: InputField?
    /// What the resource id names: its ARN element (AccessDenied names it after the
    /// instance) and the operation's answer when it names nothing.
    let resourceKind: ResourceKind
    /// Whether the input has members beyond the URI labels: those operations gather their query
    /// and body into one object and check it against the model's input shape; the others (the
    /// Describe calls) take the labels' fast check alone.
    let decodesInput: Bool
    /// The operation's own work on a validated call.
    let handler: (borrowing OperationCall) throws(AWSFailure) -> HTTPResponse
    /// The model's constraints on the URI labels, resolved to label positions once.
    private let labelChecks: [LabelCheck]
    private let queryMembers: [ModeledMember]
    private let labelMembers: [(name: String, label: Int)]

    private struct LabelCheck {
        var label: Int
        var min: Int?
        var max: Int?
        var member: String
    }

    /// An id the pipeline reads before validation: a URI label's position, or a top-level
    /// string member of the body.
    enum InputField {
        case label(Int)
        case member(String)
    }

    init(_ name: String, instance: String = "InstanceId", resource: String?, resourceKind: ResourceKind,
         handler: @escaping (borrowing OperationCall) throws(AWSFailure) -> HTTPResponse) {
        guard let model = ModeledOperation.named(name) else { preconditionFailure("\(name) is not in the generated operations; run make model") }
        self.model = model
        self.name = model.name
        let template = URITemplate(model.uri)
        func field(_ member: String) -> InputField {
            if let k = template.labels.firstIndex(of: member) { return .label(k) }
            guard model.input.contains(where: { $0.name == member && $0.location == .body }) else {
                preconditionFailure("\(name) has no label or body member \(member)")
            }
            return .member(member)
        }
        func position(_ label: String) -> Int {
            guard let k = template.labels.firstIndex(of: label) else { preconditionFailure("\(model.uri) has no {\(label)}") }
            return k
        }
        self.template = template
        self.instanceField = field(instance)
        self.resourceField = resource.map(field)
        self.resourceKind = resourceKind
        self.handler = handler
        labelChecks = model.input.filter { $0.location == .uri }.map { m in
            LabelCheck(label: position(m.locationName), min: m.min, max: m.max, member: m.messageName)
        }
        labelMembers = model.input.filter { $0.location == .uri }.map { ($0.name, position($0.locationName)) }
        queryMembers = model.input.filter { $0.location == .querystring }
        decodesInput = model.input.contains { $0.location != .uri }
    }

    /// The botocore name, kept apart from `model` so reading it per request copies nothing else.
    let name: String

    /// The model's constraints on the labels, checked in path order: the first broken one, named
    /// as AWS names it (`contactId`).
    func validate(_ labels: LabelValues) -> AWSFailure? {
        for k in labelChecks.indices {
            let label = labelChecks[k].label
            if labels.notUTF8 == label { return .invalidParameter(member: labelChecks[k].member, .notUTF8) }
            let violation = if let count = labels.plainCount(label) {
                IdentifierRule.violation(ofVisibleASCII: count, min: labelChecks[k].min, max: labelChecks[k].max)
            } else {
                IdentifierRule.violation(of: labels[label], min: labelChecks[k].min, max: labelChecks[k].max)
            }
            if let v = violation {
                return .invalidParameter(member: labelChecks[k].member, v)
            }
        }
        return nil
    }

    /// The body as sent, with the query's members added by their model names (typed as the
    /// model types them, so that the check names a bad `maxResults`): what the pipeline reads
    /// the instance from before it checks anything. A body that is not a JSON object is the
    /// client's mistake, refused as AWS's JSON services refuse it.
    func gatherInput(body: [UInt8], query: Substring) throws(AWSFailure) -> JSONValue {
        var members: [JSONMember] = []
        if !body.isEmpty, body.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) {
            let parsed: JSONValue
            do { parsed = try JSONParser.parse(body) } catch { throw .malformedBody(error.description) }
            guard case .object(let given) = parsed else { throw .malformedBody("expected a JSON object, found \(parsed.typeName)") }
            members = given
        }
        if !queryMembers.isEmpty, !query.isEmpty {
            let params = QueryParameter.parse(query)
            for m in queryMembers {
                let values = params.filter { $0.name == m.locationName }.map(\.value)
                guard let first = values.first else { continue }
                let value: JSONValue = switch ShapeTable.shape(m.shape) {
                case .list: .array(values.map { .string($0) })
                case .integer, .long: Int64(first) != nil ? .number(first) : .string(first)
                default: .string(first)
                }
                members.append(JSONMember(key: m.name, value: value))
            }
        }
        return .object(members)
    }

    /// The gathered input with the URI labels added, checked against the model's input shape.
    func validateInput(_ gathered: JSONValue, labels: LabelValues, now: Instant) throws(AWSFailure) -> JSONValue {
        var members = gathered.members ?? []
        for (name, label) in labelMembers { members.append(JSONMember(key: name, value: .string(labels[label]))) }
        switch ContactValidator(now: now, unknownMembers: .keep).normalizeInput(.object(members), shape: model.inputShape) {
        case .success(let input): return input
        case .failure(let violation): throw .invalidInput(violation)
        }
    }

    /// Which configured instance the call names, found without copying the id out of the
    /// labels (a copy retains and releases the label's string on every request).
    func instanceIndex(in instances: [InstanceInfo], labels: borrowing LabelValues, input: JSONValue?) -> Int? {
        switch instanceField {
        case .label(let k):
            for i in instances.indices where labels.equals(k, instances[i].id) { return i }
            return nil
        case .member(let name):
            guard let id = input?[name]?.stringValue else { return nil }
            return instances.firstIndex(where: { $0.id == id })
        }
    }

    /// An id the pipeline needs before validation: a label, or a body member when it is a string.
    func read(_ field: InputField, labels: LabelValues, input: JSONValue?) -> String {
        switch field {
        case .label(let k): labels[k]
        case .member(let name): input?[name]?.stringValue ?? ""
        }
    }

    /// A 200 with a JSON body, as every operation but the Describe calls answers.
    static func json(_ value: JSONValue, requestId: UUID4) -> HTTPResponse {
        HTTPResponse(status: 200, contentType: "application/json", idHeader: ("x-amzn-RequestId", requestId),
                     body: JSONWriter.bytes(value))
    }

    /// The resource AccessDenied names: `arn:aws:connect:REGION:ACCOUNT:instance/ID/contact/CID`.
    func resourceArn(region: String, account: String, instanceId: String, resourceId: String?) -> String {
        guard let r = resourceId else { return ConnectARN.instance(region: region, account: account, instanceId: instanceId) }
        return ConnectARN(region: region, account: account, instanceId: instanceId, element: resourceKind.arnElement, id: r).text
    }
}

/// The configured instances, one object per pipeline, which calls point at without counting.
final class InstanceTable {
    let all: [InstanceInfo]

    init(_ all: [InstanceInfo]) { self.all = all }
}

/// What a handler gets: a call that has passed authentication, authorization, throttling,
/// faults and validation, with its instance resolved. Only what handlers read, so that making
/// one per request copies little.
struct OperationCall {
    let labels: LabelValues
    /// The input checked against the model (labels, query and body in one object, members in
    /// the model's order); `.null` for an operation whose input is its labels alone.
    let input: JSONValue
    /// The configured instances, and which one the call names: an index rather than a copy, so
    /// that a call whose handler never reads it (DescribeContact) copies none of its strings.
    /// Unowned and unsafe because a reference count would be one more atomic increment and
    /// decrement per request: the pipeline owns the table for as long as it exists, and a call
    /// lives only inside the pipeline's `handle`.
    unowned(unsafe) let instances: InstanceTable
    let instanceIndex: Int

    /// The configured instance the call names.
    var instance: InstanceInfo { instances.all[instanceIndex] }
    let requestId: UUID4
    /// The data clock's now for this request, read once by the pipeline: what visibility,
    /// validation, written timestamps and events all use.
    let now: Instant
    /// The monotonic clock's reading when it arrived.
    let arrived: UInt64
}

/// What an operation's resource id names: a contact, or a user or queue of the directory.
enum ResourceKind: Sendable {
    case contact
    case directory(DirectoryRecord.Kind)

    /// The ARN element after the instance: `contact`, `agent`, `queue`.
    var arnElement: String {
        switch self {
        case .contact: "contact"
        case .directory(let kind): kind.arnElement
        }
    }

    /// The answer for an id that names nothing: the handlers throw it, and an injected
    /// ResourceNotFoundException without a message of its own says what it says.
    func notFound(_ id: String) -> AWSFailure {
        switch self {
        case .contact: .contactNotFound(id, reason: "unknown")
        case .directory(let kind): .resourceNotFound(kind: kind.rawValue, id: id)
        }
    }
}
