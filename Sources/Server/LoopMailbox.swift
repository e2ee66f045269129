import Synchronization

/// Work handed to a loop by other threads: each closure runs on the loop thread, in the order
/// posted. How a response finished off the loop (`HandlerResult.respondLater`) reaches its
/// connection. One uv_async handle (`LoopWakeup`) wakes the loop; the closures wait in a list
/// behind a lock, since libuv may fold several wakeups into one callback.
public final class LoopMailbox: Sendable {
    private let queue = Queue()
    private let wakeup: LoopWakeup

    /// Throws when libuv cannot make the handle.
    public init(loop: EventLoop) throws {
        let queue = queue
        wakeup = try LoopWakeup(loop: loop) { queue.runPending() }
    }

    /// Safe from any thread. False, with `work` dropped, once the mailbox is closed: the loop
    /// is finishing and nothing it would run is wanted.
    @discardableResult
    public func post(_ work: @escaping @Sendable () -> Void) -> Bool {
        queue.state.withLock { s in
            guard !s.closed else { return false }
            s.work.append(work)
            // Under the lock, so that `close` cannot run between the check and the wakeup.
            wakeup.send()
            return true
        }
    }

    /// On the loop thread: later posts are dropped, work not yet run is dropped too, and the
    /// handle closes (so that `uv_loop_close` can return 0).
    public func close() {
        // Taken out under the lock and released after it: a dropped closure may hold the last
        // reference to a connection, whose deinit must not run inside the lock.
        let dropped = queue.state.withLock { s -> [@Sendable () -> Void] in
            s.closed = true
            let work = s.work
            s.work = []
            return work
        }
        wakeup.close()
        _ = dropped
    }

    private final class Queue: Sendable {
        struct State {
            var closed = false
            var work: [@Sendable () -> Void] = []
        }

        let state = Mutex(State())

        func runPending() {
            let work = state.withLock { s -> [@Sendable () -> Void] in
                let work = s.work
                s.work = []
                return work
            }
            for w in work { w() }
        }
    }
}
