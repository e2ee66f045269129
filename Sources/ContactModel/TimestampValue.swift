import ASCII
import Timekeeping

/// Reads a timestamp as fixtures may write it: epoch seconds (a JSON number, fractions to the
/// millisecond), ISO 8601 (as the AWS CLI prints it), or relative to the data clock: `now`,
/// `now-3d`, `now-2h30m`, `now+15m` (units d, h, m, s).
public enum TimestampValue {
    public static func parse(string text: String, now: Instant) -> Instant? {
        if text.hasPrefix("now") { return parseRelative(text.dropFirst(3), now: now) }
        return ISO8601.parse(text)
    }

    /// Epoch seconds from a JSON number's text; nil when not a plain decimal.
    public static func parse(epochSeconds text: String) -> Instant? {
        guard let d = Double(text), d.isFinite, abs(d) < 1e13 else { return nil }
        return Instant(millisecondsSinceEpoch: Int64((d * 1000).rounded()))
    }

    /// `now`, `now-3d`, `now+2h30m`: every product and sum is checked, so no input can trap;
    /// a total that does not fit is nil like any other unreadable text.
    static func parseRelative(_ rest: Substring, now: Instant) -> Instant? {
        if rest.isEmpty { return now }
        guard let sign = rest.first, sign == "+" || sign == "-" else { return nil }
        var total: Int64 = 0
        var number: Int64 = 0
        var digits = 0
        var units = 0
        for c in rest.dropFirst() {
            if let d = c.wholeNumberValue, c.isASCII {
                number = number * 10 + Int64(d)
                digits += 1
                guard digits <= 9 else { return nil }
                continue
            }
            guard digits > 0 else { return nil }
            let unit: Int64
            switch c {
            case "d": unit = 86400
            case "h": unit = 3600
            case "m": unit = 60
            case "s": unit = 1
            default: return nil
            }
            let (seconds, o1) = number.multipliedReportingOverflow(by: unit)
            let (sum, o2) = total.addingReportingOverflow(seconds)
            guard !o1, !o2 else { return nil }
            total = sum
            number = 0
            digits = 0
            units += 1
        }
        guard digits == 0, units > 0 else { return nil }
        return now.checkedAdding(seconds: sign == "-" ? -total : total)
    }

    /// Epoch seconds as a JSON number with millisecond precision: `1700000000` or
    /// `1700000000.25`.
    public static func json(_ instant: Instant) -> String {
        let ms = instant.millisecondsSinceEpoch
        guard ms >= 0 else { return "-" + json(Instant(millisecondsSinceEpoch: -ms)) }
        let whole = ms / 1000
        var frac = ms % 1000
        var fractionDigits = frac == 0 ? 0 : 3
        while fractionDigits > 0, frac % 10 == 0 {
            frac /= 10
            fractionDigits -= 1
        }
        // Digit by digit into one string, which fits the small (inline) form until the year
        // 5138: synthesis writes a dozen of these per contact.
        return String(unsafeUninitializedCapacity: whole < 100_000_000_000 ? 15 : 24) { out in
            let end = ASCIIBytes.writeDecimal(UInt64(whole), into: out, at: 0)
            guard fractionDigits > 0 else { return end }
            out[end] = UInt8(ascii: ".")
            return ASCIIBytes.writeDecimal(UInt64(frac), width: fractionDigits, into: out, at: end + 1)
        }
    }
}
