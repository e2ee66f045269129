/// Reading ASCII text as bytes. Every request runs these (the HTTP head, the SigV4 header), and
/// slicing and copying into arrays cost more than the cryptography did.
public enum ASCIIBytes {
    @inlinable public static func string(_ b: Span<UInt8>, _ r: Range<Int>) -> String {
        b.extracting(r).withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
    }

    /// The bytes in `r` with A-Z folded to a-z.
    @inlinable public static func lowercasedString(_ b: Span<UInt8>, _ r: Range<Int>) -> String {
        String(unsafeUninitializedCapacity: r.count) { out in
            for k in 0..<r.count {
                let c = b[r.lowerBound + k]
                out[k] = c >= 0x41 && c <= 0x5a ? c | 0x20 : c
            }
            return r.count
        }
    }

    @inlinable public static func equals(_ b: Span<UInt8>, _ r: Range<Int>, _ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { l in
            guard l.count == r.count else { return false }
            for k in 0..<l.count where b[r.lowerBound + k] != l[k] { return false }
            return true
        }
    }

    @inlinable public static func hasPrefix(_ b: Span<UInt8>, _ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { l in b.count >= l.count && equals(b, 0..<l.count, literal) }
    }

    /// The first index of `c` in `r`, or `r.upperBound`.
    @inlinable public static func first(_ c: UInt8, in b: Span<UInt8>, _ r: Range<Int>) -> Int {
        b.withUnsafeBytes { first(c, in: $0, r) }
    }

    /// Eight bytes at a time, as `firstLineBreak` below.
    @inlinable public static func first(_ c: UInt8, in p: UnsafeRawBufferPointer, _ r: Range<Int>) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let pattern = ones &* UInt64(c)
        var i = r.lowerBound
        while i + 8 <= r.upperBound {
            let x = p.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ pattern
            let found = (x &- ones) & ~x & highs
            if found != 0 { return i + found.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < r.upperBound, p[i] != c { i += 1 }
        return i
    }

    @inlinable public static func isDigits(_ b: Span<UInt8>, _ r: Range<Int>) -> Bool {
        for i in r where b[i] < 0x30 || b[i] > 0x39 { return false }
        return true
    }
}

extension Array where Element == UInt8 {
    /// The string's UTF-8 bytes in one copy; the generic `append(contentsOf: s.utf8)` walks
    /// them one at a time.
    @inlinable public mutating func appendUTF8(_ s: String) {
        s.utf8.withContiguousStorageIfAvailable { append(contentsOf: $0) } ?? append(contentsOf: Array(s.utf8))
    }

    @inlinable public mutating func appendUTF8(_ s: Substring) {
        s.utf8.withContiguousStorageIfAvailable { append(contentsOf: $0) } ?? append(contentsOf: Array(s.utf8))
    }
}

/// A set of byte values as a 256-bit map, so a membership test is a shift and a mask rather
/// than a chain of comparisons; the parsers test every byte of every request against one.
public struct ByteSet: Sendable {
    @usableFromInline let low: UInt64, high: UInt64, upperLow: UInt64, upperHigh: UInt64

    public init(where predicate: (UInt8) -> Bool) {
        var words: [UInt64] = [0, 0, 0, 0]
        for c in 0...255 where predicate(UInt8(c)) { words[c >> 6] |= 1 << UInt64(c & 63) }
        (low, high, upperLow, upperHigh) = (words[0], words[1], words[2], words[3])
    }

    @inlinable public func contains(_ c: UInt8) -> Bool {
        let word: UInt64
        switch c >> 6 {
        case 0: word = low
        case 1: word = high
        case 2: word = upperLow
        default: word = upperHigh
        }
        return (word >> UInt64(c & 63)) & 1 == 1
    }
}

extension ASCIIBytes {
    /// The index of the first CR or LF at or after `from`, or `p.count`. Eight bytes at a
    /// time: a word XOR a repeated byte has a zero byte where they matched, and the classic
    /// has-zero-byte test finds the lowest one exactly (the test assumes little-endian loads,
    /// true of every platform Swift on Linux runs on).
    @inlinable public static func firstLineBreak(in p: UnsafeRawBufferPointer, from: Int) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        var i = from
        while i + 8 <= p.count {
            let w = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let cr = w ^ (ones &* 0x0d), lf = w ^ (ones &* 0x0a)
            let found = ((cr &- ones) & ~cr & highs) | ((lf &- ones) & ~lf & highs)
            if found != 0 { return i + found.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < p.count, p[i] != 0x0a, p[i] != 0x0d { i += 1 }
        return i
    }

    /// The index of the first byte in `r` below 0x20 (tab included) or equal to 0x7f, or
    /// `r.upperBound`; eight bytes at a time as above ("has a byte less than 0x20" is the same
    /// test with 0x20 in place of 0x01).
    @inlinable public static func firstControl(in p: UnsafeRawBufferPointer, _ r: Range<Int>) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        var i = r.lowerBound
        while i + 8 <= r.upperBound {
            let w = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let del = w ^ (ones &* 0x7f)
            let found = ((w &- ones &* 0x20) & ~w & highs) | ((del &- ones) & ~del & highs)
            if found != 0 { return i + found.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < r.upperBound, p[i] >= 0x20, p[i] != 0x7f { i += 1 }
        return i
    }

    /// The index of the first byte in `r` outside the visible characters 0x21...0x7e (a space,
    /// a control, DEL or any non-ASCII byte), or `r.upperBound`. "Has a byte greater than
    /// 0x7e" adds 0x01 to every byte: a carry can only flag bytes above a true hit.
    @inlinable public static func firstInvisible(in p: UnsafeRawBufferPointer, _ r: Range<Int>) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        var i = r.lowerBound
        while i + 8 <= r.upperBound {
            let w = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let found = ((w &- ones &* 0x21) & ~w & highs) | (((w &+ ones) | w) & highs)
            if found != 0 { return i + found.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < r.upperBound, p[i] >= 0x21, p[i] <= 0x7e { i += 1 }
        return i
    }
}
