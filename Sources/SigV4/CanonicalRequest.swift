import ASCII
import Crypto

/// The one builder of SigV4's canonical request and string to sign, for both the header and
/// the presigned form, so the two can never canonicalize differently. Works on bytes: it runs
/// on every request, and the text form is only needed to explain a mismatch.
public struct CanonicalRequest: Sendable {
    public var bytes: [UInt8]

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The signed header names are `input`'s.
    public init(method: String, path: Substring, query: [QueryParameter], headers: HeaderFields,
                input: SignatureInput, payloadHash: String, normalizePath: Bool) {
        self.init(method: method, path: path, query: query, headers: headers, input: input, payloadHash: payloadHash,
                  normalizePath: normalizePath, capacity: 384)
    }

    init(method: String, path: Substring, query: [QueryParameter], headers: HeaderFields,
         input: SignatureInput, payloadHash: String, normalizePath: Bool, capacity: Int) {
        var b: [UInt8] = []
        b.reserveCapacity(capacity)
        CanonicalRequest.write(method: method, path: path, query: query, headers: headers, input: input,
                               payloadHash: payloadHash, normalizePath: normalizePath, into: &b)
        bytes = b
    }

    /// Calls `body` with the canonical request's bytes, written on the stack when they fit in
    /// `stackBytes` (a request of the usual size needs about 250), else in an array: every
    /// request hashes one, and a heap buffer for it cost an allocation, a free and a check
    /// of capacity and of uniqueness at each of its twenty-odd appends. Always inlined, as
    /// `withStringToSign(canonical:)` and the verifier's candidate loop are: called through,
    /// the closures between them retained and released their captures, about sixteen more
    /// reference counts a request than the array had cost. A larger request (a session token
    /// signed as a header runs to a thousand bytes and more) is written a second time, into an
    /// array of the size the first pass counted: 1 KiB is what the stack takes without asking
    /// how much stack is left, which past it costs more than the array.
    @inline(__always)
    static func withBytes<R>(method: String, path: Substring, query: [QueryParameter], headers: HeaderFields,
                             input: SignatureInput, payloadHash: String, normalizePath: Bool,
                             _ body: (UnsafeRawBufferPointer) -> R) -> R {
        withUnsafeTemporaryAllocation(byteCount: stackBytes, alignment: 1) { buffer in
            var out = FixedByteBuffer(buffer)
            write(method: method, path: path, query: query, headers: headers, input: input,
                  payloadHash: payloadHash, normalizePath: normalizePath, into: &out)
            guard out.overflowed else { return body(out.written) }
            return CanonicalRequest(method: method, path: path, query: query, headers: headers, input: input,
                                    payloadHash: payloadHash, normalizePath: normalizePath, capacity: out.count).bytes.withUnsafeBytes(body)
        }
    }

    static let stackBytes = 1024

