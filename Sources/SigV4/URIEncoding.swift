import ASCII
/// Percent-encoding as SigV4 defines it: every byte but the unreserved set
/// (`A-Z a-z 0-9 - _ . ~`) becomes `%XX` with upper-case hex.
public enum URIEncoding {
    static let hex: StaticString = "0123456789ABCDEF"

    static func isUnreserved(_ c: UInt8) -> Bool {
        switch c {
        case 0x41...0x5a, 0x61...0x7a, 0x30...0x39, UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    static let unreserved = ByteSet { isUnreserved($0) }
    static let unreservedOrSlash = ByteSet { isUnreserved($0) || $0 == UInt8(ascii: "/") }

    /// Copies runs of bytes that stay as they are in one piece: a path is mostly such a run,
    /// which is passed over eight bytes at a time before the byte-by-byte loop takes the rest.
    static func encode(_ bytes: Span<UInt8>, keepingSlashes: Bool, into out: inout some ByteSink) {
        let keep = keepingSlashes ? unreservedOrSlash : unreserved
        bytes.withUnsafeBytes { p in
            var run = 0
            var kept = 0
            while kept + 8 <= p.count,
                  staysAsItIs(p.loadUnaligned(fromByteOffset: kept, as: UInt64.self), keepingSlashes: keepingSlashes) {
                kept += 8
            }
            hex.withUTF8Buffer { hex in
                for i in kept..<p.count where !keep.contains(p[i]) {
                    out.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[run..<i]))
                    let c = p[i]
                    out.append(UInt8(ascii: "%"))
                    out.append(hex[Int(c >> 4)])
                    out.append(hex[Int(c & 15)])
                    run = i + 1
                }
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[run...]))
        }
    }

    /// Whether all eight bytes of `w` are unreserved (or slashes, when kept).
    static func staysAsItIs(_ w: UInt64, keepingSlashes: Bool) -> Bool {
        guard ASCIIWord.isASCII(w) else { return false }
        func within(_ r: ClosedRange<UInt8>) -> UInt64 { ASCIIWord.lanes(of: w, in: r) }
        // `-` `.` `/` and the digits are the one run 0x2d...0x39.
        var lanes = within(0x2d...0x39) | within(0x41...0x5a) | within(0x61...0x7a) | within(0x5f...0x5f) | within(0x7e...0x7e)
        if !keepingSlashes { lanes &= ~within(0x2f...0x2f) }
        return lanes == ASCIIWord.highs
    }

    public static func encode(_ s: some StringProtocol, keepingSlashes: Bool = false) -> String {
        var out: [UInt8] = []
        encode(String(s).utf8.span, keepingSlashes: keepingSlashes, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` escapes; a `%` not followed by two hex digits stays as it is.
    /// `+` is not a space here: SigV4 and AWS's REST services read it literally.
    public static func decode(_ s: Substring) -> String {
        decode(s.utf8.span, 0..<s.utf8.count)
    }

    public static func decode(_ b: Span<UInt8>, _ r: Range<Int>) -> String {
        decodeValidating(b, r).text
    }

    /// The decoded text, whether its bytes were valid UTF-8 (where they were not, `text` holds
    /// U+FFFD in their place), and whether there was an escape to decode.
    public static func decodeValidating(_ b: Span<UInt8>, _ r: Range<Int>) -> (text: String, valid: Bool, escaped: Bool) {
        // Bytes as received: the HTTP parser admits only visible ASCII in a target, so without
        // an escape there is nothing to validate.
        guard ASCIIBytes.first(UInt8(ascii: "%"), in: b, r) < r.upperBound else { return (ASCIIBytes.string(b, r), true, false) }
        var out: [UInt8] = []
        out.reserveCapacity(r.count)
        var i = r.lowerBound
        while i < r.upperBound {
            let c = b[i]
            if c == UInt8(ascii: "%"), i + 2 < r.upperBound, let h = ASCIIBytes.hexDigitValue(b[i + 1]), let l = ASCIIBytes.hexDigitValue(b[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(c)
                i += 1
            }
        }
        if let text = String(validating: out, as: UTF8.self) { return (text, true, true) }
        return (String(decoding: out, as: UTF8.self), false, true)
    }
}

/// One `name=value` of a query string, both decoded.
public struct QueryParameter: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// Splits a raw query on `&`, each piece at its first `=`; empty pieces are skipped.
    public static func parse(_ query: Substring) -> [QueryParameter] {
        if query.isEmpty { return [] }
        return query.split(separator: "&").map { piece in
            if let eq = piece.firstIndex(of: "=") {
                return QueryParameter(name: URIEncoding.decode(piece[..<eq]), value: URIEncoding.decode(piece[piece.index(after: eq)...]))
            }
            return QueryParameter(name: URIEncoding.decode(piece), value: "")
        }
    }
}
