import XCTest
@testable import Server

/// The connection's life without a socket or a clock: each table row is a script of events at
/// fake loop times, and what the machine asked for after each one, written as the driver would
/// perform it. A small stand-in driver (`Harness`) plays `Connection`'s part: it holds the
/// requests "parsed" from a read, answers them as the script says and tells the machine, the
/// way `Connection.processRequests` does, so pipelining and delayed answers are covered too.
final class ConnectionStateMachineTests: XCTestCase {
    /// What the stand-in parser yields for a read.
    enum Request {
        /// A complete request, answered at once; `keepAlive` is what the request asked for.
        case ok(String, keepAlive: Bool = true)
        /// A complete request the handler answers later (a latency fault).
        case delayed(String)
        /// Bytes the parser refuses (malformed, too large): answered 400 and the connection ends.
        case malformed
    }

    enum Event {
        case start
        /// Bytes arrive: the requests they complete, and whether part of another is left over.
        case read([Request], midRequest: Bool = false)
        /// The end of the loop turn: the outbox hands every queued response to the socket,
        /// which takes it whole.
        case flush
        /// As `flush`, but the socket takes only part of the one response queued; libuv holds
        /// the rest, `backlog` bytes for this socket in all.
        case flushPartially(backlog: Int)
        /// libuv finished a write it held (`failed` when the peer was gone).
        case written(failed: Bool = false)
        case timer
        /// The delayed response is due.
        case delayDue
        case eof
        case shutdown
    }

    struct Step {
        let at: UInt64
        let event: Event
        let expect: [String]
        init(_ at: UInt64, _ event: Event, _ expect: [String] = []) {
            self.at = at
            self.event = event
            self.expect = expect
        }
    }

    /// A stand-in for `Connection`: performs nothing, writes down what it would do.
    struct Harness {
        var machine: ConnectionStateMachine
        var now: UInt64 = 0
        var midRequest = false
        /// Requests read but not yet taken from the parser (they wait behind a delayed answer).
        var buffered: [Request] = []
        /// Responses in the outbox, not yet handed to the socket.
        var queued = 0
        var delayed: (name: String, keepAlive: Bool)?
        var log: [String] = []

        init(_ configuration: ConnectionStateMachine.Configuration) {
            machine = ConnectionStateMachine(configuration: configuration)
        }

        mutating func perform(_ a: ConnectionStateMachine.Actions) {
            if a.close {
                log.append("close")
                return
            }
            if a.shutdownWriteSide { log.append("shutdown write side") }
            switch a.reading {
            case .unchanged: break
            case .start: log.append("read")
            case .stop: log.append("stop reading")
            }
            if let t = a.timer { log.append("timer@\(t)") }
            if a.refuseSlowRequest { send("408", keepAlive: false, lingerAfter: true) }
        }

        mutating func send(_ what: String, keepAlive: Bool, lingerAfter: Bool = false) {
            guard let actions = machine.responseQueued(keepAlive: keepAlive, lingerAfter: lingerAfter) else {
                log.append("dropped \(what)")
                return
            }
            queued += 1
            log.append(keepAlive ? what : "\(what) close")
            perform(actions)
        }

        /// `Connection.processRequests`: true when the parser is left waiting for bytes.
        mutating func processRequests() -> Bool {
            while machine.acceptsRequests {
                guard !buffered.isEmpty else { return true }
                switch buffered.removeFirst() {
                case .ok(let name, let keepAlive):
                    send("200 \(name)", keepAlive: machine.requestParsed(keepAlive: keepAlive))
                case .delayed(let name):
                    let keepAlive = machine.requestParsed(keepAlive: true)
                    machine.responseDelayed()
                    delayed = (name, keepAlive)
                    log.append("delay \(name)")
                case .malformed:
                    buffered.removeAll()
                    send("400", keepAlive: false, lingerAfter: true)
                    return false
                }
            }
            return false
        }

