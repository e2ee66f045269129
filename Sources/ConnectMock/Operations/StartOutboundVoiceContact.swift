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
        return AWSOperation("StartOutboundVoiceContact", resource: nil, resourceKind: .contact) { (call: borrowing OperationCall) throws(AWSFailure) in
            let input = call.input
            let now = call.now
            let instance = call.instance
            let token = input["ClientToken"]?.stringValue
            // AWS: "If a contact is already started, the contact ID is returned. If the contact is
            // disconnected, a new contact is started." (ContactTimeline.isInProgress, as
            // StopContact asks.)
            if let token, let earlier = state.outbound.contact(forToken: token, instanceId: instance.id, now: now) {
                let stored: ContactStore.StoredContact?
                do { stored = try store.lookup(instanceId: instance.id, contactId: earlier, now: call.arrived) } catch {
                    state.logger.error("store lookup failed: \(error)")
                    throw .storeFailed
                }
                if let stored {
                    let timeline: ContactTimeline
                    do { timeline = try ContactTimeline(bytes: stored.document) } catch {
                        state.logger.error("a stored contact does not parse: \(error)")
                        throw .storeFailed
                    }
                    if timeline.isInProgress(at: now) { return AWSOperation.json(.fields(["ContactId": .string(earlier)]), requestId: call.requestId) }
                }
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
            let bytes = JSONWriter.bytes(document)
            do {
                _ = try store.upsert(ContactRecord(instanceId: instance.id, contactId: contactId, initiation: now, document: bytes), policy: policy)
                state.events.written(document: bytes, instanceId: instance.id, contactId: contactId, now: now, fromMoments: true)
            } catch {
                state.logger.error("storing an outbound contact failed: \(error)")
                throw .storeFailed
            }
            if let token { state.outbound.remember(token: token, instanceId: instance.id, .init(contactId: contactId, issued: now)) }
            return AWSOperation.json(.fields(["ContactId": .string(contactId)]), requestId: call.requestId)
        }
    }
}
