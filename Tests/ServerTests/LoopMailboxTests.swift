import Foundation
import Synchronization
import XCTest
@testable import Server

/// Work posted to a loop from other threads runs on the loop, in the order posted; after
/// `close` posts are refused, and the loop closes with no handle left open.
final class LoopMailboxTests: XCTestCase {
    func testPostsRunOnTheLoopInOrderAndStopAfterClose() throws {
        let loop = EventLoop()
        let mailbox = try LoopMailbox(loop: loop)
        let seen = Mutex<[Int]>([])
        let loopThread = Mutex<Thread?>(nil)
        let others = Mutex<Int>(0)
        Thread {
            for k in 0..<100 {
                XCTAssertTrue(mailbox.post {
                    seen.withLock { $0.append(k) }
                    if !Thread.current.isEqual(loopThread.withLock { $0 }) { others.withLock { $0 += 1 } }
                    if k == 99 { mailbox.close() }
                })
            }
        }.start()
        loopThread.withLock { $0 = Thread.current }
        // The mailbox's handle keeps the loop running until the last post closes it.
        loop.run()
        XCTAssertEqual(seen.withLock { $0 }, Array(0..<100))
        XCTAssertEqual(others.withLock { $0 }, 0, "every post ran on the loop's thread")
        XCTAssertFalse(mailbox.post {}, "a closed mailbox refuses work")
        XCTAssertEqual(loop.close(), 0)
    }
}
