/// Hand-managed byte buffers (the JSON writer's output, a server loop's outbox) skip the
/// uniqueness check an `Array` makes on every append; this is their one growth rule.
public enum RawBytes {
    /// Moves the buffer at `base` to one at least twice `capacity` and big enough for `needed`
    /// bytes, keeping its first `count` bytes.
    public static func grow(_ base: inout UnsafeMutableRawPointer, capacity: inout Int, keeping count: Int, toFit needed: Int,
                            alignment: Int) {
        var grown = max(capacity, 1) * 2
        while grown < needed { grown *= 2 }
        let moved = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: alignment)
        moved.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = moved
        capacity = grown
    }
}
