/// When a quiet connection is closed, or a request still arriving is answered 408: `timeout`
/// after the last request completed (or the connection opened), or `timeout` after the first
/// bytes that followed it, whichever is later, and no later than that.
///
/// Only a completed request moves it freely. Bytes that complete nothing move it once at most
/// (a request starting to arrive); without that rule a peer sending an empty line every half
/// second, which the parser skips and so never leaves a request half-read, pushed the deadline
/// out forever. No clock is read here: the time comes in as loop milliseconds.
struct IdleDeadline: Equatable {
    /// Loop time (ms) at which the connection's time is up.
    private(set) var at: UInt64
    /// Bytes since the last completed request have already had their one extension.
    private var extended = false

    init(now: UInt64, timeout: UInt64) {
        at = now + timeout
    }

    /// Accounts for a read: `completed` says whether it completed a request, `midRequest`
    /// whether part of one is left in the parser. True when the deadline moved later.
    mutating func afterRead(now: UInt64, timeout: UInt64, completed: Bool, midRequest: Bool) -> Bool {
        if completed {
            at = now + timeout
            extended = midRequest
            return true
        }
        guard midRequest, !extended else { return false }
        extended = true
        at = now + timeout
        return true
    }
}
