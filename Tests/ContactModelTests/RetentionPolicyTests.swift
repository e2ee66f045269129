import ContactModel
import Timekeeping
import XCTest

final class RetentionPolicyTests: XCTestCase {
    func testEdges() {
        let policy = RetentionPolicy()
        func t(_ s: String) -> Instant { ISO8601.parse(s)! }
        let cases: [(initiation: String, now: String, hidden: RetentionPolicy.HiddenReason?)] = [
            ("2024-01-15T00:00:00Z", "2026-01-14T23:59:59Z", nil),
            ("2024-01-15T00:00:00Z", "2026-01-15T00:00:00Z", .retention),
            ("2024-01-15T00:00:00Z", "2026-01-15T00:00:01Z", .retention),
            ("2024-02-29T10:00:00Z", "2026-02-28T09:59:59Z", nil),
            ("2024-02-29T10:00:00Z", "2026-02-28T10:00:00Z", .retention),
            ("2021-11-12T00:00:00Z", "2022-01-01T00:00:00Z", nil),
            ("2021-11-11T23:59:59Z", "2022-01-01T00:00:00Z", .cutoff),
            ("2026-06-01T00:00:01Z", "2026-06-01T00:00:00Z", .future),
            ("2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z", nil),
            ("2021-11-11T00:00:00Z", "2021-11-10T00:00:00Z", .cutoff),
            ("2019-01-01T00:00:00Z", "2026-01-01T00:00:00Z", .cutoff),
        ]
        for c in cases {
            XCTAssertEqual(policy.hiddenReason(initiation: t(c.initiation), now: t(c.now)), c.hidden, "\(c.initiation) at \(c.now)")
        }
    }

    /// Every contact the purge deletes has an expiry at or before the bound, including those
    /// whose day was clamped into a shorter month, which can expire after the cutoff does.
    func testPurgeExpiryBoundCoversEveryPurgedContact() {
        func t(_ s: String) -> Instant { ISO8601.parse(s)! }
        let clamped = RetentionPolicy(months: 1, cutoff: t("2021-03-31T00:00:00Z"))
        let lateOnTheDayBefore = t("2021-03-30T23:59:59Z")
        XCTAssertGreaterThan(clamped.expiry(of: lateOnTheDayBefore), clamped.expiry(of: clamped.cutoff))
        XCTAssertLessThanOrEqual(clamped.expiry(of: lateOnTheDayBefore), clamped.purgeExpiryBound(now: t("2020-01-01T00:00:00Z")))

        let now = t("2021-01-01T00:00:00Z")
        for months in [1, 2, 11, 24, 120] {
            for cutoff in ["2021-03-31T00:00:00Z", "2021-05-31T12:00:00Z", "2024-02-29T23:00:00Z", "2021-11-12T00:00:00Z", "2023-12-31T23:59:59Z"] {
                let policy = RetentionPolicy(months: months, cutoff: t(cutoff))
                let bound = policy.purgeExpiryBound(now: now)
                for back in stride(from: Int64(1), through: 100 * 86_400, by: 1_799) {
                    let initiation = policy.cutoff.adding(seconds: -back)
                    XCTAssertLessThanOrEqual(policy.expiry(of: initiation), bound, "\(initiation) with \(months) months, cutoff \(cutoff)")
                }
            }
        }
        let later = t("2030-01-01T00:00:00Z")
        XCTAssertEqual(RetentionPolicy().purgeExpiryBound(now: later), later)
    }
}
