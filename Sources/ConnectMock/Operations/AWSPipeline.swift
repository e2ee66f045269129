import ASCII
import ContactModel
import ContactStore
import HTTP1
import JSON
import Server
import SigV4
import Timekeeping

/// Runs every AWS operation through AWS's order of checks: route, authenticate, authorize
/// (`connect:<Operation>`), throttle and faults, validate against the model, resolve the
/// instance, then the operation's handler. One per worker.
final class AWSPipeline {
    private let state: MockState
    private let verifier: SigV4Verifier
    private let operations: [AWSOperation]
    /// The parts of the config each request reads, copied out once: copying the whole
    /// `MockConfig` per request would retain and release every string and array in it.
    private let authMode: MockConfig.AuthMode
    /// The configured instances, as the object calls point at.
    private let instanceTable: InstanceTable
    private var instances: [InstanceInfo] { instanceTable.all }
    private let throttleScope: MockConfig.ThrottleScope
    /// Only the credentials limited to some instances, so the usual request skips the lookup.
    private let restricted: [String: MockConfig.Credential]

    init(state: MockState, operations: [AWSOperation]) {
        self.state = state
        self.operations = operations
        verifier = state.makeVerifier()
        authMode = state.config.auth.mode
        instanceTable = InstanceTable(state.config.instances)
        throttleScope = state.config.throttle.per
        var restricted: [String: MockConfig.Credential] = [:]
        for c in state.config.credentials where c.instances != nil { restricted[c.accessKeyId] = c }
        self.restricted = restricted
    }

    /// Not copyable, so that the compiler moves it and its strings from where it is made to
    /// the journal and the connection: each copy the optimizer left in retained and released
    /// every string in it.
    struct Verdict: ~Copyable {
        var result: HandlerResult
        /// The response's status, kept beside it so the journal need not copy the response out.
        var status: Int
        /// The botocore name of the operation called; nil for an unknown operation.
        var operation: String?
        var accessKeyId: String?
        var errorCode: String?
        var reason: String?
    }

