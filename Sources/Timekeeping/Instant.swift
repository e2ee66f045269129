/// A point in time as whole milliseconds since the Unix epoch, UTC.
///
/// Connect reports timestamps with millisecond precision, so every clock, fixture and retention
/// computation in the mock works on this one integer type instead of `Foundation.Date`'s double,
/// which keeps comparisons exact and formatting deterministic.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    public init(secondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = secondsSinceEpoch * 1000
    }

    /// The millisecond holding `nanosecondsSinceEpoch` (rounded toward the past).
    public init(nanosecondsSinceEpoch: Int64) {
        let (q, r) = nanosecondsSinceEpoch.quotientAndRemainder(dividingBy: 1_000_000)
        self.millisecondsSinceEpoch = r < 0 ? q - 1 : q
    }

    /// Whole seconds, rounded toward negative infinity.
    public var secondsSinceEpoch: Int64 {
        millisecondsSinceEpoch >= 0 ? millisecondsSinceEpoch / 1000 : -((-millisecondsSinceEpoch + 999) / 1000)
    }

    public static func < (lhs: Instant, rhs: Instant) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    public func adding(seconds: Int64) -> Instant {
        Instant(millisecondsSinceEpoch: millisecondsSinceEpoch + seconds * 1000)
    }

    /// `adding(seconds:)` for an amount that comes from input: nil where the sum would not
    /// fit, rather than a trap that ends the process.
    public func checkedAdding(seconds: Int64) -> Instant? {
        let (ms, o1) = seconds.multipliedReportingOverflow(by: 1000)
        let (sum, o2) = millisecondsSinceEpoch.addingReportingOverflow(ms)
        return o1 || o2 ? nil : Instant(millisecondsSinceEpoch: sum)
    }

    /// The instants a stored timestamp may hold: years 1970 to 9999, which ISO 8601 writes in
    /// four digits and every SDK turns into a date.
    public static let storable = Instant(millisecondsSinceEpoch: 0)...Instant(millisecondsSinceEpoch: 253_402_300_799_999)

    public func adding(milliseconds: Int64) -> Instant {
        Instant(millisecondsSinceEpoch: millisecondsSinceEpoch + milliseconds)
    }

    public var civil: CivilDateTime { CivilDateTime(self) }

    public var description: String { ISO8601.format(self) }
}
