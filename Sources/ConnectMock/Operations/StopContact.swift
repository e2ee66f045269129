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
            /// A stored contact the store reads back but cannot use is the mock's own defect.
            func defect(_ what: String, _ error: any Error) -> AWSFailure {
                state.logger.error("\(what): \(error)")
                return .storeFailed
            }
            // Read, checked and written in one write transaction: between a read outside it and
            // the write, another worker's UpdateContactAttributes or StopContact could commit, and
            // the stale document written over it would lose that update (or stop a contact twice).
            let bytes: [UInt8]
            do {
                bytes = try store.transaction { store throws -> [UInt8] in
                    let stored: ContactStore.StoredContact?
                    do { stored = try store.lookup(instanceId: instance.id, contactId: contactId, now: call.arrived) } catch {
                        throw defect("store lookup failed", error)
                    }
                    guard let stored, policy.hiddenReason(initiation: stored.initiation, now: now) == nil else { throw AWSFailure.contactNotActive(contactId) }
                    let parsed: JSONValue
                    let timeline: ContactTimeline
                    do {
                        parsed = try JSONParser.parse(stored.document)
                        timeline = try ContactTimeline(parsed)
                    } catch { throw defect("a stored contact does not parse", error) }
                    guard timeline.isInProgress(at: now) else { throw AWSFailure.contactNotActive(contactId) }
                    if parsed["Channel"]?.stringValue == "VOICE", let method = parsed["InitiationMethod"]?.stringValue, notStoppableVoice.contains(method) {
                        throw AWSFailure.invalidRequest("StopContact does not end VOICE contacts initiated by \(method).")
                    }
                    let stopped: JSONValue
                    do {
                        let view = try ContactView.document(parsed, at: now)
                        var members = (view.members ?? []).filter { $0.key != "DisconnectTimestamp" && $0.key != "DisconnectReason" && $0.key != "LastUpdateTimestamp" }
                        let seconds = JSONValue.number(TimestampValue.json(now))
                        members += [JSONMember(key: "DisconnectTimestamp", value: seconds), JSONMember(key: "DisconnectReason", value: .string(reason)),
                                    JSONMember(key: "LastUpdateTimestamp", value: seconds)]
                        stopped = try ContactValidator(now: now, unknownMembers: .keep).normalize(.object(members), line: 0)
                    } catch { throw defect("stopping a contact made a document that does not validate", error) }
                    let bytes = JSONWriter.bytes(stopped)
                    do {
                        _ = try store.upsert(ContactRecord(instanceId: instance.id, contactId: contactId, initiation: stored.initiation,
                                                           document: bytes), policy: policy)
                    } catch { throw defect("storing a stopped contact failed", error) }
                    return bytes
                }
            } catch let failure as AWSFailure {
                throw failure
            } catch {
                throw defect("the StopContact transaction failed", error)
            }
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
