/// Reading ASCII text as bytes. Every request runs these (the HTTP head, the SigV4 header), and
/// slicing and copying into arrays cost more than the cryptography did.
public enum ASCIIBytes {
    @inlinable public static func string(_ b: Span<UInt8>, _ r: Range<Int>) -> String {
        b.extracting(r).withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
    }

    /// `c` with A-Z folded to a-z: the one case fold of header names and signed header lists.
    @inlinable public static func lowercased(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5a ? c | 0x20 : c }

    /// The bytes in `r` with A-Z folded to a-z.
    @inlinable public static func lowercasedString(_ b: Span<UInt8>, _ r: Range<Int>) -> String {
        String(unsafeUninitializedCapacity: r.count) { out in
            for k in 0..<r.count { out[k] = lowercased(b[r.lowerBound + k]) }
            return r.count
        }
    }

    @inlinable public static func equals(_ b: Span<UInt8>, _ r: Range<Int>, _ literal: StaticString) -> Bool {
        b.withUnsafeBytes { equals($0, r, literal.bytes) }
    }

    /// Whether the bytes at `r` are exactly `expected`.
    @inlinable public static func equals(_ p: UnsafeRawBufferPointer, _ r: Range<Int>, _ expected: UnsafeRawBufferPointer) -> Bool {
        guard expected.count == r.count else { return false }
        for k in 0..<r.count where p[r.lowerBound + k] != expected[k] { return false }
        return true
    }

    /// Whether the bytes at `r` spell `lowercased` (lower-case ASCII) in any case: how header
    /// field names compare.
    @inlinable public static func equalsIgnoringCase(_ p: UnsafeRawBufferPointer, _ r: Range<Int>, _ lowercased: UnsafeRawBufferPointer) -> Bool {
        guard lowercased.count == r.count else { return false }
        for k in 0..<r.count where ASCIIBytes.lowercased(p[r.lowerBound + k]) != lowercased[k] { return false }
        return true
    }

    @inlinable public static func equalsIgnoringCase(_ p: UnsafeRawBufferPointer, _ r: Range<Int>, _ lowercased: StaticString) -> Bool {
        equalsIgnoringCase(p, r, lowercased.bytes)
    }

    @inlinable public static func hasPrefix(_ b: Span<UInt8>, _ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { l in b.count >= l.count && equals(b, 0..<l.count, literal) }
    }

    /// The first index of `c` in `r`, or `r.upperBound`.
    @inlinable public static func first(_ c: UInt8, in b: Span<UInt8>, _ r: Range<Int>) -> Int {
        b.withUnsafeBytes { first(c, in: $0, r) }
    }

    @inlinable public static func first(_ c: UInt8, in p: UnsafeRawBufferPointer, _ r: Range<Int>) -> Int {
        scan(p, r, flags: { Word.lanes(of: $0, equalTo: c) }, matches: { $0 == c })
    }

    /// Writes the decimal digits of `n` at `start`, zero-padded to `width`; returns where they
    /// end. The one digit writer: response heads and synthetic timestamps both use it.
    @inlinable public static func writeDecimal(_ n: UInt64, width: Int = 1, into out: UnsafeMutableBufferPointer<UInt8>,
                                               at start: Int) -> Int {
        var digits = 1
        var rest = n / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        let end = start + max(digits, width)
        rest = n
        for k in stride(from: end - 1, through: start, by: -1) {
            out[k] = UInt8(truncatingIfNeeded: rest % 10) | 0x30
            rest /= 10
        }
        return end
    }

    /// The value of one hex digit, either case; nil for any other byte. The one hex-digit reader:
    /// chunk sizes, percent-escapes and UUID text all use it.
    @inlinable public static func hexDigitValue(_ c: UInt8) -> UInt8? {
        let digit = c &- 0x30
        if digit < 10 { return digit }
        let letter = (c | 0x20) &- 0x61
        return letter < 6 ? letter + 10 : nil
    }

    /// Lower-case hex digits, for JSON's `\u00XX`.
    public static let lowercaseHexDigits: StaticString = "0123456789abcdef"

