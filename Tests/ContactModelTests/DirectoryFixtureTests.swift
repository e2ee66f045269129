import ContactModel
import JSON
import Timekeeping
import XCTest

/// Users and queues in the seed folders (`{"User":{...}}`, `{"Queue":{...}}`), mixed with
/// contacts, validated as strictly and reported in the same `file:line: $.Path: ...` form.
final class DirectoryFixtureTests: XCTestCase {
    let decoder = FixtureDecoder(instances: [demoInstance], now: fixedNow)
    let arnPrefix = "arn:aws:connect:us-east-1:123456789012:instance/8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01"

    func decode(_ text: String, jsonLines: Bool = false) -> (contacts: [ContactRecord], directory: [DirectoryRecord], issues: [String]) {
        var contacts: [ContactRecord] = [], directory: [DirectoryRecord] = []
        let issues = decoder.decode(Array(text.utf8), file: "f.json", jsonLines: jsonLines, sink: { contacts.append($0) },
                                    directory: { directory.append($0) })
        return (contacts, directory, issues.map(\.description))
    }

    /// What `aws connect describe-user` prints (ISO timestamps, `"Tags": {}`) is a fixture as it is.
    func testDescribeUserOutputIsAFixture() throws {
        let out = decode("""
            {
                "User": {
                    "Id": "u-1",
                    "Arn": "\(arnPrefix)/agent/u-1",
                    "Username": "jane",
                    "IdentityInfo": {"FirstName": "Jane", "LastName": "Doe"},
                    "PhoneConfig": {"PhoneType": "SOFT_PHONE", "AutoAccept": false, "AfterContactWorkTimeLimit": 0},
                    "SecurityProfileIds": ["sp"],
                    "RoutingProfileId": "rp",
                    "Tags": {},
                    "LastModifiedTime": "2025-06-02T09:15:00.123000+00:00",
                    "LastModifiedRegion": "us-east-1"
                }
            }
            """)
        XCTAssertEqual(out.issues, [])
        let user = try XCTUnwrap(out.directory.first)
        XCTAssertEqual(user.kind, .user)
        XCTAssertEqual(user.id, "u-1")
        XCTAssertEqual(user.name, "jane")
        let doc = try JSONParser.parse(user.document)
        XCTAssertEqual(doc["LastModifiedTime"], .number("1748855700.123"))
        XCTAssertEqual(doc["Tags"], .object([]))
        XCTAssertEqual(doc.members?.map(\.key).suffix(3), ["Tags", "LastModifiedTime", "LastModifiedRegion"])
    }

    /// Ids and ARNs are filled in when absent; a queue's type may be given beside it.
    func testIdsAndArnsAreFilledAndQueueTypeIsKept() throws {
        let out = decode("""
            {"Queue":{"Name":"Support"},"QueueType":"AGENT"}
            {"User":{"Arn":"\(arnPrefix)/agent/from-arn","Username":"x"}}
            {"Contact":{"Id":"c1","InitiationMethod":"API","Channel":"CHAT","InitiationTimestamp":"now-1h"}}
            """, jsonLines: true)
        XCTAssertEqual(out.issues, [])
        XCTAssertEqual(out.contacts.map(\.contactId), ["c1"])
        XCTAssertEqual(out.directory.count, 2)
        let queue = out.directory[0]
        XCTAssertEqual(queue.queueType, "AGENT")
        let q = try JSONParser.parse(queue.document)
        XCTAssertEqual(q["QueueArn"]?.stringValue, "\(arnPrefix)/queue/\(queue.id)")
        XCTAssertEqual(q["QueueId"]?.stringValue, queue.id)
        XCTAssertEqual(out.directory[1].id, "from-arn")
        XCTAssertEqual(try JSONParser.parse(out.directory[1].document)["Id"]?.stringValue, "from-arn")
    }

    func testErrorsNameFileLineAndPath() {
        let out = decode("""
            {"User":{"Id":"a","Arn":"\(arnPrefix)/agent/b"}}
            {"User":{"Username":"x","PhoneConfig":{"PhoneTyp":"SOFT_PHONE"}}}
            {"Queue":{"Name":"q","Status":"OPEN"}}
            {"Queue":{"QueueArn":"arn:aws:connect:eu-west-1:123456789012:instance/8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01/queue/q"}}
            {"User":{"Username":""},"Extra":1}
            {"User":{"Username":"x"},"InstanceId":"nope"}
            """, jsonLines: true)
        XCTAssertEqual(out.directory, [])
        XCTAssertEqual(out.issues.count, 6, "\(out.issues)")
        XCTAssertTrue(out.issues[0].hasPrefix("f.json:1: $.User.Id: expected the id in the ARN (b), found a"), out.issues[0])
        XCTAssertTrue(out.issues[1].hasPrefix("f.json:2: $.User.PhoneConfig.PhoneTyp: expected a member of UserPhoneConfig"), out.issues[1])
        XCTAssertTrue(out.issues[1].contains("did you mean \"PhoneType\""), out.issues[1])
        XCTAssertTrue(out.issues[2].hasPrefix("f.json:3: $.Queue.Status: "), out.issues[2])
        XCTAssertTrue(out.issues[3].hasPrefix("f.json:4: $.Queue.QueueArn: expected region us-east-1"), out.issues[3])
        XCTAssertTrue(out.issues[4].hasPrefix("f.json:5: $.Extra: expected only \"InstanceId\""), out.issues[4])
        XCTAssertTrue(out.issues[5].hasPrefix("f.json:6: $.InstanceId: expected a configured instance"), out.issues[5])
    }

    /// Where only contacts are expected (the contacts routes of the mock API), a user is an error.
    func testContactOnlyDecodingRefusesDirectoryEntries() {
        var issues: [FixtureIssue] = []
        decoder.decodeAny(.fields(["User": .fields(["Username": .string("x")])]), file: "body", issues: &issues) { _ in XCTFail() }
        XCTAssertEqual(issues.count, 1)
        XCTAssertTrue(issues[0].message.contains("POST /_mock/directory"), issues[0].message)
    }
}
