internal import CLibUV

/// The one owner of a `uv_loop_t`. Every handle in this module is created on a loop and lives
/// on its thread; nothing here is shared between threads.
public final class EventLoop {
    let raw: UnsafeMutablePointer<uv_loop_t>
    /// One read buffer per loop: libuv asks for a buffer right before each read and the bytes are
    /// consumed (copied into a connection's parser) before the next, so one buffer serves all.
    let readBuffer: UnsafeMutableRawPointer
    let readBufferSize = 65536

    public init() {
        raw = .allocate(capacity: 1)
        let rc = uv_loop_init(raw)
        precondition(rc == 0, "uv_loop_init failed: \(String(cString: uv_strerror(rc)))")
        readBuffer = .allocate(byteCount: readBufferSize, alignment: 16)
        raw.pointee.data = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        readBuffer.deallocate()
        raw.deallocate()
    }

    /// Runs until no active handle is left or `stop()` is called.
    public func run() {
        // Non-zero only means handles are still active (after `stop()`): not an error, and
        // `close()` reports whether any outlived the shutdown.
        _ = uv_run(raw, UV_RUN_DEFAULT)
    }

    public func stop() {
        uv_stop(raw)
    }

    /// Closes the loop; 0 when every handle was closed first (nothing leaked), a libuv error
    /// code (UV_EBUSY) otherwise. Runs the loop once more to deliver pending close callbacks.
    public func close() -> Int32 {
        // What is left active shows in uv_loop_close's answer (UV_EBUSY), which is returned.
        _ = uv_run(raw, UV_RUN_DEFAULT)
        return uv_loop_close(raw)
    }

    /// Milliseconds of the loop's monotonic clock.
    public var now: UInt64 { uv_now(raw) }
}

/// A libuv error as a Swift error, with what we were doing.
public struct LibUVError: Error, CustomStringConvertible {
    public var code: Int32
    public var context: String
    public var description: String { "\(context): \(String(cString: uv_strerror(code)))" }
}
