import ContactModel
import Foundation
import Timekeeping

/// What StartOutboundVoiceContact shares across workers: the outcome rules (config's
/// `outbound.rules`, replaced by `PUT /_mock/outbound`) and the ClientTokens seen, so that a
/// retry with the same token gets the same contact while it is in progress (AWS keeps a token
/// for 7 days; a token whose contact has ended starts a new one, as AWS documents).
final class OutboundState: @unchecked Sendable {
    private let lock = NSLock()
    private var rules: [OutboundRule]
    private var tokens: [String: Issued] = [:]
    private let configured: [OutboundRule]

    struct Issued {
        var contactId: String
        /// The data clock's now when the call was placed. Whether the contact is still in progress
        /// is the store's to say (StopContact may have ended it).
        var issued: Instant
    }

    /// AWS: "The token is valid for 7 days after creation."
    static let tokenLifetimeSeconds: Int64 = 7 * 86_400

    init(rules: [OutboundRule]) {
        self.rules = rules
        configured = rules
    }

    func currentRules() -> [OutboundRule] { lock.withLock { rules } }
    func setRules(_ new: [OutboundRule]) { lock.withLock { rules = new } }

    /// The contact an earlier call with this token (in this instance) started, while the token
    /// has not expired; the caller asks the store whether that contact is still in progress.
    func contact(forToken token: String, instanceId: String, now: Instant) -> String? {
        lock.withLock {
            guard let i = tokens[instanceId + "\u{0}" + token] else { return nil }
            let age = (now.millisecondsSinceEpoch - i.issued.millisecondsSinceEpoch) / 1000
            guard age < Self.tokenLifetimeSeconds else { return nil }
            return i.contactId
        }
    }

    func remember(token: String, instanceId: String, _ issued: Issued) {
        lock.withLock { tokens[instanceId + "\u{0}" + token] = issued }
    }

    /// `POST /_mock/reset`: the configured rules, no tokens.
    func reset() {
        lock.withLock {
            rules = configured
            tokens = [:]
        }
    }
}
