/// The decisions of one connection's life, apart from the socket and the clock: events come in
/// (bytes read, a request parsed, a response queued or delayed, the parser waiting, a write
/// queued or done, the timer fired, end of stream, a socket failure, shutdown requested) and what the driver must do comes out (start or
/// stop reading, arm the timer at a deadline, shut the write side down, answer 408, close).
///
/// Why it is apart: `Connection` used to hold these rules among its libuv calls, so the only way
/// to test an idle timeout, a lingering close or a drain was a live socket and a wall-clock wait.
/// Here nothing touches libuv and nothing reads a clock (time comes in as loop milliseconds), so
/// `ConnectionStateMachineTests` walk a connection through its life with a fake clock, in
/// microseconds. `Connection` is the thin driver: it feeds the parser, calls the handler, and
/// performs the actions.
///
/// Why actions are a fixed-size struct (`Actions`) rather than an array or a callback: an event
/// is handled on the request path several times per request, and an array or a closure per event
/// would be an allocation or an indirect call each time. A struct of a few fields is returned in
/// registers and read with a handful of branches; an event that asks for nothing returns
/// `.nothing`. The parser stays with the driver (it holds the bytes); what the machine needs of it,
/// whether part of a request is buffered, comes in as `midRequest`.
struct ConnectionStateMachine {
    struct Configuration: Equatable {
        /// How long a quiet connection stays open, and how long a request may take to arrive.
        var idleTimeout: UInt64
        /// How long a refusing connection keeps reading before it closes (capped by `idleTimeout`).
        var linger: UInt64
        /// A connection whose unsent bytes exceed this stops being read until its writes drain.
        var maxPendingWriteBytes: Int
    }

    /// Where a connection is in its life; it decides what a read, a finished write and the
    /// timer do. It only moves forward, open to closed.
    enum Phase: Equatable {
        /// Reading requests and answering them.
        case open
        /// No more requests are read; the connection closes once its queued responses are
        /// written, lingering first when `linger` is set.
        case finishing(linger: Bool)
        /// The last response is written and the write side shut down (the peer reads it, then
        /// end of stream); whatever the peer still sends, such as the rest of a refused body or
        /// head, is read and dropped until it closes its side or the loop time `until`. Closing
        /// with those bytes unread made the kernel answer them with a reset, which reached a
        /// client still sending (Python's http.client) before it had read the 413 or 431.
        case lingering(until: UInt64)
        case closed
    }

    /// What the driver does after an event, in this order: close (and nothing else); shut the
    /// write side down; start or stop reading; arm the timer; answer the request being received
    /// with 408.
    struct Actions: Equatable {
        enum Reading: Equatable {
            case unchanged, start, stop
        }

        var reading = Reading.unchanged
        /// Arm the connection's one timer to fire at this loop time (ms), replacing its deadline.
        var timer: UInt64?
        /// Shut the write side down once the queued bytes are written: a lingering close begins.
        var shutdownWriteSide = false
        /// The request being received took longer than the idle timeout: answer it 408 (and
        /// report that response with `responseQueued(keepAlive: false, lingerAfter: true)`).
        var refuseSlowRequest = false
        /// Close the socket and the timers; no event changes anything after this.
        var close = false

        static var nothing: Actions { Actions() }
        static var closing: Actions { Actions(close: true) }
    }

    let configuration: Configuration
    private(set) var phase = Phase.open
    /// When an idle connection closes, or a started request gets 408.
    private(set) var idle: IdleDeadline
    /// The timer is armed (at the idle deadline or later, or at the linger deadline). A running
    /// timer is left alone when the idle deadline moves, since restarting it on every request
    /// cost two heap operations in libuv; when it fires early it is armed again for the rest.
    private(set) var timerArmed = false
    /// The socket is being read.
    private(set) var reading = false
    /// Responses queued and not yet written, plus writes libuv holds: the connection may close
    /// or linger only once this is 0.
    private(set) var pendingWrites = 0
    /// A delayed response is pending: later pipelined requests wait behind it, unread.
    private(set) var awaitingResponse = false
    /// The server is shutting down: responses say `Connection: close`, and a connection closes
    /// as soon as it has nothing in flight.
    private(set) var draining = false
    /// A request was completed since the last `readProcessed`.
    private var completedSinceRead = false

    init(configuration: Configuration) {
        self.configuration = configuration
        idle = IdleDeadline(now: 0, timeout: 0)
    }

