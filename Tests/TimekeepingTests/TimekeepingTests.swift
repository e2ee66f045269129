import Timekeeping
import XCTest

final class TimekeepingTests: XCTestCase {
    func at(_ s: String) -> Instant { ISO8601.parse(s)! }

    func testCalendarMonths() {
        let cases: [(String, Int, String)] = [
            ("2024-01-15T00:00:00Z", 24, "2026-01-15T00:00:00Z"),
            ("2024-02-29T10:00:00Z", 24, "2026-02-28T10:00:00Z"),
            ("2024-02-29T10:00:00Z", 48, "2028-02-29T10:00:00Z"),
            ("2025-01-31T23:59:59.999Z", 1, "2025-02-28T23:59:59.999Z"),
            ("2025-03-31T00:00:00Z", -1, "2025-02-28T00:00:00Z"),
            ("2025-12-15T12:00:00Z", 1, "2026-01-15T12:00:00Z"),
            ("1969-12-31T23:59:59Z", 1, "1970-01-31T23:59:59Z"),
        ]
        for (from, months, to) in cases {
            XCTAssertEqual(at(from).addingCalendarMonths(months), at(to), "\(from) + \(months)")
        }
        XCTAssertEqual(at("2026-01-15T00:00:00Z").secondsSinceEpoch - at("2024-01-15T00:00:00Z").secondsSinceEpoch, 731 * 86400)
    }

    /// The estimate follows the monotonic reading between samples, samples again once the
    /// interval has passed (so a step of the wall clock shows), and rounds toward the past.
    func testWallClockEstimate() {
        var samples = 0
        var wallNow: Int64 = 1_767_225_600_000_000_000 // 2026-01-01T00:00:00Z
        var monoNow: UInt64 = 5_000_000_000
        func sample() -> (wall: Int64, monotonic: UInt64) {
            samples += 1
            return (wallNow, monoNow)
        }
        var clock = WallClockEstimate(resampleNanoseconds: 50_000_000)
        XCTAssertEqual(clock.now(monotonic: monoNow, sample: sample), at("2026-01-01T00:00:00Z"))
        XCTAssertEqual(samples, 1)
        XCTAssertEqual(clock.now(monotonic: monoNow + 1_999_999, sample: sample), at("2026-01-01T00:00:00.001Z"))
        XCTAssertEqual(clock.now(monotonic: monoNow + 49_999_999, sample: sample), at("2026-01-01T00:00:00.049Z"))
        XCTAssertEqual(samples, 1, "no sample inside the interval")
        wallNow += 3_600_000_000_000 + 50_000_000 // stepped an hour ahead
        monoNow += 50_000_000
        XCTAssertEqual(clock.now(monotonic: monoNow, sample: sample), at("2026-01-01T01:00:00.050Z"))
        XCTAssertEqual(samples, 2)
        var early = WallClockEstimate()
        wallNow = -1
        XCTAssertEqual(early.now(monotonic: monoNow, sample: sample), Instant(millisecondsSinceEpoch: -1))
    }

    /// Against the system clock itself, read around it.
    func testWallClockEstimateAgreesWithTheSystemClock() {
        var clock = WallClockEstimate()
        for _ in 0..<3 {
            let before = SystemClock.now()
            let estimate = clock.now(monotonic: MonotonicClock.nanoseconds())
            let after = SystemClock.now()
            XCTAssertGreaterThanOrEqual(estimate.millisecondsSinceEpoch, before.millisecondsSinceEpoch - 1)
            XCTAssertLessThanOrEqual(estimate.millisecondsSinceEpoch, after.millisecondsSinceEpoch + 1)
        }
    }

    func testISO8601Forms() {
        XCTAssertEqual(at("2026-01-01T00:00:00Z").secondsSinceEpoch, 1_767_225_600)
        XCTAssertEqual(at("2026-01-01T01:00:00+01:00"), at("2026-01-01T00:00:00Z"))
        XCTAssertEqual(at("2025-12-31T19:00:00.123000-05:00"), at("2026-01-01T00:00:00.123Z"))
        XCTAssertEqual(at("2026-01-01 00:00:00"), at("2026-01-01T00:00:00Z"))
        for bad in ["2026-02-30T00:00:00Z", "2026-01-01", "yesterday", "2026-01-01T24:00:00Z", "2026-01-01T00:00:00Zjunk", "2026-01-01T00:00:00."] {
            XCTAssertNil(ISO8601.parse(bad), bad)
        }
        XCTAssertEqual(ISO8601.format(at("2026-01-01T00:00:00.5Z")), "2026-01-01T00:00:00.500Z")
        XCTAssertEqual(ISO8601.format(Instant(millisecondsSinceEpoch: -1)), "1969-12-31T23:59:59.999Z")
    }

    func testAMZAndHTTPDates() {
        XCTAssertEqual(AMZDate.parse("20150830T123600Z"), at("2015-08-30T12:36:00Z"))
        XCTAssertEqual(AMZDate.format(at("2015-08-30T12:36:00Z")), "20150830T123600Z")
        XCTAssertNil(AMZDate.parse("2015-08-30T12:36:00Z"))
        XCTAssertEqual(HTTPDate.format(at("1994-11-06T08:49:37Z")), "Sun, 06 Nov 1994 08:49:37 GMT")
        XCTAssertEqual(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT"), at("1994-11-06T08:49:37Z"))
    }
}
