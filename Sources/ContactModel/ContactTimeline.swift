import JSON
import Timekeeping

/// Why a stored contact's document cannot be unfolded in time or turned into events. Stored
/// documents are normalized (timestamps are epoch seconds), so any of these means the bytes
/// did not come from the validator.
public enum ContactDocumentError: Error, Sendable, Equatable {
    case notJSON(JSONParser.Failure)
    case notAnObject
    /// Every stored contact has one (SPEC §4); without it the contact has no place in time.
    case missingInitiationTimestamp
    /// A member that holds a moment is not an epoch-seconds number.
    case notATimestamp(path: String)
    /// Events name the account, region and instance, which only the contact's ARN carries.
    case missingArn
    case notAContactArn(String)
}

/// The moments of one stored contact (SPEC §9): every instant at which its view
/// (`ContactView`) changes, sorted and distinct, read once from the document.
///
/// Built so the server can keep its fast path: a contact whose `latest` moment is at or before
/// the data clock is `isComplete(at:)` and is served as its stored bytes, untouched; only a
/// contact still unfolding needs its view made. A contact whose `initiation` is after the clock
/// does not exist yet (`exists(at:)`): the caller answers as for an unknown contact.
public struct ContactTimeline: Sendable, Equatable {
    /// `InitiationTimestamp`.
    public let initiation: Instant
    /// Sorted ascending, no repeats; never empty (the initiation is one).
    public let moments: [Instant]
    /// `DisconnectTimestamp`, when the contact has one.
    public let disconnect: Instant?

    public init(_ contact: JSONValue) throws(ContactDocumentError) {
        self.init(try ContactAnchors(contact))
    }

    /// Parses the stored bytes; a caller that serves the same contact often keeps the result.
    public init(bytes: [UInt8]) throws(ContactDocumentError) {
        let document: JSONValue
        do { document = try JSONParser.parse(bytes) } catch { throw .notJSON(error) }
        try self.init(document)
    }

    init(_ anchors: ContactAnchors) {
        initiation = anchors.initiation
        moments = Array(Set(anchors.moments)).sorted()
        disconnect = anchors.disconnect
    }

    /// The last moment: from it on the view is the stored document.
    public var latest: Instant { moments[moments.count - 1] }

    /// Whether the contact has been initiated at `t` (`InitiationTimestamp <= t`).
    public func exists(at t: Instant) -> Bool { initiation <= t }

    /// Whether the contact is in progress at `t`: initiated and not yet disconnected (its after
    /// contact work may go on). The one test for what StopContact may end and for whether a
    /// StartOutboundVoiceContact ClientToken gives back its contact: AWS returns the contact
    /// "if a contact is already started" and starts a new one "if the contact is disconnected".
    public func isInProgress(at t: Instant) -> Bool {
        exists(at: t) && !(disconnect.map { $0 <= t } ?? false)
    }

    /// Whether every moment is at or before `t`: the view at `t` is the stored document, byte
    /// for byte.
    public func isComplete(at t: Instant) -> Bool { latest <= t }

    /// The latest moment at or before `t`, nil when all are after it.
    public func latestMoment(atOrBefore t: Instant) -> Instant? {
        let k = firstIndex(after: t)
        return k == 0 ? nil : moments[k - 1]
    }

    /// The first moment after `t`: when the view next changes, nil once it never will.
    public func nextMoment(after t: Instant) -> Instant? {
        let k = firstIndex(after: t)
        return k == moments.count ? nil : moments[k]
    }

