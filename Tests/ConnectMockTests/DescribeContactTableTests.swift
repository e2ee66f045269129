import Foundation
import XCTest

/// SPEC §3's table, row by row, each row run in-process and over a live socket by the same
/// test body (MockHarness).
final class DescribeContactTableTests: XCTestCase {
    static let instance = "inst-1"
    static let folder: String = {
        let contacts: [(String, String)] = [
            ("visible", "2026-05-01T00:00:00Z"), ("before-cutoff", "2021-01-01T00:00:00Z"),
            ("expired", "2023-01-01T00:00:00Z"), ("not-yet", "2026-07-01T00:00:00Z"),
        ]
        return MockHarness.fixtureFolder("table", lines: contacts.map {
            #"{"Contact":{"Id":"\#($0.0)","Channel":"VOICE","InitiationMethod":"INBOUND","InitiationTimestamp":"\#($0.1)"}}"#
        })
    }()

    static func yaml(auth: String, extra: String = "") -> String {
        """
        server: {host: 127.0.0.1, port: 0}
        database: {path: "\(NSTemporaryDirectory())table-\(UUID().uuidString).sqlite"}
        instances: [{id: inst-1, region: us-east-1, accountId: "123456789012"}, {id: inst-2, region: eu-west-2, accountId: "123456789012"}]
        credentials:
          - {accessKeyId: AKIDEXAMPLE, secretAccessKey: secret, name: demo}
          - {accessKeyId: AKIDLONDON, secretAccessKey: secret2, name: london, instances: [inst-2]}
        auth: {mode: \(auth)}
        clock: {now: "2026-06-01T12:00:00Z"}
        seed: {fixtures: ["\(folder)"]}
        \(extra)
        """
    }

    /// A well-formed Authorization header with the given parts (never a valid signature: every
    /// row here is refused before or at the signature check, or runs with auth off).
    static func authorization(key: String = "AKIDEXAMPLE", day: String? = nil, region: String = "us-east-1", service: String = "connect",
                              signed: String = "host;x-amz-date", omit: String? = nil) -> [(String, String)] {
        let date = amzDate(Date())
        var parts = ["Credential=\(key)/\(day ?? String(date.prefix(8)))/\(region)/\(service)/aws4_request",
                     "SignedHeaders=\(signed)", "Signature=" + String(repeating: "0", count: 64)]
        if let omit { parts.removeAll { $0.hasPrefix(omit) } }
        return [("Authorization", "AWS4-HMAC-SHA256 " + parts.joined(separator: ", ")), ("X-Amz-Date", date)]
    }

    static func amzDate(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return f.string(from: d)
    }

    struct Row {
        var name: String
        var target: String
        var headers: [(String, String)]
        var status: Int
        var code: String?
        /// The message (under `message` or `Message`), or its start when `prefix`.
        var message: String
        var prefix = false
        var reason: String?
    }

