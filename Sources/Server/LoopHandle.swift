internal import CLibUV

/// One libuv handle's memory, and the one place this module allocates, ties, closes and frees a
/// handle (the tcp sockets, timers, the wakeup, signals and the turn hooks all go through it).
///
/// The rules it keeps, from libuv's documentation: a handle's memory must stay valid until its
/// close callback has run, so it is freed there and nowhere else; and every handle must be closed
/// for `uv_loop_close` to return 0 (`EventLoop.close()`, checked after each run). Until the close
/// callback, the handle's `data` holds a counted reference to its owner (`hold(_:)`), so the
/// object a callback finds in `data` is alive whenever libuv calls back; the callback releases it.
///
/// The close callback cannot be generic (a C function pointer captures no generic context), so
/// the memory carries a header in front of the handle: the owner's optional `AfterClose` hook,
/// which the callback reads back from the handle's address. The connection uses it to leave its
/// server; the hook costs no allocation and no dynamic cast.
///
/// A plain struct around a pointer: the owner keeps it in a `let` and says when it is closed
/// (libuv's own `uv_is_closing` cannot be asked once the memory is freed).
struct LoopHandle<Handle> {
    /// Called in the close callback, after the memory is freed and before the owner is released,
    /// with the owner (`data`).
    typealias AfterClose = LoopHandles.AfterClose

    let pointer: UnsafeMutablePointer<Handle>

    /// Allocates the handle and initializes it with `initialize` (a `uv_*_init`). When that fails
    /// libuv never saw the handle, so its memory is freed at once and the error thrown.
    init(_ what: StaticString, afterClose: AfterClose? = nil,
         _ initialize: (UnsafeMutablePointer<Handle>) -> Int32) throws(LibUVError) {
        let base = UnsafeMutableRawPointer.allocate(byteCount: LoopHandles.headerSize + MemoryLayout<Handle>.size,
                                                     alignment: max(LoopHandles.headerAlignment, MemoryLayout<Handle>.alignment))
        base.initializeMemory(as: Optional<AfterClose>.self, repeating: afterClose, count: 1)
        pointer = (base + LoopHandles.headerSize).bindMemory(to: Handle.self, capacity: 1)
        let rc = initialize(pointer)
        guard rc == 0 else {
            base.deallocate()
            throw LibUVError(code: rc, context: "initializing \(what)")
        }
        raw.pointee.data = nil
    }

    var raw: UnsafeMutablePointer<uv_handle_t> {
        UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: uv_handle_t.self)
    }

    /// Makes the handle hold `owner` until its close callback: what libuv's callbacks find in
    /// `data`. Called once, when the owner is fully initialized.
    func hold<Owner: AnyObject>(_ owner: Owner) {
        precondition(raw.pointee.data == nil, "a libuv handle's owner is set once")
        raw.pointee.data = Unmanaged.passRetained(owner).toOpaque()
    }

    /// Closes the handle (stopping whatever it does) exactly once: the memory is freed, the
    /// `AfterClose` hook called and the owner released in the close callback, on a later turn.
    func close() {
        uv_close(raw) { h in
            let data = h!.pointee.data
            let base = UnsafeMutableRawPointer(h!) - LoopHandles.headerSize
            let afterClose = base.load(as: Optional<LoopHandles.AfterClose>.self)
            base.deallocate()
            guard let data else { return }
            afterClose?(data)
            Unmanaged<AnyObject>.fromOpaque(data).release()
        }
    }
}

/// What every `LoopHandle` shares, outside the generic type so the close callback can use it.
enum LoopHandles {
    typealias AfterClose = @convention(c) (UnsafeMutableRawPointer) -> Void
    /// The header in front of each handle: room for the hook, at the alignment libuv's structs need.
    static let headerSize = 16
    static let headerAlignment = 16

    /// The owner a callback's handle holds, borrowed: libuv calls back only while the handle is
    /// open, and the handle holds its owner until the close callback.
    @inline(__always)
    static func owner<Owner: AnyObject>(of handle: UnsafeMutableRawPointer, as _: Owner.Type) -> Unmanaged<Owner> {
        Unmanaged<Owner>.fromOpaque(handle.assumingMemoryBound(to: uv_handle_t.self).pointee.data)
    }
}
