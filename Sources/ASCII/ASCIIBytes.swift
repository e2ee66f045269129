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
        var i = r.lowerBound
        while i < r.upperBound, b[i] != c { i += 1 }
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
