@testable import ContactModel
import Timekeeping
import XCTest

/// Epoch seconds as stored: no fraction for whole seconds, and no trailing zeros in one.
final class TimestampValueTests: XCTestCase {
    func testMillisecondsBecomeTheShortestDecimal() {
        let cases: [(Int64, String)] = [
            (1_700_000_000_000, "1700000000"), (1_700_000_000_250, "1700000000.25"), (1_700_000_000_001, "1700000000.001"),
            (1_700_000_000_010, "1700000000.01"), (1_700_000_000_100, "1700000000.1"), (1_700_000_000_999, "1700000000.999"),
            (1_700_000_000_120, "1700000000.12"), (0, "0"), (5, "0.005"), (-1500, "-1.5"), (-1000, "-1"), (-5, "-0.005"),
            // Either side of the longest text that still fits a small string, and the largest fixtures may give.
            (99_999_999_999_999, "99999999999.999"), (100_000_000_000_001, "100000000000.001"),
            (9_999_999_999_999_999, "9999999999999.999"), (-9_999_999_999_999_999, "-9999999999999.999"),
        ]
        for (ms, text) in cases {
            XCTAssertEqual(TimestampValue.json(Instant(millisecondsSinceEpoch: ms)), text, "\(ms)")
        }
    }
}
