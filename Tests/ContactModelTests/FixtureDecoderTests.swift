import ContactModel
import JSON
import Timekeeping
import XCTest

let demoInstance = InstanceInfo(id: "8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01", region: "us-east-1", accountId: "123456789012", alias: "demo")
let fixedNow = ISO8601.parse("2026-06-01T12:00:00Z")!

final class FixtureDecoderTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    func decode(_ text: String, jsonLines: Bool = false, file: String = "f.json") -> ([ContactRecord], [FixtureIssue]) {
        var records: [ContactRecord] = []
        let d = FixtureDecoder(instances: [demoInstance], now: fixedNow)
        let issues = d.decode(Array(text.utf8), file: file, jsonLines: jsonLines) { records.append($0) }
        return (records, issues)
    }

    /// Each kind of bad fixture: the file, the line, the JSON path and what was expected.
    func testBadFixturesNameFileLineAndPath() throws {
        let cases: [(String, Int, String?, String)] = [
            ("unknown-member.json", 7, "$.Contact.Chanel", "unknown member \"Chanel\" (did you mean \"Channel\"?)"),
            ("wrong-enum.json", 3, "$.Contact.Channel", "expected one of VOICE, CHAT, TASK, EMAIL, found \"PHONE\""),
            ("wrong-type.json", 2, "$.Contact.QueueInfo.Id", "expected a string (QueueId), found a number"),
            ("out-of-range.json", 2, "$.Contact.TotalPauseCount", "expected an integer from 0 to 10, found 11"),
            ("bad-timestamp.json", 2, "$.Contact.InitiationTimestamp", "expected a timestamp"),
            ("arn-id-disagree.json", 3, "$.Contact.Id", "expected the Id in the Arn (one), found two"),
            ("syntax-error.json", 2, nil, "invalid JSON at column 32: expected ',' or '}'"),
            ("missing-required.jsonl", 3, "$.Contact.InitiationTimestamp", "every contact needs InitiationTimestamp"),
            ("pattern.json", 2, "$.Contact.Tags[\"aws:reserved\"] (key)", "expected a value matching"),
            ("null-member.json", 2, "$.Contact.Name", "found null"),
        ]
        for (file, line, path, fragment) in cases {
            let url = FixtureDecoderTests.folder.appendingPathComponent("bad").appendingPathComponent(file)
            let (_, issues) = decode(try String(contentsOf: url, encoding: .utf8), jsonLines: file.hasSuffix(".jsonl"), file: file)
            XCTAssertEqual(issues.count, 1, "\(file): \(issues)")
            guard let i = issues.first else { continue }
            XCTAssertEqual(i.file, file)
            XCTAssertEqual(i.line, line, "\(file): \(i)")
            XCTAssertEqual(i.path, path, "\(file): \(i)")
            XCTAssertTrue(i.message.contains(fragment), "\(file): \(i.message)")
            XCTAssertTrue(i.description.hasPrefix("\(file):\(line): "), i.description)
        }
    }

    func testEveryFormAndIdArnFilling() throws {
        let bare = #"{"Id":"x1","Channel":"VOICE","InitiationMethod":"INBOUND","InitiationTimestamp":1767225600}"#
        let forms = [
            bare, #"{"Contact":"# + bare + "}", "[" + bare + "]", #"{"Contacts":[{"Contact":"# + bare + "}]}",
            #"{"Contact":"# + bare + #","InstanceId":"8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01"}"#,
        ]
        for form in forms {
            let (records, issues) = decode(form)
            XCTAssertEqual(issues, [], form)
            XCTAssertEqual(records.map(\.contactId), ["x1"], form)
            let doc = try JSONParser.parse(records[0].document)
            XCTAssertEqual(doc["Arn"]?.stringValue, demoInstance.contactArn("x1"))
            XCTAssertEqual(doc.members?.map(\.key), ["Arn", "Id", "InitiationMethod", "Channel", "InitiationTimestamp"], "model order")
        }
        let (noId, _) = decode(#"{"Channel":"CHAT","InitiationMethod":"API","InitiationTimestamp":"now"}"#)
        let (again, _) = decode(#"{"Channel":"CHAT","InitiationMethod":"API","InitiationTimestamp":"now"}"#)
        XCTAssertEqual(noId[0].contactId, again[0].contactId, "a generated Id is stable")
    }

    func testTimestampForms() throws {
        let (records, issues) = decode("""
            {"Id":"t","Channel":"VOICE","InitiationMethod":"INBOUND","InitiationTimestamp":"now-2h30m",
             "DisconnectTimestamp":"2026-06-01T11:59:00.250+00:00","LastUpdateTimestamp":1780315200.5}
            """)
        XCTAssertEqual(issues, [])
        XCTAssertEqual(records[0].initiation, fixedNow.adding(seconds: -9000))
        let doc = try JSONParser.parse(records[0].document)
        XCTAssertEqual(doc["DisconnectTimestamp"], .number("1780315140.25"))
        XCTAssertEqual(doc["LastUpdateTimestamp"], .number("1780315200.5"))
    }

    /// The output of `aws connect describe-contact` saved to a file is a valid fixture.
    func testSavedCLIOutputIsAFixture() throws {
        let cli = """
            {
                "Contact": {
                    "Arn": "arn:aws:connect:us-east-1:123456789012:instance/8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01/contact/abc",
                    "Id": "abc",
                    "InitiationMethod": "INBOUND",
                    "Channel": "VOICE",
                    "InitiationTimestamp": "2026-05-30T10:00:00.123000+00:00",
                    "QueuePriority": 9223372036854775807
                }
            }
            """
        let (records, issues) = decode(cli)
        XCTAssertEqual(issues, [])
        XCTAssertEqual(records.first?.initiation, ISO8601.parse("2026-05-30T10:00:00.123Z"))
    }

    func testUnknownInstanceIsAnError() {
        let (_, issues) = decode(#"{"InstanceId":"nope","Id":"a","Channel":"VOICE","InitiationMethod":"INBOUND","InitiationTimestamp":1}"#)
        XCTAssertEqual(issues.first?.path, "$.InstanceId")
    }
}
