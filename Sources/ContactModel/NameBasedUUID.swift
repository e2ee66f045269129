import ASCII
import Crypto

/// RFC 9562 name-based UUIDs, version 5 (SHA-1): the same namespace and name give the same id
/// on every run and in every language, so an event's id can be made again from what it is
/// about (Python's `uuid.uuid5(namespace, name)` gives the same text) instead of being stored.
/// SHA-1 here names things and protects nothing, which is what swift-crypto's `Insecure.SHA1`
/// is for.
public enum NameBasedUUID {
    /// RFC 9562's namespace for URLs, `6ba7b811-9dad-11d1-80b4-00c04fd430c8`.
    public static let urlNamespace: [UInt8] = [
        0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
    ]

    /// The version-5 UUID of `name` in `namespace` (16 bytes), as lowercase text.
    public static func v5(namespace: [UInt8], name: String) -> String {
        precondition(namespace.count == 16, "a UUID namespace is 16 bytes")
        var hash = Array(Insecure.SHA1.hash(data: namespace + Array(name.utf8)))
        hash[6] = (hash[6] & 0x0f) | 0x50
        hash[8] = (hash[8] & 0x3f) | 0x80
        return text(Array(hash[0..<16]))
    }

    /// The 16 bytes of a UUID's text form; nil when it is not one.
    public static func bytes(of uuid: String) -> [UInt8]? {
        let hex = uuid.utf8.filter { $0 != UInt8(ascii: "-") }
        guard uuid.utf8.count == 36, hex.count == 32 else { return nil }
        var out: [UInt8] = []
        for k in stride(from: 0, to: 32, by: 2) {
            guard let hi = ASCIIBytes.hexDigitValue(hex[k]), let lo = ASCIIBytes.hexDigitValue(hex[k + 1]) else { return nil }
            out.append(hi << 4 | lo)
        }
        return out
    }

    static func text(_ b: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for (k, byte) in b.enumerated() {
            if k == 4 || k == 6 || k == 8 || k == 10 { out.append(UInt8(ascii: "-")) }
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
