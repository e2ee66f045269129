import Crypto

/// The one builder of SigV4's canonical request and string to sign, for both the header and
/// the presigned form, so the two can never canonicalize differently.
public struct CanonicalRequest: Sendable {
    public var text: String

    public init(method: String, path: some StringProtocol, query: [QueryParameter], headers: [(name: String, value: String)],
                signedHeaders: [String], payloadHash: String, normalizePath: Bool) {
        var t = method + "\n"
        t += CanonicalRequest.canonicalPath(path, normalize: normalizePath) + "\n"
        t += CanonicalRequest.canonicalQuery(query) + "\n"
        for name in signedHeaders {
            t += name + ":" + CanonicalRequest.canonicalHeaderValue(name: name, headers: headers) + "\n"
        }
        t += "\n" + signedHeaders.joined(separator: ";") + "\n" + payloadHash
        text = t
    }

    /// The path as received, dot segments and empty segments removed when normalizing, then
    /// URI-encoded once more: a path that arrived as `/a%20b` is signed as `/a%2520b`, the rule
    /// for every AWS service but S3.
    public static func canonicalPath(_ path: some StringProtocol, normalize: Bool) -> String {
        var p = String(path)
        if p.isEmpty { p = "/" }
        if normalize {
            var segments: [Substring] = []
            for seg in p.split(separator: "/", omittingEmptySubsequences: true) {
                if seg == "." { continue }
                if seg == ".." {
                    if !segments.isEmpty { segments.removeLast() }
                    continue
                }
                segments.append(seg)
            }
            var n = "/" + segments.joined(separator: "/")
            if p.hasSuffix("/"), n != "/" { n += "/" }
            p = n
        }
        return URIEncoding.encode(p, keepingSlashes: true)
    }

    /// Each name and value encoded, then sorted by encoded name and then by encoded value.
    public static func canonicalQuery(_ params: [QueryParameter]) -> String {
        params.map { (URIEncoding.encode($0.name), URIEncoding.encode($0.value)) }
            .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            .map { $0.0 + "=" + $0.1 }
            .joined(separator: "&")
    }

    /// Every value of the field in the order received, each trimmed and with inner runs of
    /// whitespace folded to one space, joined with commas.
    public static func canonicalHeaderValue(name: String, headers: [(name: String, value: String)]) -> String {
        var parts: [String] = []
        for h in headers where h.name == name {
            var out: [UInt8] = []
            var pendingSpace = false
            for c in h.value.utf8 {
                if c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d {
                    pendingSpace = !out.isEmpty
                } else {
                    if pendingSpace { out.append(0x20) }
                    pendingSpace = false
                    out.append(c)
                }
            }
            parts.append(String(decoding: out, as: UTF8.self))
        }
        return parts.joined(separator: ",")
    }

    public var hash: String { Hex.sha256(Array(text.utf8)) }

    public func stringToSign(amzDate: String, scope: String) -> String {
        "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hash
    }
}

enum Hex {
    static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    static func encode<D: Sequence<UInt8>>(_ bytes: D) -> String {
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ s: String) -> [UInt8]? {
        let b = Array(s.utf8)
        guard b.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(b.count / 2)
        var i = 0
        while i < b.count {
            guard let h = URIEncoding.hexValue(b[i]), let l = URIEncoding.hexValue(b[i + 1]) else { return nil }
            out.append(h << 4 | l)
            i += 2
        }
        return out
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        encode(SHA256.hash(data: bytes))
    }
}
