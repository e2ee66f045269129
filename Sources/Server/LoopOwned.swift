/// A value only the loop's thread touches, held through a pointer rather than as a class's
/// `var`: Swift checks each access to a class's stored `var` at run time for overlapping
/// access, and on the request path those checks cost more instructions than the work they
/// guarded. The values kept here are never reached reentrantly (the parser and the head
/// buffer are each used by one call at a time), so the check had nothing to catch; debug
/// builds of the tests still check every other access.
///
/// The owner frees it, in its `deinit`.
struct LoopOwned<Value> {
    private let pointer: UnsafeMutablePointer<Value>

    init(_ value: Value) {
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: value)
    }

    var value: Value {
        unsafeAddress { UnsafePointer(pointer) }
        nonmutating unsafeMutableAddress { pointer }
    }

    func free() {
        pointer.deinitialize(count: 1)
        pointer.deallocate()
    }
}
