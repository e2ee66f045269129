import ContactModel
import ContactStore
import HTTP1
import Logging
import Timekeeping

extension AWSOperation {
    /// `GET /contacts/{InstanceId}/{ContactId}`: the stored document, as stored, when the
    /// contact is visible at the data clock (SPEC §3, §4).
    static func describeContact(state: MockState, store: ContactStore) -> AWSOperation {
        let policy = state.config.retention.policy
        let asOfClock = state.config.contacts.view == .asOfClock
        return AWSOperation("DescribeContact", resource: "ContactId", resourceKind: .contact) { (call: borrowing OperationCall) throws(AWSFailure) in
            let stored: ContactStore.StoredContact?
            do {
                stored = try store.lookup(instanceId: call.labels[0], contactId: call.labels[1], now: call.arrived)
            } catch {
                state.logger.error("store lookup failed: \(error)")
                throw .storeFailed
            }
            guard let stored else { throw ResourceKind.contact.notFound(call.labels[1]) }
            let now = call.now
            if let hidden = policy.hiddenReason(initiation: stored.initiation, now: now) {
                throw .contactNotFound(call.labels[1], reason: hidden.rawValue)
            }
            var body = stored.document
            if asOfClock, now < stored.latest {
                do {
                    body = try ContactView.bytes(stored.document, at: now)
                } catch {
                    state.logger.error("the view of a stored contact failed: \(error)")
                    throw .storeFailed
                }
            }
            return HTTPResponse(status: 200, contentType: "application/json", idHeader: ("x-amzn-RequestId", call.requestId),
                                body: body, envelope: (#"{"Contact":"#, "}"))
        }
    }
}
