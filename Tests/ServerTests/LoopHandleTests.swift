import XCTest
@testable import Server

/// libuv's ownership rule as `LoopHandle` keeps it: a handle holds its owner until the close
/// callback (a later turn), then frees its memory and releases the owner, and a loop whose
/// handles were all closed closes with 0.
final class LoopHandleTests: XCTestCase {
    func testAClosedHandleHoldsItsOwnerUntilTheCloseCallbackThenTheLoopClosesClean() throws {
        let loop = EventLoop()
        weak var timer: LoopTimer?
        weak var wakeup: LoopWakeup?
        var fired = 0
        do {
            let t = LoopTimer(loop: loop)
            t.start(afterMilliseconds: 1) { fired += 1 }
            let w = try LoopWakeup(loop: loop) {}
            timer = t
            wakeup = w
        }
        XCTAssertNotNil(timer, "an open handle holds its owner")
        timer?.close()
        wakeup?.close()
        XCTAssertNotNil(timer, "closing is finished only by the close callback")
        XCTAssertEqual(loop.close(), 0)
        XCTAssertNil(timer)
        XCTAssertNil(wakeup)
        XCTAssertEqual(fired, 0, "a closed timer does not fire")
    }

    func testAHandleLeftOpenKeepsTheLoopFromClosing() throws {
        let loop = EventLoop()
        let wakeup = try LoopWakeup(loop: loop) {}
        loop.stop()
        XCTAssertNotEqual(loop.close(), 0, "uv_loop_close reports the open handle (UV_EBUSY)")
        wakeup.close()
        XCTAssertEqual(loop.close(), 0)
    }
}
