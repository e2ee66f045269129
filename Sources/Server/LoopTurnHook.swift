internal import CLibUV

/// Calls `body` at the end of each loop turn's I/O (uv_check, after the poll phase's callbacks)
/// and again before the loop next waits (uv_prepare, after timers), so whatever those callbacks
/// queued is handled in the same turn. Neither handle keeps the loop running; `close()` is
/// required to release this object.
final class LoopTurnHook {
    private let check: UnsafeMutablePointer<uv_check_t>
    private let prepare: UnsafeMutablePointer<uv_prepare_t>
    private let body: () -> Void
    private var closed = false

    init(loop: EventLoop, _ body: @escaping () -> Void) {
        self.body = body
        check = .allocate(capacity: 1)
        prepare = .allocate(capacity: 1)
        uv_check_init(loop.raw, check)
        uv_prepare_init(loop.raw, prepare)
        check.pointee.data = Unmanaged.passRetained(self).toOpaque()
        prepare.pointee.data = Unmanaged.passRetained(self).toOpaque()
        uv_check_start(check) { h in
            Unmanaged<LoopTurnHook>.fromOpaque(h!.pointee.data)._withUnsafeGuaranteedRef { $0.body() }
        }
        uv_prepare_start(prepare) { h in
            Unmanaged<LoopTurnHook>.fromOpaque(h!.pointee.data)._withUnsafeGuaranteedRef { $0.body() }
        }
        uv_unref(UnsafeMutableRawPointer(check).assumingMemoryBound(to: uv_handle_t.self))
        uv_unref(UnsafeMutableRawPointer(prepare).assumingMemoryBound(to: uv_handle_t.self))
    }

    func close() {
        guard !closed else { return }
        closed = true
        for h in [UnsafeMutableRawPointer(check), UnsafeMutableRawPointer(prepare)] {
            uv_close(h.assumingMemoryBound(to: uv_handle_t.self)) { h in
                let hook = Unmanaged<LoopTurnHook>.fromOpaque(h!.pointee.data!)
                UnsafeMutableRawPointer(h!).deallocate()
                hook.release()
            }
        }
    }
}
