@testable import ConnectMock
import ContactModel
import JSON
import Timekeeping
import Foundation
import XCTest

final class ConfigTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testShippedConfigIsTheBuiltInDefault() throws {
        let shipped = try String(contentsOf: ConfigTests.repo.appendingPathComponent("config.yaml"), encoding: .utf8)
        XCTAssertEqual(shipped, DefaultConfig.yaml)
        let c = MockConfig.defaults()
        XCTAssertEqual(c.server.port, 8080)
        XCTAssertEqual(c.instances.first?.id, "8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01")
        XCTAssertEqual(c.credentials.first?.accessKeyId, "AKIAIOSFODNN7EXAMPLE")
        XCTAssertEqual(c.seed.syntheticCount, 50)
    }

    /// Bad values and unknown keys name the file, the line and the key.
    func testErrorsNameLineAndKey() {
        let base = DefaultConfig.yaml
        let cases: [(String, String, String)] = [
            (base.replacingOccurrences(of: "port: 8080", with: "port: eighty"), "config.yaml:3: server.port: expected an integer from 0 to 65535", "port"),
            (base.replacingOccurrences(of: "workers: 1", with: "wrokers: 1"), "config.yaml:3: server.wrokers: unknown key", "typo"),
            (base.replacingOccurrences(of: "workers: 1", with: "workers: 2, pinWorkers: often"), "config.yaml:3: server.pinWorkers: expected true or false", "bool"),
            (base + "extra: 1\n", "config.yaml:23: extra: unknown key", "top-level"),
            (base.replacingOccurrences(of: "view: asOfClock", with: "view: live"), "config.yaml:18: contacts.view: expected one of asOfClock, stored", "view"),
            (base.replacingOccurrences(of: "webhooks: []", with: "webhooks: [{url: \"https://example.com/hook\"}]"),
             "config.yaml:19: events.webhooks[0].url: expected an http://host:port/path URL, found \"https://example.com/hook\": https is not supported", "webhook scheme"),
            (base.replacingOccurrences(of: "rules: []", with: "rules: [{match: {destination: \"+1*\"}, outcome: ringing}]"),
             "config.yaml:20: outbound.rules[0].outcome: expected one of answered, no-answer, busy, machine, not-allowed", "outcome"),
            (base.replacingOccurrences(of: "mode: verify", with: "mode: sometimes"), "config.yaml:11: auth.mode: expected one of verify, off", "enum"),
            (base.replacingOccurrences(of: "cutoff: \"2021-11-12T00:00:00Z\"", with: "cutoff: soon"), "config.yaml:12: retention.cutoff: expected an ISO 8601 instant", "instant"),
            (base.replacingOccurrences(of: "clock: {}", with: "clock: {now: 5, offsetSeconds: 3}"), "config.yaml:13: clock: expected one of now, offsetSeconds or mode", "clock"),
            (base.replacingOccurrences(of: "faults: []", with: "faults: [{latencyMs: -1}]"), "config.yaml:17: faults[0].latencyMs: expected an integer from 0", "fault"),
            (base.replacingOccurrences(of: "per: accessKey", with: "per: caller"), "config.yaml:15: throttle.per: expected one of accessKey, account", "throttle scope"),
            (base.replacingOccurrences(of: "unknownMembers: reject", with: "unknownMembers: ignore"), "config.yaml:16: validation.unknownMembers: expected one of reject, keep", "unknown members"),
            (base.replacingOccurrences(of: "faults: []", with: "faults: [{error: ResourceNotFoundException}]"),
             "config.yaml:17: faults[0].error: expected one of ThrottlingException, InternalServiceException (name match.operation", "error without operation"),
            (base.replacingOccurrences(of: "faults: []", with: "faults: [{match: {operation: DescribeContact}, error: AccessDeniedException}]"),
             "config.yaml:17: faults[0].error: expected one of InvalidRequestException, InvalidParameterException, ResourceNotFoundException, InternalServiceException, ThrottlingException (the errors botocore's model lists for DescribeContact)", "unmodeled error"),
            (base.replacingOccurrences(of: "faults: []", with: "faults: [{match: {operation: DescribeContacts}, error: ThrottlingException}]"),
             "config.yaml:17: faults[0].match.operation: expected one of DescribeContact", "unknown operation"),
        ]
        for (text, prefix, name) in cases {
            XCTAssertThrowsError(try MockConfig.parse(text, file: "config.yaml"), name) { error in
                XCTAssertTrue("\(error)".hasPrefix(prefix), "\(name): \(error)")
            }
        }
    }

    func testEnvironmentOverrides() throws {
        var c = MockConfig.defaults()
        try c.applyEnvironment(["CONNECT_MOCK_PORT": "9000", "CONNECT_MOCK_HOST": "0.0.0.0", "CONNECT_MOCK_CLOCK": "-86400",
                                "CONNECT_MOCK_DATABASE": ":memory:", "CONNECT_MOCK_LOG_LEVEL": "debug"])
        XCTAssertEqual(c.server.port, 9000)
        XCTAssertEqual(c.server.host, "0.0.0.0")
        XCTAssertEqual(c.clock, .offset(seconds: -86400))
        XCTAssertEqual(c.databasePath, ":memory:")
        try c.applyEnvironment(["CONNECT_MOCK_CLOCK": "2022-01-01T00:00:00Z"])
        XCTAssertEqual(c.clock, .frozen(ISO8601.parse("2022-01-01T00:00:00Z")!))
        XCTAssertThrowsError(try c.applyEnvironment(["CONNECT_MOCK_PORT": "x"]))
        // An offset past a century would take the data clock's now out of Int64 milliseconds.
        XCTAssertThrowsError(try c.applyEnvironment(["CONNECT_MOCK_CLOCK": "9223372036854775807"]))
    }

    /// Any error the model lists for the named operation, with its status and message member.
    func testFaultRulesInjectTheOperationsModeledErrors() throws {
        let text = DefaultConfig.yaml.replacingOccurrences(of: "faults: []", with: """
        faults: [{match: {operation: DescribeContact, contactId: c1}, error: ResourceNotFoundException, message: gone},
                 {error: ThrottlingException}]
        """)
        let c = try MockConfig.parse(text, file: "config.yaml")
        XCTAssertEqual(c.faults[0].operation, "DescribeContact")
        XCTAssertEqual(c.faults[0].error?.status, 404)
        XCTAssertEqual(c.faults[0].message, "gone")
        XCTAssertTrue(c.faults[0].matches(operation: "DescribeContact", instanceId: "i", contactId: "c1", accessKeyId: nil))
        XCTAssertFalse(c.faults[0].matches(operation: "DescribeUser", instanceId: "i", contactId: "c1", accessKeyId: nil))
        XCTAssertEqual(c.faults[1].error?.status, 429)
        XCTAssertTrue(c.faults[1].matches(operation: "DescribeUser", instanceId: "i", contactId: "c1", accessKeyId: nil))
    }

    /// The defaults are written once, as the sections' property values; the shipped file says
    /// the same (it also names the demo instance and key, which the code leaves empty).
    func testTheShippedFileSaysWhatTheCodeDefaultsAre() {
        var shipped = MockConfig.defaults()
        shipped.instances = []
        shipped.credentials = []
        XCTAssertEqual(JSONWriter.string(shipped.redactedDescription()), JSONWriter.string(MockConfig().redactedDescription()))
        XCTAssertEqual(MockConfig.defaults().retention.policy, RetentionPolicy())
    }

    func testRedactedDescriptionHidesSecrets() {
        let text = JSONWriter.string(MockConfig.defaults().redactedDescription())
        XCTAssertFalse(text.contains("wJalrXUtnFEMI"))
        XCTAssertTrue(text.contains("\"secretAccessKey\":\"***\""))
    }

    /// With its secrets, the description read back as a config file is the same config: what
    /// the Python package's defaults are made of (`check-config --show-secrets`).
    func testTheFullDescriptionReadsBackAsTheSameConfig() throws {
        var config = MockConfig.defaults()
        config.admin.token = "admin-secret"
        config.credentials.append(.init(accessKeyId: "AKIDTEMP", secretAccessKey: "temp-secret", name: "temp", sessionToken: "session-secret", instances: nil))
        let text = JSONWriter.string(config.description(showingSecrets: true))
        for secret in ["wJalrXUtnFEMI", "admin-secret", "temp-secret", "session-secret"] { XCTAssertTrue(text.contains(secret), secret) }
        let back = try MockConfig.parse(text, file: "description")
        XCTAssertEqual(JSONWriter.string(back.description(showingSecrets: true)), text)
        let redacted = JSONWriter.string(config.redactedDescription())
        for secret in ["wJalrXUtnFEMI", "admin-secret", "temp-secret", "session-secret"] { XCTAssertFalse(redacted.contains(secret), secret) }
    }
}