    func check(_ rows: [Row], yaml: String) throws {
        try MockHarness.run(yaml: yaml) { exchange in
            for row in rows {
                let reply = try exchange.send(MockHarness.request("GET", row.target, headers: row.headers))
                let label = "\(row.name) (\(exchange.name))"
                assertAWSReply(reply, status: row.status, code: row.code, reason: row.reason, label)
                guard let code = row.code else {
                    XCTAssertTrue(reply.text.hasPrefix(#"{"Contact":{"#), label)
                    assertOutputShape(reply, operation: "DescribeContact", label)
                    continue
                }
                let key = ["MissingAuthenticationTokenException", "IncompleteSignatureException", "UnrecognizedClientException",
                           "InvalidSignatureException", "UnknownOperationException"].contains(code) ? "message" : "Message"
                let message = reply.json?[key] as? String ?? "<no \(key) in \(reply.text)>"
                if row.prefix {
                    XCTAssertTrue(message.hasPrefix(row.message), "\(label): \(message)")
                } else {
                    XCTAssertEqual(message, row.message, label)
                }
            }
        }
    }

    func testRefusalsOfAuthentication() throws {
        let a = DescribeContactTableTests.self
        let path = "/contacts/inst-1/visible"
        let old = [("Authorization", a.authorization()[0].1.replacingOccurrences(of: String(a.amzDate(Date()).prefix(8)), with: "20010101")),
                   ("X-Amz-Date", "20010101T000000Z")]
        try check([
            Row(name: "no Authorization", target: path, headers: [], status: 403, code: "MissingAuthenticationTokenException",
                message: "Missing Authentication Token"),
            Row(name: "no Signature", target: path, headers: a.authorization(omit: "Signature"), status: 403,
                code: "IncompleteSignatureException", message: "Authorization header requires 'Signature' parameter.", prefix: true),
            Row(name: "unknown key", target: path, headers: a.authorization(key: "AKIDUNKNOWN"), status: 403,
                code: "UnrecognizedClientException", message: "The security token included in the request is invalid."),
            Row(name: "other service", target: path, headers: a.authorization(service: "s3"), status: 403,
                code: "InvalidSignatureException", message: "Credential should be scoped to correct service: 'connect'. "),
            Row(name: "malformed region", target: path, headers: a.authorization(region: "us_east_1"), status: 403,
                code: "InvalidSignatureException", message: "Credential should be scoped to a valid region. "),
            Row(name: "scope date", target: path, headers: a.authorization(day: "20010101"), status: 403, code: "InvalidSignatureException",
                message: "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ", prefix: true),
            Row(name: "outside the skew window", target: path, headers: old, status: 403, code: "InvalidSignatureException",
                message: "Signature expired: 20010101T000000Z is now earlier than ", prefix: true),
            Row(name: "host not signed", target: path, headers: a.authorization(signed: "x-amz-date"), status: 403,
                code: "InvalidSignatureException", message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."),
            Row(name: "signature mismatch", target: path, headers: a.authorization(), status: 403, code: "InvalidSignatureException",
                message: "The request signature we calculated does not match the signature you provided.", prefix: true),
            Row(name: "unknown operation", target: "/contacts/inst-1", headers: [], status: 404, code: "UnknownOperationException",
                message: "Unknown operation"),
        ], yaml: a.yaml(auth: "verify"))
    }

    func testRowsAfterAuthentication() throws {
        let a = DescribeContactTableTests.self
        let auth = a.authorization()
        try check([
            Row(name: "visible", target: "/contacts/inst-1/visible", headers: auth, status: 200, code: nil, message: ""),
            Row(name: "key not allowed on the instance", target: "/contacts/inst-1/visible", headers: a.authorization(key: "AKIDLONDON"),
                status: 403, code: "AccessDeniedException",
                message: "User: arn:aws:iam::123456789012:user/london is not authorized to perform: connect:DescribeContact on resource: arn:aws:connect:us-east-1:123456789012:instance/inst-1/contact/visible"),
            Row(name: "contact id too long", target: "/contacts/inst-1/" + String(repeating: "x", count: 257), headers: auth, status: 400,
                code: "InvalidParameterException",
                message: "1 validation error detected: Value at 'contactId' failed to satisfy constraint: Member must have length less than or equal to 256"),
            Row(name: "instance id too long", target: "/contacts/" + String(repeating: "i", count: 101) + "/c", headers: auth, status: 400,
                code: "InvalidParameterException",
                message: "1 validation error detected: Value at 'instanceId' failed to satisfy constraint: Member must have length less than or equal to 100"),
            Row(name: "control character", target: "/contacts/inst-1/a%01b", headers: auth, status: 400, code: "InvalidParameterException",
                message: "1 validation error detected: Value at 'contactId' failed to satisfy constraint: Member must not contain control characters"),
            Row(name: "escape that is not UTF-8", target: "/contacts/inst-1/%FF", headers: auth, status: 400, code: "InvalidParameterException",
                message: "1 validation error detected: Value at 'contactId' failed to satisfy constraint: Member must be valid UTF-8 once percent-decoded"),
            Row(name: "unknown instance", target: "/contacts/inst-9/visible", headers: auth, status: 404, code: "ResourceNotFoundException",
                message: "Instance not found: inst-9"),
            Row(name: "instance in another region", target: "/contacts/inst-1/visible", headers: a.authorization(region: "eu-west-1"),
                status: 404, code: "ResourceNotFoundException", message: "Instance not found: inst-1"),
            Row(name: "unknown contact", target: "/contacts/inst-1/nobody", headers: auth, status: 404, code: "ResourceNotFoundException",
                message: "Contact not found: nobody", reason: "unknown"),
            Row(name: "before the cutoff", target: "/contacts/inst-1/before-cutoff", headers: auth, status: 404,
                code: "ResourceNotFoundException", message: "Contact not found: before-cutoff", reason: "cutoff"),
            Row(name: "past retention", target: "/contacts/inst-1/expired", headers: auth, status: 404,
                code: "ResourceNotFoundException", message: "Contact not found: expired", reason: "retention"),
            Row(name: "not yet initiated", target: "/contacts/inst-1/not-yet", headers: auth, status: 404,
                code: "ResourceNotFoundException", message: "Contact not found: not-yet", reason: "future"),
            Row(name: "injected fault", target: "/contacts/inst-1/faulty", headers: auth, status: 500, code: "InternalServiceException",
                message: "An internal error occurred."),
        ], yaml: a.yaml(auth: "\"off\"", extra: "faults: [{match: {contactId: faulty}, error: InternalServiceException}]"))
    }

    func testThrottledRow() throws {
        let a = DescribeContactTableTests.self
        try check([
            Row(name: "throttled", target: "/contacts/inst-1/visible", headers: a.authorization(), status: 429, code: "ThrottlingException",
                message: "Rate exceeded"),
        ], yaml: a.yaml(auth: "\"off\"", extra: "throttle: {ratePerSecond: 0.000001, burst: 0}"))
    }
}
