import JSON
import Timekeeping

/// A stored contact as it stands at time `t` (SPEC §9, `contacts.view: asOfClock`): a real
/// contact is not born whole, and test code polls DescribeContact until `DisconnectTimestamp`
/// appears, so a member whose moment is after `t` is left out.
///
/// The moments, as SPEC §9 gives them and as the model's Contact shape places them:
/// - `ConnectedToSystemTimestamp`, `RingStartTimestamp`, `ScheduledTimestamp`, and
///   `LastPausedTimestamp`, `LastResumedTimestamp` (which SPEC does not name: a pause that has
///   not happened is not shown, and PAUSED and RESUMED are emitted then): each its own.
/// - `QueueInfo` at its `EnqueueTimestamp`.
/// - `AgentInfo` at its `ConnectedToAgentTimestamp`; inside it `AcceptedByAgentTimestamp`,
///   `PreviewEndTimestamp`, `AfterContactWorkStartTimestamp` and `AfterContactWorkEndTimestamp`
///   each at its own, `AfterContactWorkDuration` with the end, each `StateTransitions` item at
///   its `StateStartTimestamp` and its `StateEndTimestamp` at its own; the totals
///   `AgentInitiatedHoldDuration` and `AgentPauseDurationInSeconds` at `DisconnectTimestamp`
///   (the model gives holds no timestamp: a total is known when the contact ends).
/// - `DisconnectTimestamp`, `DisconnectReason`, `DisconnectDetails`, `QualityMetrics`,
///   `ChatMetrics`, `Recordings`, `ContactEvaluations`, and the totals `TotalPauseCount` and
///   `TotalPauseDurationInSeconds`, at `DisconnectTimestamp`.
/// - `RoutingCriteria` at its `ActivationTimestamp`; each step's `Status` is worked out at `t`:
///   `EXPIRED` when its `Expiry.ExpiryTimestamp` is at or before `t` (a later expiry is left out,
///   as AWS shows a step not yet expired), the first step not expired `ACTIVE`, or `JOINED` once
///   the agent is connected, the steps after it `INACTIVE`.
/// - `CustomerVoiceActivity`'s greeting timestamps each at its own.
/// - `LastUpdateTimestamp` is the latest moment at or before `t`, never after the stored one.
///
/// A member tied to a moment the document does not have (a `DisconnectReason` without a
/// `DisconnectTimestamp`), and every other member, shows as stored. From the contact's latest
/// moment on the view is the stored document itself.
public enum ContactView {
    /// The stored bytes as they stand at `t`: `stored` itself, untouched, when the contact is
    /// complete at `t`, otherwise the view written by `JSONWriter` (members in stored order).
    public static func bytes(_ stored: [UInt8], at t: Instant) throws(ContactDocumentError) -> [UInt8] {
        let document: JSONValue
        do { document = try JSONParser.parse(stored) } catch { throw .notJSON(error) }
        let anchors = try ContactAnchors(document)
        let timeline = ContactTimeline(anchors)
        if timeline.isComplete(at: t) { return stored }
        return JSONWriter.bytes(view(document, anchors, timeline, at: t))
    }

    /// `bytes(_:at:)` with the contact's timeline kept from before: a complete contact is then
    /// answered without parsing.
    public static func bytes(_ stored: [UInt8], timeline: ContactTimeline, at t: Instant) throws(ContactDocumentError) -> [UInt8] {
        if timeline.isComplete(at: t) { return stored }
        return try bytes(stored, at: t)
    }

    /// The parsed document as it stands at `t` (`contact` itself when complete at `t`).
    public static func document(_ contact: JSONValue, at t: Instant) throws(ContactDocumentError) -> JSONValue {
        let anchors = try ContactAnchors(contact)
        let timeline = ContactTimeline(anchors)
        if timeline.isComplete(at: t) { return contact }
        return view(contact, anchors, timeline, at: t)
    }

