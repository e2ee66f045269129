import ContactModel
import ContactStore
import HTTP1
import JSON
import Logging
import Timekeeping

extension AWSOperation {
    /// AWS's limit on a contact's attributes: "up to 32,768 UTF-8 bytes across all attributes
    /// for a contact" (UpdateContactAttributes, Attributes member, API reference).
    static let attributesByteLimit = 32_768

    /// The chain of a visible contact, or the 404 DescribeContact would give for it.
    static func visibleChain(_ store: ContactStore, state: MockState, instanceId: String, contactId: String, now: Instant) throws(AWSFailure) -> String {
        let found: (chainId: String, initiation: Instant)?
        do {
            found = try store.chain(instanceId: instanceId, contactId: contactId)
        } catch {
            state.logger.error("store lookup failed: \(error)")
            throw .storeFailed
        }
        guard let found else { throw ResourceKind.contact.notFound(contactId) }
        if let hidden = state.config.retention.policy.hiddenReason(initiation: found.initiation, now: now) {
            throw .contactNotFound(contactId, reason: hidden.rawValue)
        }
        return found.chainId
    }

    /// `GET /contact/attributes/{InstanceId}/{InitialContactId}`: the chain's attributes.
    static func getContactAttributes(state: MockState, store: ContactStore) -> AWSOperation {
        AWSOperation("GetContactAttributes", resource: "InitialContactId", resourceKind: .contact) { (call: borrowing OperationCall) throws(AWSFailure) in
            let chain = try visibleChain(store, state: state, instanceId: call.labels[0], contactId: call.labels[1], now: call.now)
            let attributes: [JSONMember]
            do {
                attributes = try store.chainAttributes(instanceId: call.labels[0], chainId: chain)
            } catch {
                state.logger.error("store lookup failed: \(error)")
                throw .storeFailed
            }
            return AWSOperation.json(.fields(["Attributes": .object(attributes)]), requestId: call.requestId)
        }
    }

    /// `POST /contact/attributes`: merges the body's attributes into the chain's (a key given
    /// takes the new value), within AWS's size limit, and stamps every contact of the chain
    /// with the data clock's now as its LastUpdateTimestamp.
    static func updateContactAttributes(state: MockState, store: ContactStore) -> AWSOperation {
        AWSOperation("UpdateContactAttributes", resource: "InitialContactId", resourceKind: .contact) { (call: borrowing OperationCall) throws(AWSFailure) in
            let contactId = call.input["InitialContactId"]?.stringValue ?? ""
            let given = call.input["Attributes"]?.members ?? []
            let chain = try visibleChain(store, state: state, instanceId: call.instance.id, contactId: contactId, now: call.now)
            let now = call.now
            let validator = ContactValidator(now: now, unknownMembers: .keep)
            let written: [(contactId: String, document: [UInt8])]
            do {
                written = try store.updateChainAttributes(instanceId: call.instance.id, chainId: chain, now: now,
                                                normalize: { try validator.normalize($0, line: 0) },
                                                merge: { try ContactAttributes.merge($0, given) })
            } catch let failure as AWSFailure {
                throw failure
            } catch {
                state.logger.error("attribute update failed: \(error)")
                throw .storeFailed
            }
            // AWS's contact events: an attribute update is CONTACT_DATA_UPDATED with
            // userDefinedAttributes, one for each contact of the chain.
            for (id, document) in written {
                state.events.written(document: document, instanceId: call.instance.id, contactId: id, now: now, fromMoments: false) { events in
                    [events.event(.contactDataUpdated, at: now, updatedProperties: [.userDefinedAttributes])]
                }
            }
            return AWSOperation.json(.object([]), requestId: call.requestId)
        }
    }
}

enum ContactAttributes {
    /// `current` with `given` merged in: a key already there keeps its place and takes the new
    /// value, a new key is added after. Refused when the result is over AWS's byte limit.
    static func merge(_ current: [JSONMember], _ given: [JSONMember]) throws(AWSFailure) -> [JSONMember] {
        var out = current
        for m in given {
            if let k = out.firstIndex(where: { $0.key == m.key }) { out[k].value = m.value } else { out.append(JSONMember(key: m.key, value: m.value)) }
        }
        let bytes = size(out)
        if bytes > AWSOperation.attributesByteLimit { throw .attributesTooLarge(bytes: bytes) }
        return out
    }

    /// UTF-8 bytes of every key and value.
    static func size(_ members: [JSONMember]) -> Int {
        members.reduce(0) { $0 + $1.key.utf8.count + ($1.value.stringValue?.utf8.count ?? 0) }
    }
}
