/// Percent-encoding as SigV4 defines it: every byte but the unreserved set
/// (`A-Z a-z 0-9 - _ . ~`) becomes `%XX` with upper-case hex.
public enum URIEncoding {
    static let hex: [UInt8] = Array("0123456789ABCDEF".utf8)

    static func isUnreserved(_ c: UInt8) -> Bool {
        switch c {
        case 0x41...0x5a, 0x61...0x7a, 0x30...0x39, UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    public static func encode<C: Collection<UInt8>>(_ bytes: C, keepingSlashes: Bool, into out: inout [UInt8]) {
        for c in bytes {
            if isUnreserved(c) || (keepingSlashes && c == UInt8(ascii: "/")) {
                out.append(c)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(c >> 4)])
                out.append(hex[Int(c & 15)])
            }
        }
    }

    public static func encode(_ s: some StringProtocol, keepingSlashes: Bool = false) -> String {
        var out: [UInt8] = []
        encode(s.utf8, keepingSlashes: keepingSlashes, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` escapes; a `%` not followed by two hex digits stays as it is.
    /// `+` is not a space here: SigV4 and AWS's REST services read it literally.
    public static func decode<C: Collection<UInt8>>(_ bytes: C) -> [UInt8] where C.Index == Int {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let c = bytes[i]
            if c == UInt8(ascii: "%"), i + 2 < bytes.endIndex, let h = hexValue(bytes[i + 1]), let l = hexValue(bytes[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(c)
                i += 1
            }
        }
        return out
    }

    public static func decode(_ s: some StringProtocol) -> String {
        if !s.utf8.contains(UInt8(ascii: "%")) { return String(s) }
        return String(decoding: decode(Array(s.utf8)), as: UTF8.self)
    }

    /// `bytes` split at every `separator`, empty pieces kept: a plain index loop, which the
    /// request path can afford where the generic `split` cannot.
    public static func ranges(of bytes: [UInt8], in range: Range<Int>, separatedBy separator: UInt8) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = range.lowerBound
        for i in range where bytes[i] == separator {
            out.append(start..<i)
            start = i + 1
        }
        out.append(start..<range.upperBound)
        return out
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
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
    public static func parse(_ query: some StringProtocol) -> [QueryParameter] {
        query.split(separator: "&").map { piece in
            if let eq = piece.firstIndex(of: "=") {
                return QueryParameter(name: URIEncoding.decode(piece[..<eq]), value: URIEncoding.decode(piece[piece.index(after: eq)...]))
            }
            return QueryParameter(name: URIEncoding.decode(piece), value: "")
        }
    }
}
