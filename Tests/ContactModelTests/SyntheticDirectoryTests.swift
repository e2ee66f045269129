import ContactModel
import JSON
import Timekeeping
import XCTest

/// A synthetic seed's directory (SPEC §8): deterministic, sized by the run, valid against the
/// model, and every agent, queue and hierarchy group its contacts name is in it.
final class SyntheticDirectoryTests: XCTestCase {
    func testCountsGrowWithTheRunAndAreCapped() {
        XCTAssertEqual(SyntheticDirectory.counts(forContacts: 0).users, 5)
        XCTAssertEqual(SyntheticDirectory.counts(forContacts: 0).queues, 3)
        XCTAssertEqual(SyntheticDirectory.counts(forContacts: 10_000).users, 100)
        XCTAssertEqual(SyntheticDirectory.counts(forContacts: 10_000).queues, 10)
        XCTAssertEqual(SyntheticDirectory.counts(forContacts: 1_000_000).users, 2000)
        XCTAssertEqual(SyntheticDirectory.counts(forContacts: 1_000_000).queues, 250)
    }

    /// Ids depend on the instance and the position alone: a larger run's directory extends a
    /// smaller one's, and another instance's differs.
    func testIdsAreStableAndALargerDirectoryExtendsASmallerOne() {
        let small = SyntheticDirectory(instanceId: demoInstance.id, contacts: 500)
        let large = SyntheticDirectory(instanceId: demoInstance.id, contacts: 50_000)
        for k in 0..<small.userCount { XCTAssertEqual(small.userId(k), large.userId(k)) }
        for k in 0..<small.queueCount { XCTAssertEqual(small.queueId(k), large.queueId(k)) }
        XCTAssertNotEqual(SyntheticDirectory(instanceId: "other", contacts: 500).userId(0), small.userId(0))
        XCTAssertEqual(Set((0..<large.userCount).map(large.userId)).count, large.userCount)
        let names = large.records(instance: demoInstance, now: fixedNow).filter { $0.kind == .user }.compactMap(\.name)
        XCTAssertEqual(Set(names).count, names.count, "usernames repeat")
    }

    /// Every user and queue validates as a fixture would (the model's User and Queue shapes),
    /// and decodes back to the same bytes.
    func testEveryEntryValidatesAgainstTheModel() throws {
        let directory = SyntheticDirectory(instanceId: demoInstance.id, contacts: 30_000)
        let decoder = FixtureDecoder(instances: [demoInstance], now: fixedNow)
        for record in directory.records(instance: demoInstance, now: fixedNow) {
            let wrapped = try JSONParser.parse(Array("{\"\(record.kind.rawValue)\":".utf8) + record.document + [UInt8(ascii: "}")])
            let decoded = try decoder.decodeSingleDirectory(wrapped, kind: record.kind)
            XCTAssertEqual(decoded, record)
        }
    }

    /// 10,000 synthetic contacts: every AgentInfo.Id and QueueInfo.Id is a user and a queue of
    /// the run's directory, AgentsCriteria name its users, and an agent's hierarchy groups are
    /// the path down to the user's own HierarchyGroupId.
    func testEveryAgentAndQueueOfTenThousandContactsIsInTheDirectory() throws {
        let n = 10_000
        let directory = SyntheticDirectory(instanceId: demoInstance.id, contacts: n)
        let synth = ContactSynthesizer(instance: demoInstance, seed: 99, now: fixedNow, policy: RetentionPolicy(), directory: directory)
        var users: [String: JSONValue] = [:]
        var queues: Set<String> = []
        for r in directory.records(instance: demoInstance, now: fixedNow) {
            if r.kind == .user { users[r.id] = try JSONParser.parse(r.document) } else { queues.insert(r.id) }
        }
        let prefix = "arn:aws:connect:\(demoInstance.region):\(demoInstance.accountId):instance/\(demoInstance.id)/agent-group/"
        var agents = 0, queued = 0, grouped = 0
        try synth.generate(count: n) { r in
            let contact = try JSONParser.parse(synth.document(for: r.recipe!))
            if let q = contact["QueueInfo"]?["Id"]?.stringValue {
                queued += 1
                XCTAssertTrue(queues.contains(q), "queue \(q) of \(r.contactId) is not in the directory")
            }
            guard let agent = contact["AgentInfo"] else { return }
            agents += 1
            let id = try XCTUnwrap(agent["Id"]?.stringValue)
            let user = try XCTUnwrap(users[id], "agent \(id) of \(r.contactId) is not in the directory")
            let levels = ["Level1", "Level2", "Level3", "Level4", "Level5"].compactMap { agent["HierarchyGroups"]?[$0]?["Arn"]?.stringValue }
            if let own = user["HierarchyGroupId"]?.stringValue {
                grouped += 1
                XCTAssertEqual(levels.last, prefix + own, "\(r.contactId)")
            } else {
                XCTAssertTrue(levels.isEmpty)
            }
        }
        XCTAssertGreaterThan(agents, n / 3)
        XCTAssertGreaterThan(queued, n / 2)
        XCTAssertGreaterThan(grouped, 0)
    }
}
