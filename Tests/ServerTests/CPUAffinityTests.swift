import Foundation
import Server
import XCTest

/// A result handed from a thread to the one waiting for it.
private final class Handoff<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}

/// Runs `body` on a new thread and waits for it, so pinning never touches the test runner's.
private func onNewThread<T>(_ body: @escaping @Sendable () throws -> T) throws -> T {
    let handoff = Handoff<T>()
    let done = DispatchSemaphore(value: 0)
    Thread {
        handoff.result = Result { try body() }
        done.signal()
    }.start()
    done.wait()
    return try handoff.result!.get()
}

final class CPUAffinityTests: XCTestCase {
    func testAPinnedThreadRunsOnItsCPUAndItsChildrenAreReleased() throws {
        let all = CPUAffinity.processCPUs
        XCTAssertFalse(all.isEmpty)
        XCTAssertEqual(try CPUAffinity.currentThreadCPUs(), all)
        let cpu = all.last!
        let seen = try onNewThread {
            try CPUAffinity.restrictCurrentThread(to: [cpu])
            let pinned = try CPUAffinity.currentThreadCPUs()
            let inherited = try onNewThread { try CPUAffinity.currentThreadCPUs() }
            let released = try onNewThread {
                CPUAffinity.releaseCurrentThread()
                return try CPUAffinity.currentThreadCPUs()
            }
            return [pinned, inherited, released]
        }
        XCTAssertEqual(seen, [[cpu], [cpu], all])
        XCTAssertEqual(try CPUAffinity.currentThreadCPUs(), all, "the runner's own thread was never pinned")
    }

    func testASetTheKernelRefusesIsAnErrorNamingTheCall() throws {
        let message = try onNewThread { () -> String in
            do {
                try CPUAffinity.restrictCurrentThread(to: [])
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertTrue(message.hasPrefix("sched_setaffinity to []: Invalid argument"), message)
    }
}
