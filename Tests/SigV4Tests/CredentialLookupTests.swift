@testable import SigV4
import Timekeeping
import XCTest

/// The verifier finds a claimed key by comparing bytes when the config holds a few keys and
/// through a dictionary when it holds many; both must find the same key, with the same
/// secret, and refuse the same unknown one.
final class CredentialLookupTests: XCTestCase {
    let now = ISO8601.parse("2026-11-27T08:00:00Z")!

    /// A GET signed with `secret` for `key`, signed the way the verifier checks it.
    func signed(key: String, secret: String, verifier: SigV4Verifier) -> SigV4Request {
        var headers: [(name: String, value: String)] = [
            ("host", "127.0.0.1:8080"), ("x-amz-date", "20261127T080000Z"),
            ("authorization", "AWS4-HMAC-SHA256 Credential=\(key)/20261127/us-east-1/connect/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + String(repeating: "0", count: 64)),
        ]
        var request = SigV4Request(method: "GET", path: "/contacts/i/c", query: "", headers: headers, body: [])
        guard case .success(let input) = SignatureInputParser.parse(headers: request.fields, query: []) else {
            XCTFail("unparsed")
            return request
        }
        let stringToSign = Array(verifier.canonicalize(request, input: input)[0].stringToSign.utf8)
        let code = stringToSign.withUnsafeBytes {
            SigningKey(secret: secret, date: "20261127", region: "us-east-1", service: "connect").authenticationCode(for: $0)
        }
        let hex = code.map { String(format: "%02x", $0) }.joined()
        headers[2].value = String(headers[2].value.dropLast(64)) + hex
        request.headers = headers
        return request
    }

    func testFewAndManyKeysAreFoundAlike() {
        for count in [3, 12] {
            var credentials = (0..<count).map { SigV4Credential(accessKeyId: "AKIAEXAMPLE\($0)", secretAccessKey: "secret-\($0)") }
            // A repeated key: its last entry's secret is the one in force.
            credentials.append(SigV4Credential(accessKeyId: "AKIAEXAMPLE0", secretAccessKey: "replaced"))
            let v = SigV4Verifier(options: .init(service: "connect"), credentials: credentials)
            for k in 1..<count {
                guard case .authenticated(let input) = v.verify(signed(key: "AKIAEXAMPLE\(k)", secret: "secret-\(k)", verifier: v), now: now) else {
                    XCTFail("\(count) keys: key \(k) refused")
                    continue
                }
                XCTAssertEqual(input.accessKeyId, "AKIAEXAMPLE\(k)")
            }
            guard case .authenticated = v.verify(signed(key: "AKIAEXAMPLE0", secret: "replaced", verifier: v), now: now) else {
                return XCTFail("\(count) keys: the repeated key's last secret refused")
            }
            guard case .rejected(let f, let key) = v.verify(signed(key: "AKIAEXAMPLE0", secret: "secret-0", verifier: v), now: now) else {
                return XCTFail("\(count) keys: the repeated key's first secret accepted")
            }
            XCTAssertEqual(f.code, .invalidSignature)
            XCTAssertEqual(key, "AKIAEXAMPLE0")
            guard case .rejected(let unknown, _) = v.verify(signed(key: "AKIAUNKNOWN", secret: "x", verifier: v), now: now) else {
                return XCTFail("\(count) keys: an unknown key accepted")
            }
            XCTAssertEqual(unknown.code, .unrecognizedClient)
        }
    }
}
