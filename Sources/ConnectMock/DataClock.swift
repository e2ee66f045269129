import JSON
import Synchronization
import Timekeeping

/// How the data clock runs: the system clock, frozen at an instant, or shifted by seconds.
public enum ClockSetting: Sendable, Equatable {
    case system
    case frozen(Instant)
    case offset(seconds: Int64)

    /// `{}`, `{now: ISO}`, `{offsetSeconds: N}` or `{mode: system}` (config and `PUT /_mock/clock`).
    static func read(_ r: ValueReader) throws(ConfigError) -> ClockSetting {
        try r.onlyKeys(["now", "offsetSeconds", "mode"])
        let now = try r.child("now")
        let offset = try r.child("offsetSeconds")
        let mode = try r.child("mode")
        let given = [now, offset, mode].compactMap { $0 }.count
        guard given <= 1 else { throw r.error("expected one of now, offsetSeconds or mode, found \(given)") }
        if let now {
            guard let i = ISO8601.parse(try now.string()) else { throw now.error("expected an ISO 8601 instant, found \(now.describe())") }
            return .frozen(i)
        }
        if let offset { return .offset(seconds: Int64(try offset.int(min: Int(-maxOffsetSeconds), max: Int(maxOffsetSeconds)))) }
        if let mode { _ = try mode.oneOf(["system"]) }
        return .system
    }

    /// How far a shifted clock may run from the system clock: a century either way, so that the
    /// data clock's now always stays within the instants a timestamp can hold.
    static let maxOffsetSeconds: Int64 = 100 * 366 * 86400

    /// `CONNECT_MOCK_CLOCK`: an ISO 8601 instant, a signed number of seconds, or `system`.
    static func parse(environment text: String) -> ClockSetting? {
        if text == "system" { return .system }
        if let n = Int64(text) { return abs(n) <= maxOffsetSeconds ? .offset(seconds: n) : nil }
        if let i = ISO8601.parse(text) { return .frozen(i) }
        return nil
    }

    var json: JSONValue {
        switch self {
        case .system: return .object([])
        case .frozen(let i): return .fields(["now": .string(ISO8601.format(i))])
        case .offset(let s): return .fields(["offsetSeconds": .int64(s)])
        }
    }
}

/// The mock's data clock: decides retention and resolves relative fixture times. SigV4 never
/// reads it.
///
/// Every lookup reads it on every worker, and it changes only when a test sets it, so it is
/// one atomic word rather than a lock: the mode in the low two bits, the instant's
/// milliseconds or the offset's seconds, signed, above them. Reading a word nobody writes
/// keeps its cache line shared between the cores; a lock's line would bounce between them.
public final class DataClock: Sendable {
    private let word: Atomic<UInt64>
    private let systemNow: @Sendable () -> Instant

    public init(_ setting: ClockSetting, systemNow: @escaping @Sendable () -> Instant = SystemClock.now) {
        word = Atomic(DataClock.encode(setting))
        self.systemNow = systemNow
    }

    public var setting: ClockSetting { DataClock.decode(word.load(ordering: .acquiring)) }

    public func set(_ s: ClockSetting) { word.store(DataClock.encode(s), ordering: .releasing) }

    private static func encode(_ s: ClockSetting) -> UInt64 {
        switch s {
        case .system: return 0
        case .frozen(let i): return UInt64(bitPattern: i.millisecondsSinceEpoch << 2) | 1
        case .offset(let seconds): return UInt64(bitPattern: seconds << 2) | 2
        }
    }

    private static func decode(_ w: UInt64) -> ClockSetting {
        let value = Int64(bitPattern: w) >> 2
        switch w & 3 {
        case 1: return .frozen(Instant(millisecondsSinceEpoch: value))
        case 2: return .offset(seconds: value)
        default: return .system
        }
    }

    public func now() -> Instant {
        now(atSystemTime: systemNow())
    }

    /// The data clock's time when the system clock reads `wall`: a request reads the system
    /// clock once and derives every time it needs from that reading.
    public func now(atSystemTime wall: Instant) -> Instant {
        switch setting {
        case .system: return wall
        case .frozen(let i): return i
        case .offset(let s): return wall.adding(seconds: s)
        }
    }

    public var isSystem: Bool { setting == .system }

    /// `{"mode":...,"now":...,"offsetSeconds":...}` as `GET /_mock/clock` answers.
    public var json: JSONValue {
        let setting = self.setting
        var m: [JSONMember] = []
        switch setting {
        case .system: m.append(JSONMember(key: "mode", value: .string("system")))
        case .frozen: m.append(JSONMember(key: "mode", value: .string("frozen")))
        case .offset: m.append(JSONMember(key: "mode", value: .string("offset")))
        }
        m.append(JSONMember(key: "now", value: .string(ISO8601.format(now()))))
        if case .offset(let s) = setting { m.append(JSONMember(key: "offsetSeconds", value: .int64(s))) }
        return .object(m)
    }
}
