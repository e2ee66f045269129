import SigV4
import Timekeeping
import XCTest

/// Each cause maps to AWS's error code and one journal tag; the wording is AWS's (the e2e suite
/// checks it through botocore).
final class SigV4FailureTests: XCTestCase {
    func testEachCauseHasItsCodeAndTag() {
        let t = Instant(secondsSinceEpoch: 1_795_000_000)
        let cases: [(SigV4Failure, SigV4Failure.Code, String)] = [
            (.missingAuthenticationToken, .missingAuthenticationToken, "missing-auth"),
            (.incomplete(.missingQueryParameters), .incompleteSignature, "incomplete-signature"),
            (.unknownAccessKey, .unrecognizedClient, "unknown-key"),
            (.wrongSessionToken, .unrecognizedClient, "session-token"),
            (.hostNotSigned, .invalidSignature, "host-unsigned"),
            (.signatureMismatch(explanation: nil), .invalidSignature, "signature-mismatch"),
            (.scopeTerminator("aws5_request"), .invalidSignature, "scope-terminator"),
            (.scopeService(expected: "connect"), .invalidSignature, "scope-service"),
            (.scopeRegion, .invalidSignature, "scope-region"),
            (.scopeDate(scope: "20261124", amzDate: "20261125T000000Z"), .invalidSignature, "scope-date"),
            (.presignExpired(amzDate: "x", earliest: t, now: t, expiresSeconds: 60), .invalidSignature, "presign-expired"),
            (.skewPast(amzDate: "x", earliest: t, now: t, windowSeconds: 300), .invalidSignature, "skew-past"),
            (.skewFuture(amzDate: "x", latest: t, now: t, windowSeconds: 300), .invalidSignature, "skew-future"),
        ]
        for (failure, code, reason) in cases {
            XCTAssertEqual(failure.code, code, reason)
            XCTAssertEqual(failure.reason, reason)
            XCTAssertFalse(failure.message.isEmpty, reason)
        }
        XCTAssertEqual(SigV4Failure.skewPast(amzDate: "20261124T180547Z", earliest: ISO8601.parse("2026-11-24T18:06:12Z")!,
                                             now: ISO8601.parse("2026-11-24T18:11:12Z")!, windowSeconds: 300).message,
                       "Signature expired: 20261124T180547Z is now earlier than 20261124T180612Z (20261124T181112Z - 5 min.)")
        XCTAssertTrue(SigV4Failure.signatureMismatch(explanation: .init(canonicalRequest: "CR", stringToSign: "STS")).message
            .hasSuffix("\n\nThe Canonical String for this request should have been\n'CR'\n\nThe String-to-Sign should have been\n'STS'\n"))
    }
}

/// Secrets (signatures, session tokens, the admin token) compared whole, in time that depends
/// only on the lengths.
final class ConstantTimeEqualTests: XCTestCase {
    func testStringsAreEqualOnlyWhole() {
        XCTAssertTrue(constantTimeEqual("s3cret", "s3cret"))
        for wrong in ["", "s3cre", "s3cret!", "S3cret", "s3creT", "x"] { XCTAssertFalse(constantTimeEqual(wrong, "s3cret"), wrong) }
        XCTAssertTrue(constantTimeEqual("", ""))
    }
}
