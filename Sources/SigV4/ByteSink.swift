/// Where SigV4 writes a canonical request: an array where the text is kept (the suite's tests,
/// a mismatch's explanation), or a fixed buffer on the stack where it is only hashed, as on
/// every request. One builder writes to either, so the two cannot differ.
protocol ByteSink {
    mutating func append(_ byte: UInt8)
    mutating func append(contentsOf bytes: UnsafeRawBufferPointer)
}

extension ByteSink {
    mutating func append(utf8 text: String) {
        var text = text
        text.withUTF8 { append(contentsOf: UnsafeRawBufferPointer($0)) }
    }
}

extension Array: ByteSink where Element == UInt8 {}

/// A fixed buffer written from its start. It keeps counting past its end and writes nothing
/// more once a piece does not fit, so the caller learns how much was needed (`overflowed`)
/// and can write again somewhere larger.
struct FixedByteBuffer: ByteSink {
    private let base: UnsafeMutableRawPointer
    private let capacity: Int
    /// Bytes asked to be written, written or not.
    private(set) var count = 0
    /// Bytes written: `count` until the first piece that did not fit.
    private var stored = 0

    init(_ buffer: UnsafeMutableRawBufferPointer) {
        base = buffer.baseAddress!
        capacity = buffer.count
    }

    var overflowed: Bool { count > capacity }
    var written: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: stored) }

    mutating func append(_ byte: UInt8) {
        if count < capacity {
            base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
            stored += 1
        }
        count += 1
    }

    mutating func append(contentsOf bytes: UnsafeRawBufferPointer) {
        if count + bytes.count <= capacity {
            if let from = bytes.baseAddress { (base + count).copyMemory(from: from, byteCount: bytes.count) }
            stored += bytes.count
        }
        count += bytes.count
    }
}
