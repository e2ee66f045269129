import ASCII
import ContactModel
import ContactStore
import HTTP1
import JSON
import Logging
import Timekeeping

extension AWSOperation {
    /// `PUT /contact/outbound-voice` (SPEC §9): stores a VOICE contact initiated at the data
    /// clock's now, its whole future laid out by the first outbound rule matching the
    /// destination; the view as of the clock then shows it ringing, answered, ended.
    static func startOutboundVoiceContact(state: MockState, store: ContactStore) -> AWSOperation {
        let policy = state.config.retention.policy
        return AWSOperation("StartOutboundVoiceContact", resource: nil, resourceKind: "contact") { (call: borrowing OperationCall) throws(AWSFailure) in
            let input = call.input
            let now = state.clock.now(atSystemTime: call.now)
            let instance = call.instance
            let token = input["ClientToken"]?.stringValue
            if let token, let earlier = state.outbound.contact(forToken: token, instanceId: instance.id, now: now) {
                return AWSOperation.json(.fields(["ContactId": .string(earlier)]), requestId: call.requestId)
            }
            // AWS: without a queue, the call needs a source number to show as caller id.
            if input["QueueId"] == nil, input["SourcePhoneNumber"] == nil {
                throw .invalidRequest("Either QueueId or SourcePhoneNumber must be specified.")
            }
            let destination = input["DestinationPhoneNumber"]?.stringValue ?? ""
            let rule = OutboundRule.first(matching: destination, in: state.outbound.currentRules())
            if rule.outcome == .notAllowed { throw .destinationNotAllowed(destination) }

            var g = SystemRandomNumberGenerator()
            let contactId = UUID4(g.next(), g.next()).string
            let contact = OutboundCall.contact(request: input, rule: rule, contactId: contactId, instance: instance, now: now)
            let document: JSONValue
            do {
                document = try ContactValidator(now: now).normalize(contact, line: 0)
            } catch {
                // The request was checked against the model; a contact that does not validate
                // is the mock's own defect, not the client's.
                state.logger.error("outbound contact does not validate: \(error)")
                throw .storeFailed
            }
            let ends = OutboundState.Issued(contactId: contactId, issued: now, ends: ContactFacts(document).disconnect ?? now)
            let bytes = JSONWriter.bytes(document)
            do {
                _ = try store.upsert(ContactRecord(instanceId: instance.id, contactId: contactId, initiation: now, document: bytes), policy: policy)
                state.events.written(document: bytes, instanceId: instance.id, contactId: contactId, now: now, fromMoments: true)
            } catch {
                state.logger.error("storing an outbound contact failed: \(error)")
                throw .storeFailed
            }
            if let token { state.outbound.remember(token: token, instanceId: instance.id, ends) }
            return AWSOperation.json(.fields(["ContactId": .string(contactId)]), requestId: call.requestId)
        }
    }

    /// A 200 with a JSON body, as every operation but the Describe calls answers.
    static func json(_ value: JSONValue, requestId: UUID4) -> HTTPResponse {
        HTTPResponse(status: 200, contentType: "application/json", idHeader: ("x-amzn-RequestId", requestId),
                     body: JSONWriter.bytes(value))
    }
}

/// The moments of a normalized contact that operations read (timestamps are epoch seconds).
struct ContactFacts {
    var disconnect: Instant?
    var initiation: Instant?

    init(_ document: JSONValue) {
        func instant(_ v: JSONValue?) -> Instant? {
            guard case .number(let text)? = v, let s = Double(text) else { return nil }
            return Instant(millisecondsSinceEpoch: Int64((s * 1000).rounded()))
        }
        disconnect = instant(document["DisconnectTimestamp"])
        initiation = instant(document["InitiationTimestamp"])
    }
}
