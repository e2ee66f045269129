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

/// Relative times from input: every product and sum is checked (issue 30: 107 repetitions of
/// `999999999d` ended the process), and whatever does not fit is unreadable, never a trap.
final class RelativeTimestampTests: XCTestCase {
    func testRelativeTimesAreReadOrRefusedWithoutOverflow() {
        let now = Instant(millisecondsSinceEpoch: 1_780_315_200_000)
        let cases: [(String, Int64?)] = [
            ("now", 0), ("now-3d", -3 * 86400), ("now+2h30m", 9000), ("now+15s", 15), ("now-1d1d", -2 * 86400),
            ("now+999999999d", 999_999_999 * 86400),
            ("now+" + String(repeating: "999999999d", count: 107), nil),
            ("now-" + String(repeating: "999999999d", count: 107), nil),
            ("now+" + String(repeating: "999999999d", count: 100_000), nil),
            ("now+9999999999d", nil), ("now+", nil), ("now+d", nil), ("now+5", nil), ("now+5w", nil), ("now5d", nil),
        ]
        for (text, seconds) in cases {
            XCTAssertEqual(TimestampValue.parse(string: text, now: now), seconds.map { now.adding(seconds: $0) }, text.prefix(40) + "")
        }
    }

    func testCheckedAddingRefusesWhatDoesNotFit() {
        XCTAssertNil(Instant(millisecondsSinceEpoch: 0).checkedAdding(seconds: Int64.max / 999))
        XCTAssertNil(Instant(millisecondsSinceEpoch: Int64.max - 10).checkedAdding(seconds: 1))
        XCTAssertEqual(Instant(millisecondsSinceEpoch: 0).checkedAdding(seconds: -5), Instant(millisecondsSinceEpoch: -5000))
    }
}