    static func view(_ contact: JSONValue, _ a: ContactAnchors, _ timeline: ContactTimeline, at t: Instant) -> JSONValue {
        guard case .object(let members) = contact else { return contact }
        /// Whether a member tied to `moment` shows; one without a moment shows as stored.
        func shows(_ moment: Instant?) -> Bool { moment.map { $0 <= t } ?? true }
        let ended = shows(a.disconnect)
        var out: [JSONMember] = []
        out.reserveCapacity(members.count)
        for m in members {
            switch m.key {
            case "ConnectedToSystemTimestamp": if shows(a.connectedToSystem) { out.append(m) }
            case "RingStartTimestamp": if shows(a.ringStart) { out.append(m) }
            case "ScheduledTimestamp": if shows(a.scheduled) { out.append(m) }
            case "LastPausedTimestamp": if shows(a.lastPaused) { out.append(m) }
            case "LastResumedTimestamp": if shows(a.lastResumed) { out.append(m) }
            case "QueueInfo": if shows(a.enqueue) { out.append(m) }
            case "AgentInfo":
                if shows(a.connectedToAgent) { out.append(JSONMember(key: m.key, value: agentInfo(m.value, a, ended: ended, at: t))) }
            case "DisconnectTimestamp", "DisconnectReason", "DisconnectDetails", "QualityMetrics", "ChatMetrics", "Recordings",
                 "ContactEvaluations", "TotalPauseCount", "TotalPauseDurationInSeconds":
                if ended { out.append(m) }
            case "RoutingCriteria":
                if shows(a.activation) { out.append(JSONMember(key: m.key, value: routingCriteria(m.value, a, at: t))) }
            case "CustomerVoiceActivity":
                let kept = filter(m.value) { key in
                    switch key {
                    case "GreetingStartTimestamp": shows(a.greetingStart)
                    case "GreetingEndTimestamp": shows(a.greetingEnd)
                    default: true
                    }
                }
                if kept.members?.isEmpty == false { out.append(JSONMember(key: m.key, value: kept)) }
            case "LastUpdateTimestamp":
                let latest = min(a.lastUpdate ?? a.initiation, timeline.latestMoment(atOrBefore: t) ?? a.initiation)
                out.append(latest == a.lastUpdate ? m : JSONMember(key: m.key, value: .number(TimestampValue.json(latest))))
            default: out.append(m)
            }
        }
        return .object(out)
    }

    static func agentInfo(_ value: JSONValue, _ a: ContactAnchors, ended: Bool, at t: Instant) -> JSONValue {
        func shows(_ moment: Instant?) -> Bool { moment.map { $0 <= t } ?? true }
        guard case .object(let members) = value else { return value }
        var out: [JSONMember] = []
        for m in members {
            switch m.key {
            case "AcceptedByAgentTimestamp": if shows(a.acceptedByAgent) { out.append(m) }
            case "PreviewEndTimestamp": if shows(a.previewEnd) { out.append(m) }
            case "AfterContactWorkStartTimestamp": if shows(a.afterContactWorkStart) { out.append(m) }
            case "AfterContactWorkEndTimestamp", "AfterContactWorkDuration": if shows(a.afterContactWorkEnd) { out.append(m) }
            case "AgentInitiatedHoldDuration", "AgentPauseDurationInSeconds": if ended { out.append(m) }
            case "StateTransitions":
                guard case .array(let items) = m.value else { out.append(m); continue }
                var kept: [JSONValue] = []
                for (k, item) in items.enumerated() where k < a.stateTransitions.count {
                    let (start, end) = a.stateTransitions[k]
                    guard shows(start) else { continue }
                    kept.append(shows(end) ? item : filter(item) { $0 != "StateEndTimestamp" })
                }
                if !kept.isEmpty { out.append(JSONMember(key: m.key, value: .array(kept))) }
            default: out.append(m)
            }
        }
        return .object(out)
    }

    /// The steps' statuses at `t`; an expiry not yet reached is left out, and an `Expiry` left
    /// empty by that with it.
    static func routingCriteria(_ value: JSONValue, _ a: ContactAnchors, at t: Instant) -> JSONValue {
        guard case .object(let members) = value else { return value }
        let joined = a.connectedToAgent.map { $0 <= t } ?? false
        return .object(members.map { m in
            guard m.key == "Steps", case .array(let steps) = m.value else { return m }
            var current = false
            let statuses: [JSONValue] = steps.enumerated().map { k, step in
                let expiry = k < a.stepExpiries.count ? a.stepExpiries[k] : nil
                let status: String
                var step = step
                if let expiry, expiry <= t {
                    status = "EXPIRED"
                } else {
                    status = current ? "INACTIVE" : (joined ? "JOINED" : "ACTIVE")
                    current = true
                    if expiry != nil, let e = step["Expiry"] {
                        let left = filter(e) { $0 != "ExpiryTimestamp" }
                        step = left.members?.isEmpty == false ? replacing(step, "Expiry", with: left) : filter(step) { $0 != "Expiry" }
                    }
                }
                return replacing(step, "Status", with: .string(status))
            }
            return JSONMember(key: m.key, value: .array(statuses))
        })
    }

    /// `value`'s members whose keys pass `keep`.
    static func filter(_ value: JSONValue, _ keep: (String) -> Bool) -> JSONValue {
        guard case .object(let members) = value else { return value }
        return .object(members.filter { keep($0.key) })
    }

    /// `object` with member `key` set to `new`: in its place when present, otherwise after the
    /// members that come before it in the model's order (`Status` follows a Step's `Expiry` and
    /// `Expression`), ahead of any member unknown to the model.
    static func replacing(_ object: JSONValue, _ key: String, with new: JSONValue, after earlier: Set<String> = ["Expiry", "Expression"]) -> JSONValue {
        guard case .object(var members) = object else { return object }
        if let k = members.firstIndex(where: { $0.key == key }) {
            members[k].value = new
        } else {
            let at = (members.lastIndex(where: { earlier.contains($0.key) }) ?? -1) + 1
            members.insert(JSONMember(key: key, value: new), at: at)
        }
        return .object(members)
    }
}
