/// Where SigV4 writes a canonical request: an array where the text is kept (the suite's tests,
/// a mismatch's explanation), or a fixed buffer on the stack where it is only hashed, as on
/// every request. One builder writes to either, so the two cannot differ.
protocol ByteSink {
    mutating func append(_ byte: UInt8)
    mutating func append(contentsOf bytes: UnsafeRawBufferPointer)
}

extension ByteSink {
    /// Through a span, as `Array.appendUTF8` does: it borrows the string, where a closure over
    /// its storage retained it.
    mutating func append(utf8 text: String) {
        text.utf8.span.withUnsafeBytes { append(contentsOf: $0) }
    }
}

extension Array: ByteSink where Element == UInt8 {}

/// A fixed buffer written from its start. It keeps counting past its end and writes nothing
/// more once a piece does not fit, so the caller learns how much was needed (`overflowed`,
/// `count`) and writes again somewhere larger.
struct FixedByteBuffer: ByteSink {
    private let base: UnsafeMutableRawPointer
    private let capacity: Int
    /// Bytes asked to be written: all of them written while it is at most `capacity`.
    private(set) var count = 0

    init(_ buffer: UnsafeMutableRawBufferPointer) {
        base = buffer.baseAddress!
        capacity = buffer.count
    }

    var overflowed: Bool { count > capacity }

    /// What was written; only whole when nothing overflowed.
    var written: UnsafeRawBufferPointer {
        precondition(!overflowed, "a fixed buffer that overflowed holds only part of what was written to it")
        return UnsafeRawBufferPointer(start: base, count: count)
    }

    mutating func append(_ byte: UInt8) {
        if count < capacity { base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self) }
        count += 1
    }

    mutating func append(contentsOf bytes: UnsafeRawBufferPointer) {
        if let from = bytes.baseAddress, count + bytes.count <= capacity { (base + count).copyMemory(from: from, byteCount: bytes.count) }
        count += bytes.count
    }
}
