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
            let stored: ContactStore.StoredContact?
            do {
                stored = try store.lookup(instanceId: instance.id, contactId: contactId, now: call.arrived)
            } catch {
                state.logger.error("store lookup failed: \(error)")
                throw .storeFailed
            }
            guard let stored, policy.hiddenReason(initiation: stored.initiation, now: now) == nil else { throw .contactNotActive(contactId) }
            let parsed: JSONValue
            do { parsed = try JSONParser.parse(stored.document) } catch {
                state.logger.error("a stored contact does not parse: \(error)")
                throw .storeFailed
            }
            if case .number(let t)? = parsed["DisconnectTimestamp"], let end = TimestampValue.parse(epochSeconds: t), end <= now {
                throw .contactNotActive(contactId)
            }
            if parsed["Channel"]?.stringValue == "VOICE", let method = parsed["InitiationMethod"]?.stringValue, notStoppableVoice.contains(method) {
                throw .invalidRequest("StopContact does not end VOICE contacts initiated by \(method).")
            }
            let reason = call.input["DisconnectReason"]?["Code"]?.stringValue ?? "API"
            let stopped: JSONValue
            do {
                let view = try ContactView.document(parsed, at: now)
                var members = (view.members ?? []).filter { $0.key != "DisconnectTimestamp" && $0.key != "DisconnectReason" && $0.key != "LastUpdateTimestamp" }
                let seconds = JSONValue.number(TimestampValue.json(now))
                members += [JSONMember(key: "DisconnectTimestamp", value: seconds), JSONMember(key: "DisconnectReason", value: .string(reason)),
                            JSONMember(key: "LastUpdateTimestamp", value: seconds)]
                stopped = try ContactValidator(now: now, unknownMembers: .keep).normalize(.object(members), line: 0)
            } catch {
                state.logger.error("stopping a contact made a document that does not validate: \(error)")
                throw .storeFailed
            }
            let bytes = JSONWriter.bytes(stopped)
            do {
                _ = try store.upsert(ContactRecord(instanceId: instance.id, contactId: contactId, initiation: stored.initiation,
                                                   document: bytes), policy: policy)
                // The ending's events, as the stopped contact's plan has them at now: DISCONNECTED,
                // and COMPLETED with it when no after contact work follows (AWS's events page).
                state.events.written(document: bytes, instanceId: instance.id, contactId: contactId, now: now, fromMoments: false) { events in
                    events.planned.filter { $0.moment == now && ($0.type == .disconnected || $0.type == .completed) }
                        .map { events.event($0.type, at: $0.moment) }
                }
            } catch {
                state.logger.error("storing a stopped contact failed: \(error)")
                throw .storeFailed
            }
            return AWSOperation.json(.object([]), requestId: call.requestId)
        }
    }
}
