internal import CLibUV

/// A one-shot or repeating timer on a loop. The handle keeps this object alive until it is
/// closed; `close()` is required to release it.
public final class LoopTimer {
    private let handle: UnsafeMutablePointer<uv_timer_t>
    private var callback: (() -> Void)?
    private var closed = false

    public init(loop: EventLoop) {
        handle = .allocate(capacity: 1)
        uv_timer_init(loop.raw, handle)
        handle.pointee.data = Unmanaged.passRetained(self).toOpaque()
    }

    /// Starts (or restarts) the timer; `repeatMilliseconds` 0 fires once.
    public func start(afterMilliseconds: UInt64, repeatMilliseconds: UInt64 = 0, _ body: @escaping () -> Void) {
        guard !closed else { return }
        callback = body
        rearm(afterMilliseconds: afterMilliseconds, repeatMilliseconds: repeatMilliseconds)
    }

    /// Starts the timer again with the callback it already has: a connection pushes its idle
    /// deadline out on every request without allocating a new closure each time.
    public func rearm(afterMilliseconds: UInt64, repeatMilliseconds: UInt64 = 0) {
        guard !closed, callback != nil else { return }
        uv_timer_start(handle, { h in
            let timer = Unmanaged<LoopTimer>.fromOpaque(h!.pointee.data).takeUnretainedValue()
            timer.callback?()
        }, afterMilliseconds, repeatMilliseconds)
    }

    /// Stops the timer and releases it once libuv is done with the handle.
    public func close() {
        guard !closed else { return }
        closed = true
        callback = nil
        uv_close(UnsafeMutableRawPointer(handle).assumingMemoryBound(to: uv_handle_t.self)) { h in
            let timer = Unmanaged<LoopTimer>.fromOpaque(h!.pointee.data!)
            timer.takeUnretainedValue().handle.deallocate()
            timer.release()
        }
    }
}

/// Delivers SIGINT/SIGTERM (or any signals) on the loop thread.
public final class SignalWatcher {
    private var handles: [UnsafeMutablePointer<uv_signal_t>] = []
    private let callback: (Int32) -> Void
    private var open = 0

    public init(loop: EventLoop, signals: [Int32], _ body: @escaping (Int32) -> Void) {
        callback = body
        for sig in signals {
            let h = UnsafeMutablePointer<uv_signal_t>.allocate(capacity: 1)
            uv_signal_init(loop.raw, h)
            h.pointee.data = Unmanaged.passRetained(self).toOpaque()
            uv_signal_start(h, { h, signum in
                Unmanaged<SignalWatcher>.fromOpaque(h!.pointee.data).takeUnretainedValue().callback(signum)
            }, sig)
            handles.append(h)
            open += 1
        }
    }

    public func close() {
        for h in handles {
            uv_close(UnsafeMutableRawPointer(h).assumingMemoryBound(to: uv_handle_t.self)) { h in
                let watcher = Unmanaged<SignalWatcher>.fromOpaque(h!.pointee.data!)
                UnsafeMutableRawPointer(h!).deallocate()
                watcher.release()
            }
        }
        handles.removeAll()
    }
}
