import ContactModel
import Timekeeping

/// One fuzz input for the fixture timestamp parser (`TimestampValue.parse`, relative forms
/// such as `now-2h30m` above all): any text gets an instant or nil, never a trap, and the same
/// answer twice. The first byte picks the data clock among instants a config can set, from
/// year 1 to year 9999; the rest is tried as given and after `now`, so the fuzzer need not
/// find the prefix first. Written against the public API only. Shared by `make fuzz`
/// (scripts/fuzz.sh timestamp) and the corpus replay in `swift test`.
enum TimestampFuzzHarness {
    static let clocks: [Instant] = [
        Instant(secondsSinceEpoch: 1_780_000_000), Instant(secondsSinceEpoch: 0),
        Instant(secondsSinceEpoch: 253_402_300_799), Instant(secondsSinceEpoch: -62_135_596_800),
    ]

    static func run(_ data: [UInt8]) {
        guard let first = data.first else { return }
        let now = clocks[Int(first) % clocks.count]
        let text = String(decoding: data.dropFirst(), as: UTF8.self)
        for candidate in [text, "now" + text] {
            let once = TimestampValue.parse(string: candidate, now: now)
            precondition(once == TimestampValue.parse(string: candidate, now: now), "two answers for one text")
            if candidate == "now" { precondition(once == now, "now is not the data clock") }
        }
        _ = TimestampValue.parse(epochSeconds: text)
    }
}