        mutating func run(_ event: Event) {
            switch event {
            case .start:
                perform(machine.start(now: now))
            case .read(let requests, let mid):
                guard machine.bytesRead() else {
                    log.append("dropped bytes")
                    return
                }
                buffered += requests
                midRequest = mid
                let waiting = processRequests()
                perform(machine.readProcessed(now: now, midRequest: midRequest, parserWaiting: waiting))
            case .flush:
                while queued > 0 {
                    queued -= 1
                    if machine.isClosed { continue }
                    perform(machine.writeDone(now: now))
                }
            case .flushPartially(let backlog):
                precondition(queued == 1)
                queued = 0
                perform(machine.writeQueued(backlog: backlog))
                perform(machine.writeDone(now: now))
            case .written(let failed):
                perform(machine.writeDone(now: now, failed: failed))
            case .timer:
                perform(machine.timerFired(now: now, midRequest: midRequest))
            case .delayDue:
                let (name, keepAlive) = delayed!
                delayed = nil
                let due = machine.delayedResponseDue(keepAlive: keepAlive, now: now)
                send("200 \(name)", keepAlive: due.keepAlive)
                perform(due.actions)
                if processRequests() { perform(machine.parserWaiting(midRequest: midRequest, now: now)) }
            case .eof:
                perform(machine.readEnded())
            case .shutdown:
                perform(machine.shutdownRequested(midRequest: midRequest))
            }
        }
    }

    /// Idle timeout 1 s, linger 300 ms, 100 bytes of unsent backlog at most.
    static let configuration = ConnectionStateMachine.Configuration(idleTimeout: 1000, linger: 300, maxPendingWriteBytes: 100)

    struct Row {
        let name: String
        var configuration = ConnectionStateMachineTests.configuration
        let steps: [Step]
    }

