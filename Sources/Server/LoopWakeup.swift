internal import CLibUV
#if canImport(Glibc)
import Glibc
#endif

/// Runs a callback on the loop thread when any thread calls `send()` (uv_async): how a test
/// or a second thread asks a running loop to shut down.
public final class LoopWakeup: @unchecked Sendable {
    private let handle: UnsafeMutablePointer<uv_async_t>
    private let callback: () -> Void
    private var closed = false

    public init(loop: EventLoop, _ body: @escaping () -> Void) {
        callback = body
        handle = .allocate(capacity: 1)
        uv_async_init(loop.raw, handle) { h in
            Unmanaged<LoopWakeup>.fromOpaque(h!.pointee.data).takeUnretainedValue().callback()
        }
        handle.pointee.data = Unmanaged.passRetained(self).toOpaque()
    }

    /// Safe from any thread, until `close()` has run on the loop thread.
    public func send() {
        uv_async_send(handle)
    }

    public func close() {
        guard !closed else { return }
        closed = true
        uv_close(UnsafeMutableRawPointer(handle).assumingMemoryBound(to: uv_handle_t.self)) { h in
            let w = Unmanaged<LoopWakeup>.fromOpaque(h!.pointee.data!)
            UnsafeMutableRawPointer(h!).deallocate()
            w.release()
        }
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
