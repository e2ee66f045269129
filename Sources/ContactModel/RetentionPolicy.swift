import Timekeeping

/// Connect's visibility rule: a contact is readable from its initiation until `months`
/// calendar months later, and never when it began before the cutoff (Connect keeps nothing
/// from before 2021-11-12).
public struct RetentionPolicy: Sendable, Equatable {
    public enum HiddenReason: String, Sendable {
        case cutoff, future, retention
    }

    public var months: Int
    public var cutoff: Instant

    public init(months: Int = 24, cutoff: Instant = ISO8601.parse("2021-11-12T00:00:00Z")!) {
        self.months = months
        self.cutoff = cutoff
    }

    public func expiry(of initiation: Instant) -> Instant {
        initiation.addingCalendarMonths(months)
    }

    /// No contact the purge deletes at `now` has a later expiry, so the purge can read the
    /// expiry index up to here instead of the whole table. Past retention means expired by
    /// `now`. A contact from before the cutoff expires less than a day after the cutoff itself
    /// would: adding months keeps the order of instants, except that a day clamped to a
    /// shorter month (Jan 30 and Jan 31 both become Feb 28) keeps each one's time of day.
    public func purgeExpiryBound(now: Instant) -> Instant {
        max(now, expiry(of: cutoff).adding(seconds: 86_400))
    }

    /// Nil when visible; otherwise the reason, `cutoff` before `future` before `retention`.
    public func hiddenReason(initiation: Instant, now: Instant) -> HiddenReason? {
        if initiation < cutoff { return .cutoff }
        if initiation > now { return .future }
        if now >= expiry(of: initiation) { return .retention }
        return nil
    }
}