    /// The one writer of a canonical request.
    static func write(method: String, path: Substring, query: [QueryParameter], headers: HeaderFields,
                      input: SignatureInput, payloadHash: String, normalizePath: Bool, into b: inout some ByteSink) {
        b.append(utf8: method)
        b.append(0x0a)
        CanonicalRequest.appendPath(path, normalize: normalizePath, into: &b)
        b.append(0x0a)
        CanonicalRequest.appendQuery(query, into: &b)
        b.append(0x0a)
        input.text.withUnsafeBytes { text in
            input.forEachSignedHeader { name in
                let n = UnsafeRawBufferPointer(rebasing: text[name])
                b.append(contentsOf: n)
                b.append(UInt8(ascii: ":"))
                CanonicalRequest.appendHeaderValue(name: n, headers: headers, into: &b)
                b.append(0x0a)
            }
            b.append(0x0a)
            b.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[input.signedHeadersRange]))
        }
        b.append(0x0a)
        b.append(utf8: payloadHash)
    }

    /// The path as received, dot segments and empty segments removed when normalizing, then
    /// URI-encoded once more: a path that arrived as `/a%20b` is signed as `/a%2520b`, the rule
    /// for every AWS service but S3.
    static func appendPath(_ path: Substring, normalize: Bool, into out: inout some ByteSink) {
        let p = path.utf8.span
        if p.isEmpty {
            out.append(UInt8(ascii: "/"))
            return
        }
        guard normalize, needsNormalizing(p) else {
            URIEncoding.encode(p, keepingSlashes: true, into: &out)
            return
        }
        var segments: [Range<Int>] = []
        var segmentStart = 0
        for i in 0...p.count where i == p.count || p[i] == UInt8(ascii: "/") {
            let seg = segmentStart..<i
            segmentStart = i + 1
            if seg.isEmpty || ASCIIBytes.equals(p, seg, ".") { continue }
            if ASCIIBytes.equals(p, seg, "..") {
                if !segments.isEmpty { segments.removeLast() }
                continue
            }
            segments.append(seg)
        }
        for seg in segments {
            out.append(UInt8(ascii: "/"))
            URIEncoding.encode(p.extracting(seg), keepingSlashes: true, into: &out)
        }
        if segments.isEmpty || p[p.count - 1] == UInt8(ascii: "/") { out.append(UInt8(ascii: "/")) }
    }

    /// False for the usual path, `/a/b` or `/a/b/`, which normalizes to itself: absolute, no
    /// empty segment, nothing that starts with a dot.
    static func needsNormalizing(_ path: Span<UInt8>) -> Bool {
        path.withUnsafeBytes { p in
            guard p[0] == UInt8(ascii: "/") else { return true }
            // From slash to slash, eight bytes at a time between them.
            var slash = 0
            while slash + 1 < p.count {
                if p[slash + 1] == UInt8(ascii: "/") || p[slash + 1] == UInt8(ascii: ".") { return true }
                slash = ASCIIBytes.first(UInt8(ascii: "/"), in: p, (slash + 1)..<p.count)
            }
            return false
        }
    }

    /// Each name and value encoded, then sorted by encoded name and then by encoded value.
    static func appendQuery(_ params: [QueryParameter], into out: inout some ByteSink) {
        guard !params.isEmpty else { return }
        let encoded = params.map { (URIEncoding.encode($0.name), URIEncoding.encode($0.value)) }
            .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        for (k, (n, v)) in encoded.enumerated() {
            if k > 0 { out.append(UInt8(ascii: "&")) }
            out.append(utf8: n)
            out.append(UInt8(ascii: "="))
            out.append(utf8: v)
        }
    }

    /// Every value of the field in the order received, each trimmed and with inner runs of
    /// whitespace folded to one space, joined with commas.
    static func appendHeaderValue(name: UnsafeRawBufferPointer, headers: HeaderFields, into out: inout some ByteSink) {
        var first = true
        let all = headers.bytes.span
        for i in 0..<headers.count where headers.hasName(i, bytes: name) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            let v = all.extracting(headers.valueRange(i))
            var i = 0
            var wordsWritten = false
            while i < v.count {
                while i < v.count, isFoldable(v[i]) { i += 1 }
                if i == v.count { break }
                var end = i
                while end < v.count, !isFoldable(v[end]) { end += 1 }
                if wordsWritten { out.append(0x20) }
                v.extracting(i..<end).withUnsafeBytes { out.append(contentsOf: $0) }
                wordsWritten = true
                i = end
            }
        }
    }

    private static func isFoldable(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d }

    /// The string to sign for this request as `input` describes it.
    public func stringToSign(for input: SignatureInput) -> [UInt8] {
        bytes.withUnsafeBytes { canonical in CanonicalRequest.withStringToSign(canonical: canonical, for: input) { Array($0) } }
    }

    /// Calls `body` with the string to sign for the canonical request `canonical`, written on
    /// the stack: the credential scope is copied in one piece from where the credential was
    /// parsed, and the hash's hex digits straight after it.
    @inline(__always)
    static func withStringToSign<R>(canonical: UnsafeRawBufferPointer, for input: SignatureInput,
                                    _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let algorithm: StaticString = "AWS4-HMAC-SHA256\n"
        let date = input.amzDateRange, scope = input.credentialScopeRange
        let count = algorithm.utf8CodeUnitCount + date.count + 1 + scope.count + 1 + 64
        let digest = sha256Digest(canonical)
        return input.text.withUnsafeBytes { text in
            withUnsafeTemporaryAllocation(byteCount: count, alignment: 1) { out in
                let base = out.baseAddress!
                var at = 0
                func put(_ from: UnsafeRawPointer?, _ n: Int) {
                    if let from { (base + at).copyMemory(from: from, byteCount: n) }
                    at += n
                }
                put(algorithm.utf8Start, algorithm.utf8CodeUnitCount)
                put(text.baseAddress.map { $0 + date.lowerBound }, date.count)
                out[at] = 0x0a
                at += 1
                put(text.baseAddress.map { $0 + scope.lowerBound }, scope.count)
                out[at] = 0x0a
                at = Hex.write(digest, into: out, at: at + 1)
                return body(UnsafeRawBufferPointer(start: base, count: at))
            }
        }
    }
}

