import ContactModel
import JSON
import Timekeeping
import XCTest

/// Issue 25 and the fixture half of issue 30: ids as AWS allows them, members newer than the
/// model, and times the mock cannot hold refused aloud.
final class CurrentWithAWSTests: XCTestCase {
    func decode(_ text: String, unknownMembers: UnknownMemberPolicy = .reject) -> ([ContactRecord], [FixtureIssue]) {
        var records: [ContactRecord] = []
        let d = FixtureDecoder(instances: [demoInstance], now: fixedNow, unknownMembers: unknownMembers)
        let issues = d.decode(Array(text.utf8), file: "f.json", jsonLines: false) { records.append($0) }
        return (records, issues)
    }

    func contact(_ members: String) -> String {
        #"{"Contact":{"Channel":"VOICE","InitiationMethod":"INBOUND","InitiationTimestamp":"2026-05-01T00:00:00Z""# + members + "}}"
    }

    /// Everything after `instance/ID/contact/` is the id: whatever DescribeContact serves seeds back.
    func testTheArnsContactIdIsEverythingAfterContact() {
        let prefix = "arn:aws:connect:us-east-1:123456789012:instance/\(demoInstance.id)/contact/"
        for id in ["plain", "a/b", "a/b/c/", "with space", "colon:inside:it", "ünïcødé/日本", "contact/contact"] {
            XCTAssertEqual(ConnectARN(prefix + id, element: "contact")?.id, id, id)
            XCTAssertEqual(ConnectARN(prefix + id, element: "contact")?.instanceId, demoInstance.id, id)
            let (records, issues) = decode(contact(#","Arn":"# + JSONWriter.string(.string(prefix + id))))
            XCTAssertEqual(issues, [], id)
            XCTAssertEqual(records.first?.contactId, id)
        }
        for bad in [prefix.dropLast(1) + "", String(prefix.dropLast(8)) + "agent/x", "arn:aws:connect:us-east-1:123456789012:instance//contact/x",
                    "arn:aws:connect:us-east-1:123456789012:instance/\(demoInstance.id)/contact/"] {
            XCTAssertNil(ConnectARN(String(bad), element: "contact"), String(bad))
        }
    }

    func testIdsWithControlCharactersAreRefusedAsDescribeContactRefusesThem() {
        let (records, issues) = decode(contact(#","Id":"tab\there""#))
        XCTAssertEqual(records.count, 0)
        XCTAssertEqual(issues.first?.path, "$.Contact.Id")
        XCTAssertTrue(issues.first?.message.contains("must not contain control characters") ?? false, "\(issues)")
    }

    func testUnknownMembersAreRejectedWithTheModelVersionOrKeptAsGiven() {
        let text = contact(#","FutureMember":{"Nested":[1,"two",{"x":true}]},"QueueInfo":{"Id":"q","FutureQueueThing":"v"}"#)
        let (_, issues) = decode(text)
        XCTAssertEqual(issues.map(\.path), ["$.Contact.FutureMember", "$.Contact.QueueInfo.FutureQueueThing"])
        XCTAssertTrue(issues[0].message.contains("botocore \(ShapeTable.botocoreVersion)"), issues[0].message)
        XCTAssertTrue(issues[0].message.contains("validation.unknownMembers: keep"), issues[0].message)

        let (records, kept) = decode(text, unknownMembers: .keep)
        XCTAssertEqual(kept, [])
        let stored = try! JSONParser.parse(records[0].document)
        XCTAssertEqual(stored["FutureMember"].map { JSONWriter.string($0) }, #"{"Nested":[1,"two",{"x":true}]}"#)
        XCTAssertEqual(stored["QueueInfo"].map { JSONWriter.string($0) }, #"{"Id":"q","FutureQueueThing":"v"}"#)

        let (_, null) = decode(contact(#","FutureMember":null"#), unknownMembers: .keep)
        XCTAssertEqual(null.map(\.path), ["$.Contact.FutureMember"])
    }

    /// Issue 30: `now+999999999d` was accepted, then silently not written.
    func testTimesOutsideWhatCanBeStoredAreIssuesNotSilentDrops() {
        for time in [#""now+999999999d""#, #""now+"# + String(repeating: "999999999d", count: 107) + #"""#, "-1", "253402300800", #""0000-01-01T00:00:00Z""#] {
            let text = #"{"Contact":{"Channel":"VOICE","InitiationMethod":"INBOUND","InitiationTimestamp":"# + time + "}}"
            let (records, issues) = decode(text)
            XCTAssertEqual(records.count, 0, time)
            XCTAssertEqual(issues.map(\.path), ["$.Contact.InitiationTimestamp"], time)
            XCTAssertTrue(issues.first?.message.contains("from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z") ?? false, "\(issues)")
        }
        let edge = decode(#"{"Contact":{"Channel":"VOICE","InitiationMethod":"INBOUND","InitiationTimestamp":253402300799.999}}"#)
        XCTAssertEqual(edge.1, [])
    }
}