    /// Requests may be taken from the parser: the connection is open and no response is delayed.
    var acceptsRequests: Bool { !awaitingResponse && phase == .open }

    var isClosed: Bool { phase == .closed }

    // MARK: Events

    /// The socket is accepted: read it, and close it if it stays quiet for the idle timeout.
    mutating func start(now: UInt64) -> Actions {
        guard phase == .open, !reading else { return .nothing }
        idle = IdleDeadline(now: now, timeout: configuration.idleTimeout)
        reading = true
        timerArmed = true
        return Actions(reading: .start, timer: idle.at)
    }

    /// Bytes arrived: true when they go to the parser, false when they are dropped (a lingering
    /// connection reads only to keep the kernel from answering them with a reset).
    func bytesRead() -> Bool {
        switch phase {
        case .open, .finishing: true
        case .lingering, .closed: false
        }
    }

    /// The parser completed a request asking for `keepAlive`; returns whether its response may
    /// keep the connection open (not while the server drains). The driver calls the handler and
    /// reports its answer with `responseQueued` or `responseDelayed`.
    mutating func requestParsed(keepAlive: Bool) -> Bool {
        completedSinceRead = true
        return keepAlive && !draining
    }

    /// The handler answered later: requests pipelined behind this one wait, unparsed, and the
    /// socket stops being read once this read is processed, so they are not gathered without
    /// bound.
    mutating func responseDelayed() {
        awaitingResponse = true
    }

    /// A response is about to be queued; nil when it must be dropped (the connection is past
    /// sending). One that does not keep the connection open stops the reading and makes the
    /// connection close (or, with `lingerAfter`, linger) once it is written.
    mutating func responseQueued(keepAlive: Bool, lingerAfter: Bool) -> Actions? {
        switch phase {
        case .open, .finishing: break
        case .lingering, .closed: return nil
        }
        pendingWrites += 1
        guard !keepAlive else { return .nothing }
        // The response just counted is pending, so this cannot close yet: the last write does.
        return finish(linger: lingerAfter)
    }

    /// The parser took every complete request and waits for more bytes. A draining connection
    /// with no request begun closes once its responses are written.
    mutating func parserWaiting(midRequest: Bool, now: UInt64) -> Actions {
        guard draining, !midRequest else { return .nothing }
        var actions = finish(linger: false)
        writesMayHaveDrained(now: now, &actions)
        return actions
    }

    /// A read's bytes are processed (`parserWaiting` when the parser was left waiting for more,
    /// which is then handled as that event): stop reading behind a delayed response, and move
    /// the idle deadline by what the read completed (`IdleDeadline`), arming the timer if it
    /// had run out.
    mutating func readProcessed(now: UInt64, midRequest: Bool, parserWaiting waiting: Bool) -> Actions {
        let completed = completedSinceRead
        completedSinceRead = false
        var actions = waiting ? parserWaiting(midRequest: midRequest, now: now) : .nothing
        guard phase != .closed else { return actions }
        if awaitingResponse { stopReading(&actions) }
        if idle.afterRead(now: now, timeout: configuration.idleTimeout, completed: completed, midRequest: midRequest) {
            keepTimerRunning(&actions)
        }
        return actions
    }

    /// A delayed response is due. Returns whether it may keep the connection open, and the
    /// timer to arm: the idle time counts from the answer, since the timer may have run out
    /// while it was delayed and nothing else would start it again. The driver then queues it
    /// (`responseQueued`) and goes back to the requests waiting behind it.
    mutating func delayedResponseDue(keepAlive: Bool, now: UInt64) -> (keepAlive: Bool, actions: Actions) {
        awaitingResponse = false
        guard phase != .closed else { return (false, .nothing) }
        idle = IdleDeadline(now: now, timeout: configuration.idleTimeout)
        var actions = Actions.nothing
        keepTimerRunning(&actions)
        return (keepAlive && !draining, actions)
    }

    /// A response's bytes could not all be written at once and libuv holds the rest; `backlog`
    /// is all the bytes it holds for this socket. Past the limit, reading stops until the
    /// writes drain.
    mutating func writeQueued(backlog: Int) -> Actions {
        pendingWrites += 1
        var actions = Actions.nothing
        if backlog > configuration.maxPendingWriteBytes { stopReading(&actions) }
        return actions
    }

