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
}