    /// The eight lower-case hex digits of `v`, most significant first, as a word whose bytes
    /// in memory are those digits in order: all eight at once rather than a shift, a table
    /// read and a store each. Every request's id and its signature check's hash are written
    /// with it, and every synthetic contact's ids.
    @inlinable public static func hexDigits(_ v: UInt32) -> UInt64 {
        var n = UInt64(v)
        n = (n | n << 16) & 0x0000_ffff_0000_ffff
        n = (n | n << 8) & 0x00ff_00ff_00ff_00ff
        n = (n | n << 4) & 0x0f0f_0f0f_0f0f_0f0f
        // Each byte is now one digit's value, the most significant digit in the top byte.
        let letters = ((n &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
        let ascii = n &+ 0x3030_3030_3030_3030 &+ letters &* 0x27
        return ascii.byteSwapped.littleEndian
    }

    @inlinable public static func isDigits(_ b: Span<UInt8>, _ r: Range<Int>) -> Bool {
        for i in r where b[i] < 0x30 || b[i] > 0x39 { return false }
        return true
    }
}

extension Array where Element == UInt8 {
    /// The string's UTF-8 bytes in one copy (the generic `append(contentsOf: s.utf8)` walks
    /// them one at a time), read through a span, which borrows the string where a closure over
    /// its storage retained it.
    @inlinable public mutating func appendUTF8(_ s: String) {
        s.utf8.span.withUnsafeBufferPointer { append(contentsOf: $0) }
    }

    @inlinable public mutating func appendUTF8(_ s: Substring) {
        s.utf8.span.withUnsafeBufferPointer { append(contentsOf: $0) }
    }

    /// The decimal digits of `n`, without making a `String` first.
    @inlinable public mutating func appendDecimal(_ n: Int) {
        if n < 0 { append(UInt8(ascii: "-")) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            let end = ASCIIBytes.writeDecimal(UInt64(n.magnitude), into: digits, at: 0)
            append(contentsOf: UnsafeBufferPointer(rebasing: digits[..<end]))
        }
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

/// Tests on eight bytes at once, each setting the high bit of the lanes that match. The lowest
/// set lane is always a true match; a borrow or carry can only set lanes above it, which the
/// scans never read. Loads are little-endian on every platform Swift on Linux runs on, so the
/// lowest lane is the earliest byte.
@usableFromInline enum Word {
    @usableFromInline static let ones: UInt64 = 0x0101_0101_0101_0101
    @usableFromInline static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Lanes holding a byte less than `n` (n at most 0x80).
    @inlinable static func lanes(of w: UInt64, below n: UInt8) -> UInt64 { (w &- ones &* UInt64(n)) & ~w & highs }

    @inlinable static func lanes(of w: UInt64, equalTo c: UInt8) -> UInt64 { lanes(of: w ^ (ones &* UInt64(c)), below: 1) }

    /// Lanes holding a byte above 0x7e: adding one sets the high bit of 0x7f, and 0x80 and up
    /// have it already.
    @inlinable static func lanesAbove0x7E(_ w: UInt64) -> UInt64 { ((w &+ ones) | w) & highs }
}

/// Tests on eight bytes at once that are exact in every lane, for words of ASCII bytes (check
/// `isASCII` first): with each byte below 0x80, setting its high bit before subtracting keeps
/// any borrow inside its lane. `Word`'s tests need no such check but are exact only up to the
/// first match; these serve loops that must know every lane.
public enum ASCIIWord {
    public static let highs: UInt64 = 0x8080_8080_8080_8080

    @inlinable public static func isASCII(_ w: UInt64) -> Bool { w & highs == 0 }

    /// The high bit of each lane whose byte is in `range`.
    @inlinable public static func lanes(of w: UInt64, in range: ClosedRange<UInt8>) -> UInt64 {
        func atLeast(_ n: UInt8) -> UInt64 { ((w | highs) &- 0x0101_0101_0101_0101 &* UInt64(n)) & highs }
        return atLeast(range.lowerBound) & ~atLeast(range.upperBound + 1)
    }
}

extension ASCIIBytes {
    /// The first index in `r` whose byte `matches`, or `r.upperBound`: eight bytes at a time
    /// with `flags` (a `Word` test agreeing with `matches`), then byte by byte for the tail.
    @inlinable static func scan(_ p: UnsafeRawBufferPointer, _ r: Range<Int>, flags: (UInt64) -> UInt64,
                                matches: (UInt8) -> Bool) -> Int {
        var i = r.lowerBound
        while i + 8 <= r.upperBound {
            let found = flags(p.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            if found != 0 { return i + found.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < r.upperBound, !matches(p[i]) { i += 1 }
        return i
    }

    /// The index of the first CR or LF at or after `from`, or `p.count`.
    @inlinable public static func firstLineBreak(in p: UnsafeRawBufferPointer, from: Int) -> Int {
        scan(p, from..<p.count, flags: { Word.lanes(of: $0, equalTo: 0x0d) | Word.lanes(of: $0, equalTo: 0x0a) },
             matches: { $0 == 0x0a || $0 == 0x0d })
    }

    /// The index of the first byte in `r` below 0x20 (tab included) or equal to 0x7f, or
    /// `r.upperBound`.
    @inlinable public static func firstControl(in p: UnsafeRawBufferPointer, _ r: Range<Int>) -> Int {
        scan(p, r, flags: { Word.lanes(of: $0, below: 0x20) | Word.lanes(of: $0, equalTo: 0x7f) },
             matches: { $0 < 0x20 || $0 == 0x7f })
    }

    /// The index of the first byte in `r` that a JSON string must escape (a control, `"` or
    /// `\\`), or `r.upperBound`.
    @inlinable public static func firstJSONEscape(in p: UnsafeRawBufferPointer, _ r: Range<Int>) -> Int {
        scan(p, r, flags: { Word.lanes(of: $0, below: 0x20) | Word.lanes(of: $0, equalTo: 0x22) | Word.lanes(of: $0, equalTo: 0x5c) },
             matches: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5c })
    }

    /// The index of the first byte in `r` outside the visible characters 0x21...0x7e (a space,
    /// a control, DEL or any non-ASCII byte), or `r.upperBound`.
    @inlinable public static func firstInvisible(in p: UnsafeRawBufferPointer, _ r: Range<Int>) -> Int {
        scan(p, r, flags: { Word.lanes(of: $0, below: 0x21) | Word.lanesAbove0x7E($0) }, matches: { $0 < 0x21 || $0 > 0x7e })
    }
}

extension StaticString {
    /// The literal's UTF-8 bytes where they lie in the binary, without the closure
    /// `withUTF8Buffer` takes: string literals always have that representation.
    @inlinable public var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: utf8Start, count: utf8CodeUnitCount)
    }
}