    /// A queued response was handed to the socket, or a write libuv held finished (`failed`
    /// when it did not). Once nothing is pending, reading resumes on an open connection, and a
    /// finishing one closes or lingers.
    mutating func writeDone(now: UInt64, failed: Bool = false) -> Actions {
        pendingWrites -= 1
        if failed { return ioFailed() }
        var actions = Actions.nothing
        writesMayHaveDrained(now: now, &actions)
        return actions
    }

    /// The timer fired at loop time `now`, which may be before the deadline it now serves (the
    /// deadline moved later while it ran): then it is armed again for the rest.
    mutating func timerFired(now: UInt64, midRequest: Bool) -> Actions {
        switch phase {
        case .closed:
            return .nothing
        case .lingering(let until):
            return now < until ? Actions(timer: until) : close()
        case .open, .finishing:
            if now < idle.at { return Actions(timer: idle.at) }
            timerArmed = false
            // A delayed response is still to go out; its arrival arms the timer again.
            if awaitingResponse { return .nothing }
            if phase == .open, midRequest { return Actions(refuseSlowRequest: true) }
            // Idle, or final responses the peer has not read within the idle time.
            return close()
        }
    }

    /// The peer ended its side (EOF) or the read failed (reset): what is in flight is finished,
    /// then the connection closes. There is nothing left to linger for once the peer has closed.
    mutating func readEnded() -> Actions {
        switch phase {
        case .closed:
            return .nothing
        case .lingering:
            return close()
        case .open, .finishing:
            guard awaitingResponse || pendingWrites > 0 else { return close() }
            var actions = Actions.nothing
            stopReading(&actions)
            phase = .finishing(linger: false)
            return actions
        }
    }

    /// The server is shutting down: close now when nothing is in flight; otherwise after the
    /// current response. A request being received or a delayed response still completes, its
    /// response saying `Connection: close`. A lingering connection closes at once.
    mutating func shutdownRequested(midRequest: Bool) -> Actions {
        draining = true
        switch phase {
        case .closed: return .nothing
        case .lingering: return close()
        case .open, .finishing: break
        }
        if awaitingResponse || midRequest { return .nothing }
        if pendingWrites > 0 {
            if phase == .open { phase = .finishing(linger: false) }
            return .nothing
        }
        return close()
    }

    /// A socket operation failed (a write, a read start, the shutdown of the write side, an
    /// accept): the connection closes at once.
    mutating func ioFailed() -> Actions {
        phase == .closed ? .nothing : close()
    }

    // MARK: Transitions

    private mutating func close() -> Actions {
        phase = .closed
        reading = false
        timerArmed = false
        return .closing
    }

    /// No more requests are read; the connection closes (or lingers) once its writes drain.
    private mutating func finish(linger: Bool) -> Actions {
        switch phase {
        case .open: phase = .finishing(linger: linger)
        case .finishing(let earlier): phase = .finishing(linger: earlier || linger)
        case .lingering, .closed: return .nothing
        }
        var actions = Actions.nothing
        stopReading(&actions)
        return actions
    }

    private mutating func writesMayHaveDrained(now: UInt64, _ actions: inout Actions) {
        guard pendingWrites == 0, !awaitingResponse else { return }
        switch phase {
        case .open:
            startReading(&actions)
        case .finishing(let linger):
            // A shutdown does not wait on lingering peers: it closes at once.
            if linger, !draining { startLingering(now: now, &actions) } else { actions = close() }
        case .lingering, .closed:
            break
        }
    }

    /// Shuts the write side down (after the queued bytes) and reads, dropping what comes, until
    /// the peer closes or the linger time (capped by the idle timeout) is up.
    private mutating func startLingering(now: UInt64, _ actions: inout Actions) {
        let until = now + min(configuration.linger, configuration.idleTimeout)
        phase = .lingering(until: until)
        actions.shutdownWriteSide = true
        timerArmed = true
        actions.timer = until
        startReading(&actions)
    }

    private mutating func keepTimerRunning(_ actions: inout Actions) {
        guard !timerArmed else { return }
        timerArmed = true
        actions.timer = idle.at
    }

    private mutating func startReading(_ actions: inout Actions) {
        guard !reading else { return }
        reading = true
        actions.reading = .start
    }

    private mutating func stopReading(_ actions: inout Actions) {
        guard reading else { return }
        reading = false
        actions.reading = .stop
    }
}
