/// ISO 8601 as AWS CLIs print it and as fixtures and the config write it.
public enum ISO8601 {
    /// `2026-01-15T00:00:00Z`, with `.sss` only when the milliseconds are not zero.
    /// `alwaysMilliseconds` writes `.000` too, as Connect's contact events spell timestamps.
    public static func format(_ instant: Instant, alwaysMilliseconds: Bool = false) -> String {
        let c = instant.civil
        var s = pad(c.year, 4) + "-" + pad(c.month, 2) + "-" + pad(c.day, 2)
        s += "T" + pad(c.hour, 2) + ":" + pad(c.minute, 2) + ":" + pad(c.second, 2)
        if c.millisecond != 0 || alwaysMilliseconds { s += "." + pad(c.millisecond, 3) }
        return s + "Z"
    }

    /// Accepts `YYYY-MM-DDTHH:MM:SS` with optional fraction (any digits, truncated to
    /// milliseconds) and a zone of `Z`, `±HH:MM` or `±HHMM`; a space may stand for `T`, and a
    /// missing zone means UTC. Nil for anything else.
    public static func parse(_ text: some StringProtocol) -> Instant? {
        let b = Array(text.utf8)
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(45), let month = digits(2), expect(45), let day = digits(2) else { return nil }
        guard i < b.count, b[i] == 84 || b[i] == 116 || b[i] == 32 else { return nil }
        i += 1
        guard let hour = digits(2), expect(58), let minute = digits(2), expect(58), let second = digits(2) else { return nil }
        var ms = 0
        if i < b.count, b[i] == 46 {
            i += 1
            var n = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if n < 3 { ms = ms * 10 + Int(b[i] - 48) }
                n += 1
                i += 1
            }
            guard n > 0 else { return nil }
            if n < 3 { for _ in n..<3 { ms *= 10 } }
        }
        var offsetMinutes = 0
        if i < b.count {
            if b[i] == 90 || b[i] == 122 {
                i += 1
            } else if b[i] == 43 || b[i] == 45 {
                let sign = b[i] == 45 ? -1 : 1
                i += 1
                guard let oh = digits(2) else { return nil }
                _ = expect(58)
                guard let om = digits(2), oh < 24, om < 60 else { return nil }
                offsetMinutes = sign * (oh * 60 + om)
            } else {
                return nil
            }
        }
        guard i == b.count else { return nil }
        let civil = CivilDateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second, millisecond: ms)
        return civil.instant?.adding(seconds: Int64(-offsetMinutes * 60))
    }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

/// The basic format SigV4 uses: `20150830T123600Z`, and its date part `20150830`.
public enum AMZDate {
    public static func format(_ instant: Instant) -> String {
        let c = instant.civil
        return ISO8601.pad(c.year, 4) + ISO8601.pad(c.month, 2) + ISO8601.pad(c.day, 2) + "T"
            + ISO8601.pad(c.hour, 2) + ISO8601.pad(c.minute, 2) + ISO8601.pad(c.second, 2) + "Z"
    }

    public static func parse(_ text: String) -> Instant? {
        parse(text.utf8.span)
    }

    /// `YYYYMMDD'T'HHMMSS'Z'` read where it lies, as SigV4 reads it from a header.
    public static func parse(_ b: Span<UInt8>) -> Instant? {
        guard b.count == 16, b[8] == 84, b[15] == 90 else { return nil }
        func num(_ from: Int, _ n: Int) -> Int? {
            var v = 0
            for k in from..<(from + n) {
                guard b[k] >= 48, b[k] <= 57 else { return nil }
                v = v * 10 + Int(b[k] - 48)
            }
            return v
        }
        guard let y = num(0, 4), let mo = num(4, 2), let d = num(6, 2), let h = num(9, 2), let mi = num(11, 2), let s = num(13, 2)
        else { return nil }
        return CivilDateTime(year: y, month: mo, day: d, hour: h, minute: mi, second: s).instant
    }
}

/// RFC 9110 IMF-fixdate, for the `Date` header: `Sun, 06 Nov 1994 08:49:37 GMT`.
public enum HTTPDate {
    static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    public static func format(_ instant: Instant) -> String {
        let c = instant.civil
        var days = instant.millisecondsSinceEpoch / 86_400_000
        if instant.millisecondsSinceEpoch < 0, instant.millisecondsSinceEpoch % 86_400_000 != 0 { days -= 1 }
        let wd = Int(((days % 7) + 7) % 7)
        return weekdays[wd] + ", " + ISO8601.pad(c.day, 2) + " " + months[c.month - 1] + " " + ISO8601.pad(c.year, 4)
            + " " + ISO8601.pad(c.hour, 2) + ":" + ISO8601.pad(c.minute, 2) + ":" + ISO8601.pad(c.second, 2) + " GMT"
    }

    public static func parse(_ text: some StringProtocol) -> Instant? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT",
              let day = Int(parts[1]), let month = months.firstIndex(of: String(parts[2])), let year = Int(parts[3])
        else { return nil }
        let hms = parts[4].split(separator: ":")
        guard hms.count == 3, let h = Int(hms[0]), let m = Int(hms[1]), let s = Int(hms[2]) else { return nil }
        return CivilDateTime(year: year, month: month + 1, day: day, hour: h, minute: m, second: s).instant
    }
}
