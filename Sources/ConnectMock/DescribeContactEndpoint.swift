import ASCII
import ContactModel
import ContactStore
import HTTP1
import Server
import SigV4
import Timekeeping

/// `GET /contacts/{InstanceId}/{ContactId}`, checked in AWS's order: authenticate, authorize,
/// throttle and faults, validate, look up.
final class DescribeContactEndpoint {
    private let state: MockState
    /// This worker's own connection.
    private let store: ContactStore
    private let verifier: SigV4Verifier
    /// The parts of the config each request reads, copied out once: copying the whole
    /// `MockConfig` per request would retain and release every string and array in it.
    private let authMode: MockConfig.AuthMode
    private let instances: [InstanceInfo]
    private let policy: RetentionPolicy
    private let throttleScope: MockConfig.ThrottleScope
    /// Only the credentials limited to some instances, so the usual request skips the lookup.
    private let restricted: [String: MockConfig.Credential]

    init(state: MockState, store: ContactStore) {
        self.state = state
        self.store = store
        verifier = state.makeVerifier()
        authMode = state.config.auth.mode
        instances = state.config.instances
        policy = state.config.retention.policy
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
        var accessKeyId: String?
        var errorCode: String?
        var reason: String?
    }

    /// `now` is the system clock's reading for this request: the signature's window is
    /// checked against it and the data clock derives its time from it. `arrived` is the
    /// monotonic clock's, which the store's freshness check reuses rather than read it again.
    func handle(_ request: HTTPRequest, requestId: UUID4, now: Instant, arrived: UInt64) -> Verdict {
        guard request.method == "GET", let (instanceId, contactId, badEncoding) = DescribeContactEndpoint.route(request.path) else {
            return fail(.unknownOperation, requestId: requestId, key: nil, reason: "unknown-operation")
        }
        var accessKeyId: String?
        var scopeRegion: String?
        switch authMode {
        case .verify:
            switch verifier.verify(method: request.method, path: request.path, query: request.query, fields: request.headers,
                                   body: request.body, now: now) {
            case .rejected(let failure, let key):
                return fail(AWSError(status: 403, code: failure.code.rawValue, message: failure.message), requestId: requestId, key: key, reason: failure.reason)
            case .authenticated(let input):
                accessKeyId = input.accessKeyId
                scopeRegion = input.region
            }
        case .off:
            if case .success(let input) = SignatureInputParser.parse(headers: request.headers, query: QueryParameter.parse(request.query)) {
                accessKeyId = input.accessKeyId
                scopeRegion = input.region
            }
        }

        let instanceIndex = instances.firstIndex(where: { $0.id == instanceId })
        if !restricted.isEmpty, let key = accessKeyId, let credential = restricted[key], let allowed = credential.instances, !allowed.contains(instanceId) {
            let instance = instanceIndex.map { instances[$0] }
            let region = instance?.region ?? scopeRegion ?? "us-east-1"
            let account = instance?.accountId ?? instances.first?.accountId ?? "123456789012"
            let resource = "arn:aws:connect:\(region):\(account):instance/\(instanceId)/contact/\(contactId)"
            let error = AWSError(status: 403, code: "AccessDeniedException",
                                 message: "User: arn:aws:iam::\(account):user/\(credential.name) is not authorized to perform: connect:DescribeContact on resource: \(resource)")
            return fail(error, requestId: requestId, key: key, reason: "instance-not-allowed")
        }

        if state.throttle.enabled, !state.throttle.take(throttleKey(instanceIndex: instanceIndex, scopeRegion: scopeRegion, accessKeyId: accessKeyId)) {
            return fail(.throttled, requestId: requestId, key: accessKeyId, reason: "throttle")
        }
        let fault = state.firingFault(operation: "DescribeContact", instanceId: instanceId, contactId: contactId, accessKeyId: accessKeyId)
        var verdict = if let error = fault?.error {
            fail(.injected(error, message: fault?.message, notFound: "Contact not found: \(contactId)"), requestId: requestId, key: accessKeyId, reason: "fault")
        } else {
            lookUp(instanceId: instanceId, contactId: contactId, badEncoding: badEncoding, instanceRegion: instanceIndex.map { instances[$0].region }, scopeRegion: scopeRegion,
                   requestId: requestId, accessKeyId: accessKeyId, now: now, arrived: arrived)
        }
        if let ms = fault?.latencyMs, ms > 0, case .respond(let r) = verdict.result {
            verdict.result = .respondAfter(milliseconds: UInt64(ms), r)
        }
        return verdict
    }