    static let rows: [Row] = [
        Row(name: "idle timeout before any request", steps: [
            Step(0, .start, ["read", "timer@1000"]),
            Step(1000, .timer, ["close"]),
        ]),
        Row(name: "idle timeout after a request counts from the request", steps: [
            Step(0, .start, ["read", "timer@1000"]),
            Step(600, .read([.ok("a")]), ["200 a"]),
            Step(600, .flush),
            // The running timer was left alone; firing early, it waits for the rest.
            Step(1000, .timer, ["timer@1600"]),
            Step(1599, .timer, ["timer@1600"]),
            Step(1600, .timer, ["close"]),
        ]),
        Row(name: "empty lines do not extend the idle time", steps: [
            Step(0, .start, ["read", "timer@1000"]),
            Step(500, .read([])),
            Step(900, .read([])),
            Step(1000, .timer, ["close"]),
        ]),
        Row(name: "an empty line split in halves extends it once, then the half request is refused 408", steps: [
            Step(0, .start, ["read", "timer@1000"]),
            Step(500, .read([], midRequest: true)),
            Step(700, .read([], midRequest: false)),
            Step(900, .read([], midRequest: true)),
            Step(1000, .timer, ["timer@1500"]),
            Step(1500, .timer, ["408 close", "stop reading"]),
            Step(1500, .flush, ["shutdown write side", "read", "timer@1800"]),
            Step(1800, .timer, ["close"]),
        ]),
        Row(name: "pipelined requests are answered in order in one read", steps: [
            Step(0, .start, ["read", "timer@1000"]),
            Step(10, .read([.ok("a"), .ok("b"), .ok("c")]), ["200 a", "200 b", "200 c"]),
            Step(10, .flush),
            Step(1010, .timer, ["close"]),
        ]),
        Row(name: "a request after Connection: close is not answered", steps: [
            Step(0, .start, ["read", "timer@1000"]),
            Step(10, .read([.ok("a", keepAlive: false), .ok("b")]), ["200 a close", "stop reading"]),
            Step(10, .flush, ["close"]),
        ]),
        Row(name: "a delayed response holds the pipelined requests behind it, unread", steps: [
            Step(0, .start, ["read", "timer@1000"]),
            Step(10, .read([.delayed("a"), .ok("b")]), ["delay a", "stop reading"]),
            Step(200, .delayDue, ["200 a", "200 b"]),
            Step(200, .flush, ["read"]),
            // The idle time counts from the answer.
            Step(1010, .timer, ["timer@1200"]),
            Step(1200, .timer, ["close"]),
        ]),
        Row(name: "a delayed response longer than the idle time keeps the connection, then the timer restarts", steps: [
            Step(0, .start, ["read", "timer@1000"]),
            Step(10, .read([.delayed("a")]), ["delay a", "stop reading"]),
            Step(1010, .timer),
            Step(1500, .delayDue, ["200 a", "timer@2500"]),
            Step(1500, .flush, ["read"]),
            Step(2500, .timer, ["close"]),
        ]),
        Row(name: "a refusal lingers, dropping what comes, and closes at the linger deadline", steps: [
            Step(0, .start, ["read", "timer@1000"]),
            Step(100, .read([.malformed], midRequest: true), ["400 close", "stop reading"]),
            Step(100, .flush, ["shutdown write side", "read", "timer@400"]),
            Step(150, .read([.ok("late")]), ["dropped bytes"]),
            Step(400, .timer, ["close"]),
        ]),
        Row(name: "a refusal lingers until the peer closes its side", steps: [
            Step(0, .start, ["read", "timer@1000"]),
            Step(100, .read([.malformed]), ["400 close", "stop reading"]),
            Step(100, .flush, ["shutdown write side", "read", "timer@400"]),
            Step(200, .eof, ["close"]),
        ]),
        Row(name: "the linger time is capped by the idle timeout",
            configuration: .init(idleTimeout: 200, linger: 300, maxPendingWriteBytes: 100), steps: [
            Step(0, .start, ["read", "timer@200"]),
            Step(100, .read([.malformed]), ["400 close", "stop reading"]),
            Step(100, .flush, ["shutdown write side", "read", "timer@300"]),
            Step(300, .timer, ["close"]),
        ]),
        Row(name: "end of stream mid-request closes at once", steps: [
            Step(0, .start, ["read", "timer@1000"]),
            Step(100, .read([], midRequest: true)),
            Step(150, .eof, ["close"]),
        ]),
        Row(name: "end of stream with a response queued closes once it is written", steps: [
            Step(0, .start, ["read", "timer@1000"]),
            Step(100, .read([.ok("a")], midRequest: true), ["200 a"]),
            Step(100, .eof, ["stop reading"]),
            Step(100, .flush, ["close"]),
        ]),
        Row(name: "end of stream behind a delayed response waits for it", steps: [
            Step(0, .start, ["read", "timer@1000"]),
            Step(10, .read([.delayed("a")]), ["delay a", "stop reading"]),
            Step(20, .eof),
            Step(200, .delayDue, ["200 a"]),
            Step(200, .flush, ["close"]),
        ]),
        Row(name: "shutdown closes an idle connection at once", steps: [
            Step(0, .start, ["read", "timer@1000"]),
            Step(10, .shutdown, ["close"]),
        ]),
        Row(name: "shutdown lets a request being received finish, answered with Connection: close", steps: [
            Step(0, .start, ["read", "timer@1000"]),
            Step(100, .read([], midRequest: true)),
            Step(110, .shutdown),
            Step(150, .read([.ok("a")]), ["200 a close", "stop reading"]),
            Step(150, .flush, ["close"]),
        ]),
        Row(name: "shutdown waits for a response not yet written", steps: [
            Step(0, .start, ["read", "timer@1000"]),
            Step(100, .read([.ok("a")]), ["200 a"]),
            Step(100, .shutdown),
            Step(100, .flush, ["close"]),
        ]),
        Row(name: "shutdown waits for a delayed response, which says Connection: close", steps: [
            Step(0, .start, ["read", "timer@1000"]),
            Step(10, .read([.delayed("a"), .ok("b")]), ["delay a", "stop reading"]),
            Step(20, .shutdown),
            Step(200, .delayDue, ["200 a close"]),
            Step(200, .flush, ["close"]),
        ]),
        Row(name: "shutdown closes a lingering connection at once", steps: [
            Step(0, .start, ["read", "timer@1000"]),
            Step(100, .read([.malformed]), ["400 close", "stop reading"]),
            Step(100, .flush, ["shutdown write side", "read", "timer@400"]),
            Step(120, .shutdown, ["close"]),
        ]),
        Row(name: "a refusal during shutdown closes without lingering", steps: [
            Step(0, .start, ["read", "timer@1000"]),
            Step(100, .read([], midRequest: true)),
            Step(110, .shutdown),
            Step(150, .read([.malformed]), ["400 close", "stop reading"]),
            Step(150, .flush, ["close"]),
        ]),
        Row(name: "a write backlog past the limit stops reading until it drains", steps: [
            Step(0, .start, ["read", "timer@1000"]),
            Step(10, .read([.ok("a")]), ["200 a"]),
            Step(10, .flushPartially(backlog: 150), ["stop reading"]),
            Step(30, .written(), ["read"]),
        ]),
        Row(name: "a write backlog within the limit keeps reading", steps: [
            Step(0, .start, ["read", "timer@1000"]),
            Step(10, .read([.ok("a")]), ["200 a"]),
            Step(10, .flushPartially(backlog: 100)),
            Step(30, .written()),
        ]),
        Row(name: "a failed write closes", steps: [
            Step(0, .start, ["read", "timer@1000"]),
            Step(10, .read([.ok("a")]), ["200 a"]),
            Step(10, .flushPartially(backlog: 150), ["stop reading"]),
            Step(30, .written(failed: true), ["close"]),
            Step(40, .timer),
            Step(50, .eof),
        ]),
        Row(name: "a connection that closed does nothing more", steps: [
            Step(0, .start, ["read", "timer@1000"]),
            Step(1000, .timer, ["close"]),
            Step(1100, .read([.ok("a")]), ["dropped bytes"]),
            Step(1200, .timer),
            Step(1300, .shutdown),
            Step(1400, .eof),
        ]),
    ]

