import ContactModel
import ContactStore
import HTTP1
import JSON
import Logging
import Timekeeping

extension AWSOperation {
    /// `POST /contact/stop` (SPEC §9): ends a contact in progress at the data clock's now. Its
    /// document becomes its view at now with `DisconnectTimestamp` now and the request's reason
    /// (`API` when none is given, AWS's reason for a contact ended through the API): members of
    /// moments still ahead are dropped, since they will never happen.
    static func stopContact(state: MockState, store: ContactStore) -> AWSOperation {
        let policy = state.config.retention.policy
        /// AWS: StopContact "does not work for voice contacts that use the following initiation
        /// methods"; chat and task contacts can be ended in any state.
        let notStoppableVoice: Set<String> = ["DISCONNECT", "TRANSFER", "QUEUE_TRANSFER", "EXTERNAL_OUTBOUND", "MONITOR"]
        return AWSOperation("StopContact", resource: "ContactId", resourceKind: .contact) { (call: borrowing OperationCall) throws(AWSFailure) in
            let contactId = call.input["ContactId"]?.stringValue ?? ""
            let instance = call.instance
            let now = call.now
            let reason = call.input["DisconnectReason"]?["Code"]?.stringValue ?? "API"
            // Read, checked and written in one write transaction (ContactStore.update): between a
            // read outside it and the write, another worker's UpdateContactAttributes or StopContact
            // could commit, and the older document written over it would lose that change.
            let written: [UInt8]?
            do {
                written = try store.update(instanceId: instance.id, contactId: contactId, policy: policy) { stored in
                    guard policy.hiddenReason(initiation: stored.initiation, now: now) == nil else { throw AWSFailure.contactNotActive(contactId) }
                    let parsed = try JSONParser.parse(stored.document)
                    guard try ContactTimeline(parsed).isInProgress(at: now) else { throw AWSFailure.contactNotActive(contactId) }
                    if parsed["Channel"]?.stringValue == "VOICE", let method = parsed["InitiationMethod"]?.stringValue, notStoppableVoice.contains(method) {
                        throw AWSFailure.invalidRequest("StopContact does not end VOICE contacts initiated by \(method).")
                    }
                    let view = try ContactView.document(parsed, at: now)
                    var members = (view.members ?? []).filter { $0.key != "DisconnectTimestamp" && $0.key != "DisconnectReason" && $0.key != "LastUpdateTimestamp" }
                    let seconds = JSONValue.number(TimestampValue.json(now))
                    members += [JSONMember(key: "DisconnectTimestamp", value: seconds), JSONMember(key: "DisconnectReason", value: .string(reason)),
                                JSONMember(key: "LastUpdateTimestamp", value: seconds)]
                    return JSONWriter.bytes(try ContactValidator(now: now, unknownMembers: .keep).normalize(.object(members), line: 0))
                }
            } catch let failure as AWSFailure {
                throw failure
            } catch {
                // The store failed, or a stored contact did not parse or stop into a valid
                // document: the mock's own defect, not the client's.
                state.logger.error("StopContact of \(contactId) failed: \(error)")
                throw .storeFailed
            }
            guard let bytes = written else { throw .contactNotActive(contactId) }
            // The ending's events, as the stopped contact's plan has them at now: DISCONNECTED,
            // and COMPLETED with it when no after contact work follows (AWS's events page).
            state.events.written(document: bytes, instanceId: instance.id, contactId: contactId, now: now, fromMoments: false) { events in
                events.planned.filter { $0.moment == now && ($0.type == .disconnected || $0.type == .completed) }
                    .map { events.event($0.type, at: $0.moment) }
            }
            return AWSOperation.json(.object([]), requestId: call.requestId)
        }
    }
}
