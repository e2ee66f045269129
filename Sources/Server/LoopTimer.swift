internal import CLibUV

/// A one-shot or repeating timer on a loop. The handle keeps this object alive until it is
/// closed; `close()` is required to release it.
public final class LoopTimer {
    private let timer: LoopHandle<uv_timer_t>
    private var callback: (() -> Void)?
    private var closed = false

    public init(loop: EventLoop) {
        // uv_timer_init only fills in the struct and cannot fail; a failure would be a libuv bug.
        timer = try! LoopHandle("a timer") { uv_timer_init(loop.raw, $0) }
        timer.hold(self)
    }

    /// Starts (or restarts) the timer; `repeatMilliseconds` 0 fires once.
    public func start(afterMilliseconds: UInt64, repeatMilliseconds: UInt64 = 0, _ body: @escaping () -> Void) {
        guard !closed else { return }
        callback = body
        rearm(afterMilliseconds: afterMilliseconds, repeatMilliseconds: repeatMilliseconds)
    }

    /// Sets what the timer calls without starting it (`rearm` starts it): a connection arms its
    /// timer from its state machine's deadlines.
    func onFire(_ body: @escaping () -> Void) {
        guard !closed else { return }
        callback = body
    }

    /// Starts the timer again with the callback it already has: a connection pushes its idle
    /// deadline out on every request without allocating a new closure each time.
    public func rearm(afterMilliseconds: UInt64, repeatMilliseconds: UInt64 = 0) {
        guard !closed, callback != nil else { return }
        let rc = uv_timer_start(timer.pointer, { h in
            LoopHandles.owner(of: h!, as: LoopTimer.self)._withUnsafeGuaranteedRef { $0.callback?() }
        }, afterMilliseconds, repeatMilliseconds)
        // libuv refuses only a closing handle or a missing callback, both ruled out above: a
        // failure here is a bug, and a timer silently not running would hang a connection open.
        precondition(rc == 0, "uv_timer_start: \(String(cString: uv_strerror(rc)))")
    }

    /// Stops the timer and releases it once libuv is done with the handle.
    public func close() {
        guard !closed else { return }
        closed = true
        callback = nil
        timer.close()
    }
}

/// Delivers SIGINT/SIGTERM (or any signals) on the loop thread.
public final class SignalWatcher {
    private var handles: [LoopHandle<uv_signal_t>] = []
    private let callback: (Int32) -> Void

    /// Throws when libuv cannot watch a signal (its signal pipe could not be made, or the
    /// number is not a signal); the handles made so far are closed.
    public init(loop: EventLoop, signals: [Int32], _ body: @escaping (Int32) -> Void) throws {
        callback = body
        do {
            for sig in signals {
                let h = try LoopHandle<uv_signal_t>("a signal watcher") { uv_signal_init(loop.raw, $0) }
                h.hold(self)
                handles.append(h)
                let rc = uv_signal_start(h.pointer, { h, signum in
                    LoopHandles.owner(of: h!, as: SignalWatcher.self).takeUnretainedValue().callback(signum)
                }, sig)
                guard rc == 0 else { throw LibUVError(code: rc, context: "watching signal \(sig)") }
            }
        } catch {
            // The handles made so far hold this object: they must be closed to release it.
            close()
            throw error
        }
    }

    public func close() {
        for h in handles { h.close() }
        handles.removeAll()
    }
}
