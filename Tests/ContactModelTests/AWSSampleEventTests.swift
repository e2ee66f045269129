import ContactModel
import JSON
import Timekeeping
import XCTest

/// Our events against the sample events on AWS's page
/// https://docs.aws.amazon.com/connect/latest/adminguide/contact-events.html: member names,
/// casing and nesting. The samples' values are placeholders (`"arn:aws:..."`), so only their
/// key paths are kept here, written out from the samples (`[]` marks an array's items).
final class AWSSampleEventTests: XCTestCase {
    typealias F = TimelineFixture

    static let envelope: Set<String> = ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"]

    /// "Sample event for when routing step expires on a contact" (#sample-routing-step-expires).
    static let routingStepExpires: Set<String> = envelope.union([
        "detail.eventType", "detail.contactId", "detail.channel", "detail.instanceArn", "detail.initiationMethod",
        "detail.queueInfo", "detail.queueInfo.queueArn", "detail.queueInfo.enqueueTimestamp", "detail.queueInfo.queueType",
        "detail.updatedProperties", "detail.updatedProperties[]", "detail.initiationTimestamp", "detail.connectedToSystemTimestamp",
        "detail.tags", "detail.tags.aws:connect:instanceId",
        "detail.routingCriteria", "detail.routingCriteria.steps", "detail.routingCriteria.steps[]",
        "detail.routingCriteria.steps[].expiry", "detail.routingCriteria.steps[].expiry.durationInSeconds",
        "detail.routingCriteria.steps[].expiry.expiryTimestamp",
        "detail.routingCriteria.steps[].expression", "detail.routingCriteria.steps[].expression.attributeCondition",
        "detail.routingCriteria.steps[].expression.attributeCondition.name", "detail.routingCriteria.steps[].expression.attributeCondition.value",
        "detail.routingCriteria.steps[].expression.attributeCondition.proficiencyLevel",
        "detail.routingCriteria.steps[].expression.attributeCondition.comparisonOperator",
        "detail.routingCriteria.steps[].status", "detail.routingCriteria.activationTimestamp", "detail.routingCriteria.index",
        "resources[]",
    ])

    /// "Sample contact event for when a voice call is connected to an agent" (#sample-contact-event).
    static let connectedToAgent: Set<String> = envelope.union([
        "detail.initiationTimestamp", "detail.contactId", "detail.channel", "detail.instanceArn", "detail.initiationMethod", "detail.eventType",
        "detail.agentInfo", "detail.agentInfo.agentArn", "detail.agentInfo.connectedToAgentTimestamp", "detail.agentInfo.hierarchyGroups",
        "detail.queueInfo", "detail.queueInfo.queueType", "detail.queueInfo.queueArn", "detail.queueInfo.enqueueTimestamp",
        "detail.tags", "detail.tags.aws:connect:instanceId", "detail.tags.aws:connect:systemEndpoint",
        "resources[]",
    ]).union((1...5).flatMap { ["detail.agentInfo.hierarchyGroups.level\($0)", "detail.agentInfo.hierarchyGroups.level\($0).arn"] })

    /// Every key path of `value`.
    func paths(_ value: JSONValue, _ prefix: String = "") -> Set<String> {
        switch value {
        case .object(let members):
            return members.reduce(into: Set<String>()) { out, m in
                let path = prefix.isEmpty ? m.key : prefix + "." + m.key
                out.insert(path)
                out.formUnion(paths(m.value, path))
            }
        case .array(let items):
            return items.reduce(into: Set<String>()) { out, item in
                out.insert(prefix + "[]")
                out.formUnion(paths(item, prefix + "[]"))
            }
        default:
            return []
        }
    }

    /// A chat started by API whose first routing step expires: exactly the sample's members.
    func testRoutingStepExpiresMatchesTheSample() throws {
        let text = """
        {"Arn":"\(F.contactArn)","Id":"\(F.contactId)","InitiationMethod":"API","Channel":"CHAT",
         "QueueInfo":{"Id":"q","EnqueueTimestamp":\(F.s(3))},"InitiationTimestamp":\(F.s(0)),"LastUpdateTimestamp":\(F.s(60)),
         "ConnectedToSystemTimestamp":\(F.s(1)),
         "RoutingCriteria":{"Steps":[
           {"Expiry":{"DurationInSeconds":50,"ExpiryTimestamp":\(F.s(53))},"Expression":\(F.condition("Location", "AZ", "3.0")),"Status":"EXPIRED"},
           {"Expiry":{"DurationInSeconds":10},"Expression":\(F.condition("Language", "Spanish", "4.0")),"Status":"ACTIVE"},
           {"Expression":\(F.condition("Language", "Spanish", "1.0")),"Status":"INACTIVE"}],
          "ActivationTimestamp":\(F.s(3)),"Index":1}}
        """
        let event = try ContactEvents(JSONParser.parse(text)).all().first { $0.type == .contactDataUpdated }!
        XCTAssertEqual(paths(event.json), AWSSampleEventTests.routingStepExpires)
        XCTAssertEqual(event.json["detail"]?["updatedProperties"], .array([.string("RoutingCriteria.Step.Status")]))
    }

    /// An inbound call connected to an agent: the sample's members, and `systemEndpoint`, which
    /// the page's data model documents (the SystemEndpoint object) but this older sample omits.
    func testConnectedToAgentMatchesTheSample() throws {
        let groups = (1...5).map { #""Level\#($0)":{"Arn":"\#(F.instanceArn)/agent-group/g\#($0)"}"# }.joined(separator: ",")
        let text = """
        {"Arn":"\(F.contactArn)","Id":"\(F.contactId)","InitiationMethod":"INBOUND","Channel":"VOICE",
         "QueueInfo":{"Id":"q","EnqueueTimestamp":\(F.s(3))},"InitiationTimestamp":\(F.s(0)),
         "AgentInfo":{"Id":"a","ConnectedToAgentTimestamp":\(F.s(9)),"HierarchyGroups":{\(groups)}},
         "SystemEndpoint":{"Type":"TELEPHONE_NUMBER","Address":"+11234567890"}}
        """
        let event = try ContactEvents(JSONParser.parse(text)).all().first { $0.type == .connectedToAgent }!
        let ours = paths(event.json)
        XCTAssertTrue(AWSSampleEventTests.connectedToAgent.isSubset(of: ours), "missing: \(AWSSampleEventTests.connectedToAgent.subtracting(ours))")
        XCTAssertEqual(ours.subtracting(AWSSampleEventTests.connectedToAgent),
                       ["detail.systemEndpoint", "detail.systemEndpoint.type", "detail.systemEndpoint.address"])
    }
}