    /// `now` is the system clock's reading for this request: the signature's window is
    /// checked against it and the data clock derives its time from it. `arrived` is the
    /// monotonic clock's, which the store's freshness check reuses rather than read it again.
    func handle(_ request: HTTPRequest, requestId: UUID4, now: Instant, arrived: UInt64) -> Verdict {
        let path = request.path.utf8.span
        var found: (AWSOperation, PathLabels)?
        for op in operations where request.method == op.model.method {
            if let labels = op.template.match(path) {
                found = (op, labels)
                break
            }
        }
        guard let (op, ranges) = found else {
            return fail(.unknownOperation, operation: nil, requestId: requestId, key: nil)
        }
        let labels = LabelValues(ranges, in: path)

        var accessKeyId: String?
        // The claimed signature's parts, kept for its scope's region, which only a refusal or a
        // throttle key needs as a string.
        var claimed: SignatureInput?
        switch authMode {
        case .verify:
            let verdict = verifier.verify(method: request.method, path: request.path, query: request.query, fields: request.headers,
                                          body: request.body, now: now)
            switch consume verdict {
            case .rejected(let failure, let key):
                return fail(.unauthenticated(failure), operation: op.name, requestId: requestId, key: key)
            case .authenticated(let input):
                accessKeyId = input.accessKeyId
                claimed = consume input
            }
        case .off:
            if case .success(let input) = SignatureInputParser.parse(headers: request.headers, query: QueryParameter.parse(request.query)) {
                accessKeyId = input.accessKeyId
                claimed = input
            }
        }

        // Operations with a body read the instance from it, so it is parsed before authorization
        // (AccessDenied names the instance); it is checked against the model only after.
        var gathered: JSONValue?
        if op.decodesInput {
            do throws(AWSFailure) {
                gathered = try op.gatherInput(body: request.body, query: request.query)
            } catch {
                return fail(error, operation: op.name, requestId: requestId, key: accessKeyId)
            }
        }
        // The id as a string only where a refusal or a rule needs it.
        func instanceId() -> String { op.read(op.instanceField, labels: labels, input: gathered) }
        let instanceIndex = op.instanceIndex(in: instances, labels: labels, input: gathered)
        if !restricted.isEmpty, let key = accessKeyId, let credential = restricted[key], let allowed = credential.instances,
           case let instanceId = instanceId(), !allowed.contains(instanceId) {
            let instance = instanceIndex.map { instances[$0] }
            let region = instance?.region ?? claimed?.region ?? "us-east-1"
            let account = instance?.accountId ?? instances.first?.accountId ?? "123456789012"
            return fail(.accessDenied(operation: op.name, user: credential.name, account: account,
                                      resource: op.resourceArn(region: region, account: account, instanceId: instanceId,
                                                               resourceId: op.resourceField.map { op.read($0, labels: labels, input: gathered) })),
                        operation: op.name, requestId: requestId, key: key)
        }

        if state.throttle.enabled,
           !state.throttle.take(throttleKey(op, instanceIndex: instanceIndex, scopeRegion: claimed?.region, accessKeyId: accessKeyId)) {
            return fail(.throttled, operation: op.name, requestId: requestId, key: accessKeyId)
        }
        let name = op.name
        // Most runs set no fault rule: the common call asks one atomic flag and builds nothing.
        var fault: FaultRule?
        if state.faultsSet {
            let resourceId = op.resourceField.map { op.read($0, labels: labels, input: gathered) } ?? ""
            fault = state.firingFault(operation: name, instanceId: instanceId(), contactId: resourceId, accessKeyId: accessKeyId)
            if let error = fault?.error {
                // Without a message of its own, a not-found says what the operation says of a
                // missing resource: of its instance when it names no other.
                let notFound = op.resourceField == nil ? AWSFailure.instanceNotFound(instanceId()) : op.resourceKind.notFound(resourceId)
                var verdict = fail(.injected(error, message: fault?.message, notFound: notFound.rendered.message),
                                   operation: name, requestId: requestId, key: accessKeyId)
                delay(&verdict, by: fault)
                return verdict
            }
        }
        var verdict: Verdict
        do throws(AWSFailure) {
            if let invalid = op.validate(labels) { throw invalid }
            // The data clock, read once: validation and the handler see the same now.
            let dataNow = state.clock.now(atSystemTime: now)
            var input = JSONValue.null
            if let gathered { input = try op.validateInput(gathered, labels: labels, now: dataNow) }
            guard let k = instanceIndex, claimed?.isRegion(instances[k].region) ?? true else { throw .instanceNotFound(instanceId()) }
            let call = OperationCall(labels: consume labels, input: input, instances: instanceTable, instanceIndex: k, requestId: requestId, now: dataNow, arrived: arrived)
            let response = try op.handler(call)
            verdict = Verdict(result: .respond(response), status: response.status, operation: name, accessKeyId: accessKeyId)
        } catch {
            verdict = fail(error, operation: name, requestId: requestId, key: accessKeyId)
        }
        delay(&verdict, by: fault)
        return verdict
    }

    /// A rule's `latencyMs`: the answer leaves that much later.
    private func delay(_ verdict: inout Verdict, by fault: FaultRule?) {
        if let ms = fault?.latencyMs, ms > 0, case .respond(let r) = verdict.result {
            verdict.result = .respondAfter(milliseconds: UInt64(ms), r)
        }
    }

    /// Whose bucket a call takes from (`throttle.per`): the access key's, or, as AWS's quotas
    /// are, the operation's in the account and region of the instance called (AWS sets each API's
    /// quota separately, per account and Region). A call to an instance that is not configured
    /// counts against the first instance's account in the request's scope region.
    private func throttleKey(_ op: AWSOperation, instanceIndex: Int?, scopeRegion: String?, accessKeyId: String?) -> String {
        switch throttleScope {
        case .accessKey:
            return accessKeyId ?? "anonymous"
        case .account:
            let instance = instanceIndex.map { instances[$0] }
            let account = instance?.accountId ?? instances.first?.accountId ?? ""
            return account + "/" + (instance?.region ?? scopeRegion ?? "") + "/" + op.name
        }
    }

    private func fail(_ failure: AWSFailure, operation: String?, requestId: UUID4, key: String?) -> Verdict {
        let error = failure.rendered
        return Verdict(result: .respond(error.response(requestId: requestId)), status: error.status, operation: operation,
                       accessKeyId: key, errorCode: error.code, reason: failure.reason)
    }
}
