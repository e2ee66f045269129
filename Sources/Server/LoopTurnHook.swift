internal import CLibUV

/// Calls `body` at the end of each loop turn's I/O (uv_check, after the poll phase's callbacks)
/// and again before the loop next waits (uv_prepare, after timers), so whatever those callbacks
/// queued is handled in the same turn. Neither handle keeps the loop running; `close()` is
/// required to release this object.
final class LoopTurnHook {
    private let check: LoopHandle<uv_check_t>
    private let prepare: LoopHandle<uv_prepare_t>
    private let body: () -> Void
    private var closed = false

    init(loop: EventLoop, _ body: @escaping () -> Void) {
        self.body = body
        // uv_check_init, uv_prepare_init and their starts only fill in and link the struct; they
        // fail only on a missing callback, so a failure is a bug here.
        check = try! LoopHandle("a check handle") { uv_check_init(loop.raw, $0) }
        prepare = try! LoopHandle("a prepare handle") { uv_prepare_init(loop.raw, $0) }
        check.hold(self)
        prepare.hold(self)
        var rc = uv_check_start(check.pointer) { h in
            LoopHandles.owner(of: h!, as: LoopTurnHook.self)._withUnsafeGuaranteedRef { $0.body() }
        }
        precondition(rc == 0, "uv_check_start: \(String(cString: uv_strerror(rc)))")
        rc = uv_prepare_start(prepare.pointer) { h in
            LoopHandles.owner(of: h!, as: LoopTurnHook.self)._withUnsafeGuaranteedRef { $0.body() }
        }
        precondition(rc == 0, "uv_prepare_start: \(String(cString: uv_strerror(rc)))")
        uv_unref(check.raw)
        uv_unref(prepare.raw)
    }

    func close() {
        guard !closed else { return }
        closed = true
        check.close()
        prepare.close()
    }
}
