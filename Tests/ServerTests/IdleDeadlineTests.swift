import XCTest
@testable import Server

/// Issue 30, item 7: empty lines (which the parser skips, so no request is ever half-read)
/// must not keep pushing a connection's idle deadline out.
final class IdleDeadlineTests: XCTestCase {
    private let timeout: UInt64 = 1000

    /// An empty line every 500 ms from the start: the deadline stays where opening set it.
    func testEmptyLinesBeforeAFirstRequestDoNotMoveIt() {
        var d = IdleDeadline(now: 0, timeout: timeout)
        for t in stride(from: UInt64(500), through: 10_000, by: 500) {
            XCTAssertFalse(d.afterRead(now: t, timeout: timeout, completed: false, midRequest: false), "at \(t) ms")
        }
        XCTAssertEqual(d.at, 1000)
    }

    /// After a request, the same: the deadline is the request's completion plus the timeout.
    func testEmptyLinesAfterARequestDoNotMoveIt() {
        var d = IdleDeadline(now: 0, timeout: timeout)
        XCTAssertTrue(d.afterRead(now: 300, timeout: timeout, completed: true, midRequest: false))
        for t in stride(from: UInt64(800), through: 10_000, by: 500) {
            XCTAssertFalse(d.afterRead(now: t, timeout: timeout, completed: false, midRequest: false))
        }
        XCTAssertEqual(d.at, 1300)
    }

    /// An empty line sent as CR, then LF, then CR...: the half line looks like a request
    /// starting, which may move the deadline once, and no more until a request completes.
    func testSplitEmptyLinesMoveItOnceAtMost() {
        var d = IdleDeadline(now: 0, timeout: timeout)
        var t: UInt64 = 0
        for k in 0..<40 {
            t += 250
            _ = d.afterRead(now: t, timeout: timeout, completed: false, midRequest: k % 2 == 0)
        }
        XCTAssertEqual(d.at, 1250)
    }

    /// A request that starts to arrive gets the timeout from its first bytes, once; then 408.
    func testARequestArrivingSlowlyHasTheTimeoutFromItsFirstBytes() {
        var d = IdleDeadline(now: 0, timeout: timeout)
        XCTAssertTrue(d.afterRead(now: 900, timeout: timeout, completed: false, midRequest: true))
        XCTAssertFalse(d.afterRead(now: 1500, timeout: timeout, completed: false, midRequest: true))
        XCTAssertEqual(d.at, 1900)
    }

    /// Completed requests are real traffic: each one moves it, and a pipelined remainder is
    /// timed from then.
    func testEachCompletedRequestMovesIt() {
        var d = IdleDeadline(now: 0, timeout: timeout)
        XCTAssertTrue(d.afterRead(now: 900, timeout: timeout, completed: true, midRequest: true))
        XCTAssertEqual(d.at, 1900)
        XCTAssertFalse(d.afterRead(now: 1200, timeout: timeout, completed: false, midRequest: true))
        XCTAssertTrue(d.afterRead(now: 1800, timeout: timeout, completed: true, midRequest: false))
        XCTAssertEqual(d.at, 2800)
    }
}
