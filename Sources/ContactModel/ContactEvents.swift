import JSON
import Timekeeping

/// The event types of AWS's contact events data model
/// (https://docs.aws.amazon.com/connect/latest/adminguide/contact-events.html, `EventType`'s
/// valid values), declared in the order a contact passes them: events at the same moment of
/// the same contact come in this order (SPEC §9 orders by time, contact, then type). A routing
/// step that expires as the agent joins is reported before the join, and COMPLETED, which the
/// page says follows DISCONNECTED when there is no after contact work, after it.
///
/// AMD_DISABLED and WEBRTC_API, which the page lists but `EventType` does not, have nothing in
/// a stored contact to come from and are not made.
public enum ContactEventType: String, Sendable, CaseIterable, Comparable {
    case initiated = "INITIATED"
    case connectedToSystem = "CONNECTED_TO_SYSTEM"
    case queued = "QUEUED"
    case contactDataUpdated = "CONTACT_DATA_UPDATED"
    case connectedToAgent = "CONNECTED_TO_AGENT"
    case paused = "PAUSED"
    case resumed = "RESUMED"
    case disconnected = "DISCONNECTED"
    case completed = "COMPLETED"

    /// The place in the declared order.
    public var rank: Int { ContactEventType.allCases.firstIndex(of: self)! }

    public static func < (a: ContactEventType, b: ContactEventType) -> Bool { a.rank < b.rank }
}

/// What a CONTACT_DATA_UPDATED event says changed (`detail.updatedProperties`), named as the
/// page names them: `UpdatedProperties`' valid values, and `RoutingCriteria.Step.Status` from
/// its "routing step expires" sample.
public enum UpdatedProperty: String, Sendable, CaseIterable {
    case scheduledTimestamp = "ScheduledTimestamp"
    case userDefinedAttributes = "UserDefinedAttributes"
    case contactLensConfiguration = "ContactLens.ConversationalAnalytics.Configuration"
    /// The page writes "Segment Attributes"; every other value is one identifier.
    case segmentAttributes = "SegmentAttributes"
    case tags = "Tags"
    case routingStepStatus = "RoutingCriteria.Step.Status"
}

/// One Amazon Connect contact event, as Amazon EventBridge delivers it.
public struct ContactEvent: Sendable, Equatable {
    public var type: ContactEventType
    /// When it happens; `time` in the envelope is this, to the second.
    public var moment: Instant
    public var contactId: String
    /// Empty unless `type` is CONTACT_DATA_UPDATED.
    public var updatedProperties: [UpdatedProperty]
    /// The envelope's `id`, a version-5 UUID of what the event is about (`ContactEvents.eventId`),
    /// so making the event again gives the same id.
    public var id: String
    /// The whole EventBridge event: `version`, `id`, `detail-type`, `source`, `account`, `time`,
    /// `region`, `resources` (the instance's and the contact's ARNs), `detail`.
    public var json: JSONValue

    /// The event as JSON bytes (`JSONWriter`), as a feed or a webhook sends it.
    public var bytes: [UInt8] { JSONWriter.bytes(json) }

    /// SPEC §9's order: by moment, then contact id, then type (`ContactEventType`'s order),
    /// then the updated properties' names for two updates of one contact at one moment.
    public static func precedes(_ a: ContactEvent, _ b: ContactEvent) -> Bool {
        order(a.moment, a.contactId, a.type, a.updatedProperties, before: b.moment, b.contactId, b.type, b.updatedProperties)
    }

    /// The one order of events, for rendered events and for those not yet rendered.
    public static func order(_ m1: Instant, _ c1: String, _ t1: ContactEventType, _ p1: [UpdatedProperty],
                             before m2: Instant, _ c2: String, _ t2: ContactEventType, _ p2: [UpdatedProperty]) -> Bool {
        if m1 != m2 { return m1 < m2 }
        if c1 != c2 { return c1 < c2 }
        if t1 != t2 { return t1 < t2 }
        return p1.map(\.rawValue).lexicographicallyPrecedes(p2.map(\.rawValue))
    }
}

/// The contact events one stored contact gives as the data clock passes its moments (SPEC §9),
/// made from its document once parsed: each event's `detail` is the contact's view
/// (`ContactView`) at the event's moment, so a QUEUED event knows the queue and not yet the agent.
///
/// The moments that make events:
/// - INITIATED at `InitiationTimestamp`.
/// - CONNECTED_TO_SYSTEM at `ConnectedToSystemTimestamp`, for the contacts the page says it is
///   generated for: outbound calls (VOICE initiated OUTBOUND, API, CALLBACK or
///   EXTERNAL_OUTBOUND), tasks and chats.
/// - QUEUED at `QueueInfo.EnqueueTimestamp`.
/// - CONTACT_DATA_UPDATED with `RoutingCriteria.Step.Status` at each routing step's
///   `Expiry.ExpiryTimestamp` (one event for steps expiring at one moment).
/// - CONNECTED_TO_AGENT at `AgentInfo.ConnectedToAgentTimestamp`.
/// - PAUSED at `LastPausedTimestamp`, RESUMED at `LastResumedTimestamp`.
/// - DISCONNECTED at `DisconnectTimestamp`.
/// - COMPLETED at `AgentInfo.AfterContactWorkEndTimestamp`, or with DISCONNECTED when there
///   was no after contact work.
///
/// Other changes (attributes, tags, a stop) happen through operations; the server makes their
/// events with `event(_:at:updatedProperties:)`.
public struct ContactEvents: Sendable {
    /// Each made event's type, moment and updated properties, in order; their JSON is made
    /// only for the events asked for.
    public struct Planned: Sendable, Equatable {
        public var type: ContactEventType
        public var moment: Instant
        public var updatedProperties: [UpdatedProperty]
    }