    func testTable() {
        for row in Self.rows {
            var h = Harness(row.configuration)
            for (k, step) in row.steps.enumerated() {
                XCTAssertGreaterThanOrEqual(step.at, h.now, "\(row.name): the fake clock only moves forward")
                h.now = step.at
                h.log.removeAll()
                h.run(step.event)
                XCTAssertEqual(h.log, step.expect, "\(row.name), step \(k + 1) at \(step.at) ms: \(step.event)")
            }
        }
    }

    /// The actions as values, hummingbird-style, for the two events the table reads through
    /// the harness: accepting arms the timer at the idle deadline; a write that drains a
    /// refusal starts the lingering close.
    func testActionsAreValues() {
        var m = ConnectionStateMachine(configuration: Self.configuration)
        XCTAssertEqual(m.start(now: 5), .init(reading: .start, timer: 1005))
        XCTAssertEqual(m.start(now: 6), .nothing, "a second start changes nothing")
        XCTAssertEqual(m.responseQueued(keepAlive: false, lingerAfter: true), .init(reading: .stop))
        XCTAssertEqual(m.phase, .finishing(linger: true))
        XCTAssertFalse(m.acceptsRequests)
        XCTAssertEqual(m.writeDone(now: 50), .init(reading: .start, timer: 350, shutdownWriteSide: true))
        XCTAssertEqual(m.phase, .lingering(until: 350))
        XCTAssertFalse(m.bytesRead())
        XCTAssertEqual(m.timerFired(now: 349, midRequest: false), .init(timer: 350))
        XCTAssertEqual(m.timerFired(now: 350, midRequest: false), .closing)
        XCTAssertTrue(m.isClosed)
        XCTAssertNil(m.responseQueued(keepAlive: true, lingerAfter: false), "nothing is sent once closed")
    }

    /// The machine decides a response's keep-alive: not while the server drains.
    func testKeepAliveEndsWithTheDrain() {
        var m = ConnectionStateMachine(configuration: Self.configuration)
        _ = m.start(now: 0)
        XCTAssertTrue(m.requestParsed(keepAlive: true))
        XCTAssertFalse(m.requestParsed(keepAlive: false))
        _ = m.shutdownRequested(midRequest: true)
        XCTAssertFalse(m.requestParsed(keepAlive: true))
    }
}