    /// Whose bucket a call takes from (`throttle.per`): the access key's, or, as AWS's quotas
    /// are, the operation's in the account and region of the instance called (AWS sets each API's
    /// quota separately, per account and Region). A call to an instance that is not configured
    /// counts against the first instance's account in the request's scope region.
    private func throttleKey(instanceIndex: Int?, scopeRegion: String?, accessKeyId: String?) -> String {
        switch throttleScope {
        case .accessKey:
            return accessKeyId ?? "anonymous"
        case .account:
            let instance = instanceIndex.map { instances[$0] }
            let account = instance?.accountId ?? instances.first?.accountId ?? ""
            return account + "/" + (instance?.region ?? scopeRegion ?? "") + "/DescribeContact"
        }
    }

    /// Validation and the lookup: the last two steps, after any fault.
    /// `instanceRegion` is nil when no configured instance has this id.
    private func lookUp(instanceId: String, contactId: String, badEncoding: String?, instanceRegion: String?, scopeRegion: String?,
                        requestId: UUID4, accessKeyId: String?, now: Instant, arrived: UInt64) -> Verdict {
        if let problem = badEncoding ?? IdentifierRule.problem(instanceId: instanceId, contactId: contactId) {
            return fail(.invalidParameter(problem), requestId: requestId, key: accessKeyId, reason: "invalid-parameter")
        }
        guard let instanceRegion, scopeRegion == nil || scopeRegion == instanceRegion else {
            return fail(.instanceNotFound(instanceId), requestId: requestId, key: accessKeyId, reason: "unknown-instance")
        }
        let stored: ContactStore.StoredContact?
        do {
            stored = try store.lookup(instanceId: instanceId, contactId: contactId, now: arrived)
        } catch {
            state.logger.error("store lookup failed: \(error)")
            return fail(.internalError, requestId: requestId, key: accessKeyId, reason: "store-error")
        }
        guard let stored else {
            return fail(.contactNotFound(contactId, reason: "unknown"), requestId: requestId, key: accessKeyId, reason: "unknown")
        }
        if let hidden = policy.hiddenReason(initiation: stored.initiation, now: state.clock.now(atSystemTime: now)) {
            return fail(.contactNotFound(contactId, reason: hidden.rawValue), requestId: requestId, key: accessKeyId, reason: hidden.rawValue)
        }
        let response = HTTPResponse(status: 200, contentType: "application/json", idHeader: ("x-amzn-RequestId", requestId),
                                    body: stored.document, envelope: (#"{"Contact":"#, "}"))
        return Verdict(result: .respond(response), status: 200, accessKeyId: accessKeyId)
    }

    private func fail(_ error: AWSError, requestId: UUID4, key: String?, reason: String) -> Verdict {
        Verdict(result: .respond(error.response(requestId: requestId)), status: error.status, accessKeyId: key, errorCode: error.code, reason: reason)
    }

    /// The two ids, percent-decoded, when the path is `/contacts/{InstanceId}/{ContactId}`, and
    /// the validation message when an id's escapes are not UTF-8 (the ids are then decoded with
    /// U+FFFD, for the journal and fault matching only: the request fails at validation).
    static func route(_ path: Substring) -> (String, String, badEncoding: String?)? {
        let b = path.utf8.span
        guard ASCIIBytes.hasPrefix(b, "/contacts/") else { return nil }
        let slash = ASCIIBytes.first(UInt8(ascii: "/"), in: b, 10..<b.count)
        guard slash > 10, slash < b.count - 1, ASCIIBytes.first(UInt8(ascii: "/"), in: b, (slash + 1)..<b.count) == b.count else {
            return nil
        }
        let instance = URIEncoding.decodeValidating(b, 10..<slash), contact = URIEncoding.decodeValidating(b, (slash + 1)..<b.count)
        let bad = !instance.valid ? IdentifierRule.invalidEncoding(name: "instanceId")
            : !contact.valid ? IdentifierRule.invalidEncoding(name: "contactId") : nil
        return (instance.text, contact.text, bad)
    }
}
