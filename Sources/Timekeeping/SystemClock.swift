#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The wall clock. SigV4's skew window and presign expiry always read this one; the data
/// clock that decides retention is a separate, settable value in the application.
public enum SystemClock {
    public static func now() -> Instant {
        Instant(nanosecondsSinceEpoch: nanoseconds())
    }

    /// The system clock and the monotonic one, read one after the other, in nanoseconds.
    public static func sample() -> (wall: Int64, monotonic: UInt64) {
        (nanoseconds(), MonotonicClock.nanoseconds())
    }

    private static func nanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}

/// The system clock derived from a monotonic reading the caller has taken anyway: a request
/// already reads the monotonic clock for its duration, and this saves it a second clock call.
/// The offset between the two clocks is sampled again once `resampleNanoseconds` have passed;
/// in between they drift apart by no more than NTP's slew (0.5 ms a second, 25 µs in 50 ms),
/// far below the millisecond an `Instant` holds, and a step of the system clock shows within
/// one interval.
public struct WallClockEstimate: Sendable {
    private var offsetNanoseconds: Int64 = 0
    /// Zero at first, so the first call samples.
    private var nextSample: UInt64 = 0
    public let resampleNanoseconds: UInt64

    public init(resampleNanoseconds: UInt64 = 50_000_000) {
        self.resampleNanoseconds = resampleNanoseconds
    }

    /// The wall time at monotonic reading `monotonic`; `sample` reads both clocks (tests
    /// pass their own).
    public mutating func now(monotonic: UInt64, sample: () -> (wall: Int64, monotonic: UInt64) = SystemClock.sample) -> Instant {
        if monotonic >= nextSample {
            let (wall, mono) = sample()
            offsetNanoseconds = wall - Int64(bitPattern: mono)
            nextSample = mono &+ resampleNanoseconds
        }
        return Instant(nanosecondsSinceEpoch: Int64(bitPattern: monotonic) + offsetNanoseconds)
    }
}

/// A monotonic clock for durations (journal timings, token buckets); never goes backwards.
public enum MonotonicClock {
    public static func nanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
