internal import CLibUV
#if canImport(Glibc)
import Glibc
#endif

/// Runs a callback on the loop thread when any thread calls `send()` (uv_async): how a test
/// or a second thread asks a running loop to shut down, and how `LoopMailbox` wakes the loop
/// for work posted to it.
public final class LoopWakeup: @unchecked Sendable {
    private let wakeup: LoopHandle<uv_async_t>
    private let callback: () -> Void
    private var closed = false

    /// Throws when libuv cannot make the handle (it needs a file descriptor, which may have run out).
    public init(loop: EventLoop, _ body: @escaping () -> Void) throws {
        callback = body
        wakeup = try LoopHandle("a loop wakeup") { h in
            uv_async_init(loop.raw, h) { h in
                LoopHandles.owner(of: h!, as: LoopWakeup.self).takeUnretainedValue().callback()
            }
        }
        wakeup.hold(self)
    }

    /// Safe from any thread, until `close()` has run on the loop thread.
    public func send() {
        // libuv returns 0 whatever happens (a wakeup already pending is not an error); anything
        // else would mean the handle is not an async handle, a bug here.
        let rc = uv_async_send(wakeup.pointer)
        precondition(rc == 0, "uv_async_send: \(String(cString: uv_strerror(rc)))")
    }

    public func close() {
        guard !closed else { return }
        closed = true
        wakeup.close()
    }
}

public enum ProcessLimits {
    /// Raises the soft open-file limit to the hard limit, so thousands of test connections fit;
    /// returns the new soft limit.
    @discardableResult
    public static func raiseOpenFileLimit() -> UInt64 {
        var lim = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &lim) == 0 else { return 0 }
        if lim.rlim_cur < lim.rlim_max {
            lim.rlim_cur = lim.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &lim)
        }
        return UInt64(lim.rlim_cur)
    }
}