    public let document: JSONValue
    public let arn: ConnectARN
    public let timeline: ContactTimeline
    /// Every event the contact gives, in order.
    public let planned: [Planned]
    let anchors: ContactAnchors

    public init(_ contact: JSONValue) throws(ContactDocumentError) {
        anchors = try ContactAnchors(contact)
        guard let text = contact["Arn"]?.stringValue else { throw .missingArn }
        guard let arn = ConnectARN(text, element: "contact") else { throw .notAContactArn(text) }
        self.arn = arn
        document = contact
        timeline = ContactTimeline(anchors)
        planned = ContactEvents.plan(contact, anchors)
    }

    public init(bytes: [UInt8]) throws(ContactDocumentError) {
        let document: JSONValue
        do { document = try JSONParser.parse(bytes) } catch { throw .notJSON(error) }
        try self.init(document)
    }

    /// The contact's id: `Id`, or the ARN's.
    public var contactId: String { document["Id"]?.stringValue ?? arn.id }

    /// Every event, in order.
    public func all() -> [ContactEvent] { planned.map(render) }

    /// The events whose moments are in the half-open interval (`after`, `through`]: what a data
    /// clock moved from `after` to `through` passes, each moment once however the interval is cut.
    public func between(after a: Instant, through b: Instant) -> [ContactEvent] {
        planned.filter { a < $0.moment && $0.moment <= b }.map(render)
    }

    /// An event of this contact at `moment`, with the contact's view at that moment: for the
    /// changes the server makes itself (UpdateContactAttributes gives CONTACT_DATA_UPDATED
    /// with `userDefinedAttributes`, StopContact DISCONNECTED).
    public func event(_ type: ContactEventType, at moment: Instant, updatedProperties: [UpdatedProperty] = []) -> ContactEvent {
        render(Planned(type: type, moment: moment, updatedProperties: type == .contactDataUpdated ? updatedProperties : []))
    }

    /// The namespace of events' ids: the version-5 UUID of the URL-namespace name
    /// `connect-mock:contact-event`.
    public static let idNamespace = NameBasedUUID.bytes(of: NameBasedUUID.v5(namespace: NameBasedUUID.urlNamespace, name: "connect-mock:contact-event"))!

    /// An event's id: the version-5 UUID, in `idNamespace`, of
    /// `<contact ARN> <EVENT_TYPE> <epoch milliseconds>`, followed for a data update by
    /// ` <property>,<property>`. In Python:
    /// `uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL, "connect-mock:contact-event"), name)`.
    public static func eventId(contactArn: String, type: ContactEventType, moment: Instant, updatedProperties: [UpdatedProperty] = []) -> String {
        var name = "\(contactArn) \(type.rawValue) \(moment.millisecondsSinceEpoch)"
        if !updatedProperties.isEmpty { name += " " + updatedProperties.map(\.rawValue).joined(separator: ",") }
        return NameBasedUUID.v5(namespace: idNamespace, name: name)
    }

    func render(_ p: Planned) -> ContactEvent {
        let view = timeline.isComplete(at: p.moment) ? document : ContactView.view(document, anchors, timeline, at: p.moment)
        let id = ContactEvents.eventId(contactArn: arn.text, type: p.type, moment: p.moment, updatedProperties: p.updatedProperties)
        let json = JSONValue.fields([
            "version": .string("0"),
            "id": .string(id),
            "detail-type": .string("Amazon Connect Contact Event"),
            "source": .string("aws.connect"),
            "account": .string(arn.account),
            "time": .string(ISO8601.format(Instant(secondsSinceEpoch: p.moment.secondsSinceEpoch))),
            "region": .string(arn.region),
            "resources": .array([.string(arn.instanceArn), .string(arn.text)]),
            "detail": ContactEventDetail.make(view: view, type: p.type, updatedProperties: p.updatedProperties, arn: arn),
        ])
        return ContactEvent(type: p.type, moment: p.moment, contactId: contactId, updatedProperties: p.updatedProperties, id: id, json: json)
    }

    /// Channels and methods whose contacts get CONNECTED_TO_SYSTEM: "generated for outbound
    /// calls (including Amazon Connect outbound campaigns) tasks, and chats".
    static func connectsToSystem(channel: String?, method: String?) -> Bool {
        switch channel {
        case "CHAT", "TASK": true
        case "VOICE": ["OUTBOUND", "API", "CALLBACK", "EXTERNAL_OUTBOUND"].contains(method ?? "")
        default: false
        }
    }

    static func plan(_ contact: JSONValue, _ a: ContactAnchors) -> [Planned] {
        var out: [Planned] = []
        func add(_ type: ContactEventType, _ moment: Instant?, _ properties: [UpdatedProperty] = []) {
            if let moment { out.append(Planned(type: type, moment: moment, updatedProperties: properties)) }
        }
        add(.initiated, a.initiation)
        if connectsToSystem(channel: contact["Channel"]?.stringValue, method: contact["InitiationMethod"]?.stringValue) {
            add(.connectedToSystem, a.connectedToSystem)
        }
        add(.queued, a.enqueue)
        for expiry in Set(a.stepExpiries.compactMap { a.inRouting($0) }) { add(.contactDataUpdated, expiry, [.routingStepStatus]) }
        add(.connectedToAgent, a.connectedToAgent)
        add(.paused, a.lastPaused)
        add(.resumed, a.lastResumed)
        if let disconnect = a.disconnect {
            add(.disconnected, disconnect)
            add(.completed, max(disconnect, a.inAgentInfo(a.afterContactWorkEnd) ?? disconnect))
        }
        return out.sorted { ($0.moment, $0.type.rank) < ($1.moment, $1.type.rank) }
    }
}
