import Crypto
@testable import SigV4
import Timekeeping
import XCTest

/// The request path's shortcuts against the plain computations they replace.
final class FastPathTests: XCTestCase {
    /// The pre-keyed HMAC state gives swift-crypto's HMAC over the derived key, for messages of
    /// every length around SHA-256's block boundaries.
    func testSigningKeyMatchesSwiftCryptoHMAC() {
        let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
        let key = SigningKey(secret: secret, date: "20150830", region: "us-east-1", service: "iam")
        func hmac(_ m: String, _ k: [UInt8]) -> [UInt8] {
            Array(HMAC<SHA256>.authenticationCode(for: Array(m.utf8), using: SymmetricKey(data: k)))
        }
        let derived = hmac("aws4_request", hmac("iam", hmac("us-east-1", hmac("20150830", Array(("AWS4" + secret).utf8)))))
        // The derived key AWS's documentation gives for this secret and scope.
        XCTAssertEqual(derived.map { String(format: "%02x", $0) }.joined(),
                       "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9")
        for length in [0, 1, 31, 32, 55, 56, 63, 64, 65, 119, 120, 128, 200, 1000] {
            let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let expected = Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: derived)))
            XCTAssertEqual(message.withUnsafeBytes { key.authenticationCode(for: $0) }.withUnsafeBytes { Array($0) }, expected, "length \(length)")
            XCTAssertTrue(expected.withUnsafeBytes { s in message.withUnsafeBytes { key.isValid(signature: s, for: $0) } })
            var wrong = expected
            wrong[length % 32] ^= 1
            XCTAssertFalse(wrong.withUnsafeBytes { s in message.withUnsafeBytes { key.isValid(signature: s, for: $0) } })
            XCTAssertFalse(Array(expected.dropLast()).withUnsafeBytes { s in message.withUnsafeBytes { key.isValid(signature: s, for: $0) } })
        }
    }

    /// Exactly 64 hex digits, either case, decode; anything else is no signature.
    func testSignatureDecoding() {
        let hex = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        let bytes = Hex.decodeSignature(hex).map { d in (0..<32).map { d[$0] } }
        XCTAssertEqual(bytes?.map { String(format: "%02x", $0) }.joined(), hex)
        XCTAssertEqual(Hex.decodeSignature(hex.uppercased()).map { d in (0..<32).map { d[$0] } }, bytes)
        for bad in ["", String(hex.dropLast()), hex + "0", String(hex.dropLast()) + "g", " " + String(hex.dropFirst())] {
            XCTAssertNil(Hex.decodeSignature(bad), bad)
        }
        // Every byte value in the first, last and word-edge places of a digit run.
        for place in [0, 1, 7, 8, 31, 62, 63] {
            for c in 0...255 {
                var digits = [UInt8](repeating: UInt8(ascii: "0"), count: 64)
                digits[place] = UInt8(c)
                let value = Int(String(decoding: [UInt8(c)], as: UTF8.self), radix: 16)
                let decoded = Hex.decodeSignature(digits.span).map { d in (0..<32).map { d[$0] } }
                if let value, c < 0x80 {
                    var expected = [UInt8](repeating: 0, count: 32)
                    expected[place / 2] = UInt8(place % 2 == 0 ? value << 4 : value)
                    XCTAssertEqual(decoded, expected, "byte \(c) at \(place)")
                } else {
                    XCTAssertNil(decoded, "byte \(c) at \(place)")
                }
            }
        }
    }

    /// A path that needs no normalizing is encoded as it is; every other path takes the
    /// segment-by-segment route, and both give what the segment route alone gives.
    func testPathFastPathAgreesWithNormalizing() {
        let cases: [(String, Bool, String)] = [
            ("/contacts/abc/def", false, "/contacts/abc/def"),
            ("/contacts/abc/def/", false, "/contacts/abc/def/"),
            ("/", false, "/"),
            ("/a%20b", false, "/a%2520b"),
            ("/a//b", true, "/a/b"),
            ("/a/./b", true, "/a/b"),
            ("/a/../b", true, "/b"),
            ("/.hidden", true, "/.hidden"),
            ("/a/b/..", true, "/a"),
            ("a/b", true, "/a/b"),
            ("//", true, "/"),
            ("/contacts/8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01//x", true, "/contacts/8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01/x"),
            ("/contacts/8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01/../x", true, "/contacts/x"),
            ("/contacts/8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01/.x", true, "/contacts/8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01/.x"),
            ("/contacts/8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01/a.b", false, "/contacts/8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01/a.b"),
            ("/contacts/8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01/", false, "/contacts/8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01/"),
        ]
        for (path, needs, expected) in cases {
            var bytes: [UInt8] = []
            CanonicalRequest.appendPath(path[...], normalize: true, into: &bytes)
            XCTAssertEqual(String(decoding: bytes, as: UTF8.self), expected, path)
            XCTAssertEqual(CanonicalRequest.needsNormalizing(path.utf8.span), needs, path)
        }
    }

    /// The eight-at-a-time test agrees with the byte-by-byte one for every byte value in every
    /// lane, and encoding gives what encoding one byte at a time gives, for runs that are
    /// unreserved for a while and then not.
    func testWordTestAgreesWithTheByteTest() {
        for keepingSlashes in [false, true] {
            func keeps(_ c: UInt8) -> Bool { URIEncoding.isUnreserved(c) || (keepingSlashes && c == UInt8(ascii: "/")) }
            for c in 0...255 {
                for lane in 0..<8 {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 8)
                    bytes[lane] = UInt8(c)
                    let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                    XCTAssertEqual(URIEncoding.staysAsItIs(word, keepingSlashes: keepingSlashes), keeps(UInt8(c)), "byte \(c) in lane \(lane)")
                }
            }
            var generator = SystemRandomNumberGenerator()
            let alphabet = Array("abcXYZ019-._~/".utf8) + [0x20, 0x25, 0x2b, 0x3d, 0x7f, 0x80, 0xc3, 0xa9, 0xff]
            for _ in 0..<2000 {
                let cleanRun = Int.random(in: 0...40, using: &generator)
                let bytes = (0..<cleanRun).map { _ in Array("abcXYZ019-._~".utf8).randomElement(using: &generator)! }
                    + (0..<Int.random(in: 0...20, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
                var expected: [UInt8] = []
                for c in bytes {
                    if keeps(c) { expected.append(c) } else { expected += Array(String(format: "%%%02X", c).utf8) }
                }
                var out: [UInt8] = []
                URIEncoding.encode(bytes.span, keepingSlashes: keepingSlashes, into: &out)
                XCTAssertEqual(out, expected, "\(bytes)")
            }
        }
    }

    /// A fixed buffer writes what fits, then only counts: the count says how much was needed.
    func testFixedByteBufferCountsPastItsEnd() {
        withUnsafeTemporaryAllocation(byteCount: 8, alignment: 1) { raw in
            var out = FixedByteBuffer(raw)
            out.append(utf8: "abcde")
            out.append(0x66)
            XCTAssertFalse(out.overflowed)
            XCTAssertEqual(Array(out.written), Array("abcdef".utf8))
            out.append(utf8: "ghi")
            out.append(0x6a)
            XCTAssertTrue(out.overflowed)
            XCTAssertEqual(out.count, 10, "what was asked, so the second pass knows its size")
        }
    }

    /// Canonical requests written on the stack and, past its size, in an array: the verifier
    /// accepts what was signed over the array builder's text at every size around the stack
    /// buffer's, and explains a wrong signature with that same text.
    func testCanonicalRequestsOfEverySizeAroundTheStackBuffer() throws {
        let now = ISO8601.parse("2026-11-27T08:00:00Z")!
        let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
        let verifier = SigV4Verifier(options: .init(service: "connect"), credentials: [.init(accessKeyId: "AKIDEXAMPLE", secretAccessKey: secret)])
        let key = SigningKey(secret: secret, date: "20261127", region: "us-east-1", service: "connect")
        var sizes: Set<Int> = []
        for padding in stride(from: CanonicalRequest.stackBytes - 240, through: CanonicalRequest.stackBytes - 100, by: 1) {
            var headers: [(name: String, value: String)] = [
                ("host", "127.0.0.1:8080"), ("x-amz-date", "20261127T080000Z"), ("x-pad", String(repeating: "p", count: padding)),
                ("authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261127/us-east-1/connect/aws4_request, SignedHeaders=host;x-amz-date;x-pad, Signature=" + String(repeating: "0", count: 64)),
            ]
            var request = SigV4Request(method: "GET", path: "/contacts/i/c", query: "", headers: headers, body: [])
            guard case .success(let input) = SignatureInputParser.parse(headers: request.fields, query: []) else { return XCTFail("unparsed") }
            let (canonical, stringToSign) = try XCTUnwrap(verifier.canonicalize(request, input: input).first)
            sizes.insert(canonical.utf8.count)
            let code = Array(stringToSign.utf8).withUnsafeBytes { key.authenticationCode(for: $0) }
            let good = code.map { String(format: "%02x", $0) }.joined()
            headers[3].value = String(headers[3].value.dropLast(64)) + good
            request.headers = headers
            guard case .authenticated = verifier.verify(request, now: now) else { return XCTFail("\(canonical.utf8.count) bytes: refused") }
            headers[3].value = String(headers[3].value.dropLast(64)) + String(repeating: "1", count: 64)
            request.headers = headers
            guard case .rejected(.signatureMismatch(let explanation), _) = verifier.verify(request, now: now) else {
                return XCTFail("\(canonical.utf8.count) bytes: a wrong signature passed")
            }
            XCTAssertEqual(explanation?.canonicalRequest, canonical)
            XCTAssertEqual(explanation?.stringToSign, stringToSign)
        }
        XCTAssertTrue(sizes.contains(CanonicalRequest.stackBytes) && sizes.contains(CanonicalRequest.stackBytes + 1)
                      && sizes.contains(CanonicalRequest.stackBytes - 1), "sizes \(sizes.min()!)...\(sizes.max()!)")
    }
}
