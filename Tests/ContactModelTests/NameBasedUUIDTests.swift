import ContactModel
import XCTest

/// Event ids are version-5 UUIDs that Python's `uuid.uuid5` makes too: the expected values
/// below were printed by Python 3's `uuid` and `hashlib`.
final class NameBasedUUIDTests: XCTestCase {
    func testVersion5MatchesPython() {
        let dns = NameBasedUUID.bytes(of: "6ba7b810-9dad-11d1-80b4-00c04fd430c8")!
        let rows: [(namespace: [UInt8], name: String, uuid: String)] = [
            (dns, "python.org", "886313e1-3b8a-5372-9b90-0c9aee199e5d"),
            (NameBasedUUID.urlNamespace, "connect-mock:contact-event", "a0893880-e7e5-5b47-87a6-9a1c2c71c7af"),
            // A name longer than one SHA-1 block.
            (NameBasedUUID.bytes(of: "a0893880-e7e5-5b47-87a6-9a1c2c71c7af")!,
             "arn:aws:connect:us-east-1:123456789012:instance/8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01/contact/c0ffee00-0000-4000-8000-000000000001 INITIATED 1777629600000",
             "ab8954ce-eb3a-548e-8db0-e495f9ed6bc2"),
        ]
        for row in rows { XCTAssertEqual(NameBasedUUID.v5(namespace: row.namespace, name: row.name), row.uuid, row.name) }
    }

    func testUUIDTextRoundTripsAndRejectsOthers() {
        let text = "a0893880-e7e5-5b47-87a6-9a1c2c71c7af"
        XCTAssertEqual(NameBasedUUID.bytes(of: text)?.count, 16)
        XCTAssertEqual(NameBasedUUID.bytes(of: text.uppercased()), NameBasedUUID.bytes(of: text))
        for bad in ["", "a0893880e7e55b4787a69a1c2c71c7af", "g0893880-e7e5-5b47-87a6-9a1c2c71c7af", "a0893880-e7e5-5b47-87a6-9a1c2c71c7a"] {
            XCTAssertNil(NameBasedUUID.bytes(of: bad), bad)
        }
    }
}

final class ConnectARNTests: XCTestCase {
    func testParts() {
        let arn = ConnectARN("arn:aws:connect:eu-west-2:111122223333:instance/abc-1/contact/id/with/slashes", element: "contact")
        XCTAssertEqual(arn?.region, "eu-west-2")
        XCTAssertEqual(arn?.account, "111122223333")
        XCTAssertEqual(arn?.instanceId, "abc-1")
        XCTAssertEqual(arn?.id, "id/with/slashes")
        XCTAssertEqual(arn?.instanceArn, "arn:aws:connect:eu-west-2:111122223333:instance/abc-1")
        XCTAssertEqual(arn?.text, "arn:aws:connect:eu-west-2:111122223333:instance/abc-1/contact/id/with/slashes")
        XCTAssertEqual(ConnectARN("arn:aws-us-gov:connect:us-gov-west-1:1:instance/i/contact/c", element: "contact")?.instanceArn,
                       "arn:aws-us-gov:connect:us-gov-west-1:1:instance/i")
    }

    func testTheOtherElementsAndTheFormBackToText() {
        let user = ConnectARN("arn:aws:connect:us-east-1:123456789012:instance/i-1/agent/u/1", element: "agent")
        XCTAssertEqual(user?.id, "u/1")
        XCTAssertNil(ConnectARN("arn:aws:connect:us-east-1:123456789012:instance/i-1/agent/u/1", element: "queue"))
        XCTAssertEqual(user?.text, "arn:aws:connect:us-east-1:123456789012:instance/i-1/agent/u/1")
    }

    func testNotContactARNs() {
        for bad in ["", "arn:aws:connect:us-east-1:1:instance/i", "arn:aws:s3:us-east-1:1:instance/i/contact/c",
                    "arn:aws:connect::1:instance/i/contact/c", "arn:aws:connect:us-east-1:1:instance//contact/c",
                    "arn:aws:connect:us-east-1:1:instance/i/contact/", "arn:aws:connect:us-east-1:1:queue/i/contact/c"] {
            XCTAssertNil(ConnectARN(bad, element: "contact"), bad)
        }
    }
}