    /// Binary search for the first moment `> t`.
    private func firstIndex(after t: Instant) -> Int {
        var lo = 0, hi = moments.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if moments[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

/// The timestamps that place a contact's members in time, read from its document once and
/// shared by the timeline, the view and the events so the three cannot disagree. Nested
/// members are read by position (`stateTransitions[k]` is the k-th transition), as the view
/// walks them.
struct ContactAnchors {
    var initiation: Instant
    var connectedToSystem, ringStart, scheduled, lastPaused, lastResumed: Instant?
    /// QueueInfo's.
    var enqueue: Instant?
    /// AgentInfo's.
    var connectedToAgent, acceptedByAgent, previewEnd, afterContactWorkStart, afterContactWorkEnd: Instant?
    var stateTransitions: [(start: Instant?, end: Instant?)] = []
    var disconnect: Instant?
    /// RoutingCriteria's.
    var activation: Instant?
    var stepExpiries: [Instant?] = []
    /// CustomerVoiceActivity's.
    var greetingStart, greetingEnd: Instant?
    var lastUpdate: Instant?

    init(_ contact: JSONValue) throws(ContactDocumentError) {
        guard case .object = contact else { throw .notAnObject }
        func at(_ value: JSONValue?, _ path: String) throws(ContactDocumentError) -> Instant? {
            guard let value else { return nil }
            guard case .number(let text) = value, let instant = TimestampValue.parse(epochSeconds: text) else {
                throw .notATimestamp(path: path)
            }
            return instant
        }
        guard let initiation = try at(contact["InitiationTimestamp"], "$.InitiationTimestamp") else { throw .missingInitiationTimestamp }
        self.initiation = initiation
        connectedToSystem = try at(contact["ConnectedToSystemTimestamp"], "$.ConnectedToSystemTimestamp")
        ringStart = try at(contact["RingStartTimestamp"], "$.RingStartTimestamp")
        scheduled = try at(contact["ScheduledTimestamp"], "$.ScheduledTimestamp")
        lastPaused = try at(contact["LastPausedTimestamp"], "$.LastPausedTimestamp")
        lastResumed = try at(contact["LastResumedTimestamp"], "$.LastResumedTimestamp")
        disconnect = try at(contact["DisconnectTimestamp"], "$.DisconnectTimestamp")
        lastUpdate = try at(contact["LastUpdateTimestamp"], "$.LastUpdateTimestamp")
        enqueue = try at(contact["QueueInfo"]?["EnqueueTimestamp"], "$.QueueInfo.EnqueueTimestamp")
        if let agent = contact["AgentInfo"] {
            connectedToAgent = try at(agent["ConnectedToAgentTimestamp"], "$.AgentInfo.ConnectedToAgentTimestamp")
            acceptedByAgent = try at(agent["AcceptedByAgentTimestamp"], "$.AgentInfo.AcceptedByAgentTimestamp")
            previewEnd = try at(agent["PreviewEndTimestamp"], "$.AgentInfo.PreviewEndTimestamp")
            afterContactWorkStart = try at(agent["AfterContactWorkStartTimestamp"], "$.AgentInfo.AfterContactWorkStartTimestamp")
            afterContactWorkEnd = try at(agent["AfterContactWorkEndTimestamp"], "$.AgentInfo.AfterContactWorkEndTimestamp")
            if case .array(let items)? = agent["StateTransitions"] {
                for (k, item) in items.enumerated() {
                    let path = "$.AgentInfo.StateTransitions[\(k)]."
                    stateTransitions.append((try at(item["StateStartTimestamp"], path + "StateStartTimestamp"),
                                             try at(item["StateEndTimestamp"], path + "StateEndTimestamp")))
                }
            }
        }
        if let routing = contact["RoutingCriteria"] {
            activation = try at(routing["ActivationTimestamp"], "$.RoutingCriteria.ActivationTimestamp")
            if case .array(let steps)? = routing["Steps"] {
                for (k, step) in steps.enumerated() {
                    stepExpiries.append(try at(step["Expiry"]?["ExpiryTimestamp"], "$.RoutingCriteria.Steps[\(k)].Expiry.ExpiryTimestamp"))
                }
            }
        }
        if let voice = contact["CustomerVoiceActivity"] {
            greetingStart = try at(voice["GreetingStartTimestamp"], "$.CustomerVoiceActivity.GreetingStartTimestamp")
            greetingEnd = try at(voice["GreetingEndTimestamp"], "$.CustomerVoiceActivity.GreetingEndTimestamp")
        }
    }

    /// When a member of AgentInfo shows: at its own time, but never before AgentInfo itself.
    func inAgentInfo(_ x: Instant?) -> Instant? {
        guard let x else { return nil }
        return connectedToAgent.map { max(x, $0) } ?? x
    }

    /// When a routing step's expiry shows: never before the routing criteria itself.
    func inRouting(_ x: Instant?) -> Instant? {
        guard let x else { return nil }
        return activation.map { max(x, $0) } ?? x
    }

    /// Every instant at which the view changes (unsorted, possibly repeated). Members tied to
    /// the disconnect or to AgentInfo add no instants of their own.
    var moments: [Instant] {
        var out = [initiation]
        out += [connectedToSystem, ringStart, scheduled, lastPaused, lastResumed, enqueue, connectedToAgent, disconnect,
                activation, greetingStart, greetingEnd, lastUpdate].compactMap { $0 }
        out += [acceptedByAgent, previewEnd, afterContactWorkStart, afterContactWorkEnd].compactMap { inAgentInfo($0) }
        for s in stateTransitions { out += [inAgentInfo(s.start), inAgentInfo(s.end)].compactMap { $0 } }
        out += stepExpiries.compactMap { inRouting($0) }
        return out
    }
}