enum Hex {
    /// The digest's 64 lower-case hex digits at `at`; returns where they end.
    static func write(_ digest: SHA256Digest, into out: UnsafeMutableRawBufferPointer, at: Int) -> Int {
        digest.withUnsafeBytes { bytes in
            for k in 0..<8 {
                let word = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self))
                out.storeBytes(of: ASCIIBytes.hexDigits(word), toByteOffset: at + 8 * k, as: UInt64.self)
            }
        }
        return at + 64
    }

    /// The 32 bytes a 64-digit signature stands for, or nil when it is not one; on the stack,
    /// since every request decodes one.
    static func decodeSignature(_ s: String) -> InlineArray<32, UInt8>? {
        decodeSignature(s.utf8.span)
    }

    /// Eight digits at a time: each word is checked to be all hex digits, each digit's value
    /// is its low four bits (plus nine for a letter), and the values are packed in pairs.
    static func decodeSignature(_ digits: Span<UInt8>) -> InlineArray<32, UInt8>? {
        digits.withUnsafeBytes { b -> InlineArray<32, UInt8>? in
            guard b.count == 64 else { return nil }
            var out = InlineArray<32, UInt8>(repeating: 0)
            for k in 0..<8 {
                let w = UInt64(littleEndian: b.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self))
                guard ASCIIWord.isASCII(w) else { return nil }
                let letters = ASCIIWord.lanes(of: w, in: 0x61...0x66) | ASCIIWord.lanes(of: w, in: 0x41...0x46)
                guard ASCIIWord.lanes(of: w, in: 0x30...0x39) | letters == ASCIIWord.highs else { return nil }
                // Lane i holds digit i: the first digit of each pair is the high nibble.
                let values = (w & 0x0f0f_0f0f_0f0f_0f0f) &+ (letters >> 7) &* 9
                var pairs = ((values & 0x000f_000f_000f_000f) << 4) | ((values >> 8) & 0x000f_000f_000f_000f)
                pairs = (pairs | pairs >> 8) & 0x0000_ffff_0000_ffff
                pairs = (pairs | pairs >> 16) & 0xffff_ffff
                for j in 0..<4 { out[4 * k + j] = UInt8(truncatingIfNeeded: pairs >> (8 * UInt64(j))) }
            }
            return out
        }
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        withUnsafeTemporaryAllocation(byteCount: 64, alignment: 1) { out in
            String(decoding: UnsafeRawBufferPointer(rebasing: out[..<Hex.write(sha256Digest(bytes), into: out, at: 0)]), as: UTF8.self)
        }
    }
}

/// SHA-256 through the buffer-pointer entry point: the generic `DataProtocol` one does a
/// dynamic cast per call, which showed up as a tenth of a request's time.
func sha256Digest(_ bytes: [UInt8]) -> SHA256Digest {
    bytes.withUnsafeBytes { sha256Digest($0) }
}

func sha256Digest(_ bytes: UnsafeRawBufferPointer) -> SHA256Digest {
    var hasher = SHA256()
    hasher.update(bufferPointer: bytes)
    return hasher.finalize()
}
