import ASCII

/// HTTP/1.1's framing rules that a request and a response share (RFC 9112 §7.1, §8.6, §9.3):
/// the chunk-size line, a Content-Length value and whether the connection persists. The
/// request parser reads requests with them and the webhook client's response reader reads its
/// receivers' answers with them (each keeps its own field-line and transfer-coding checks).
public enum HTTPFraming {
    /// The size on a chunk-size line (CRLF removed): hex digits, then nothing, or optional
    /// whitespace and a `;` chunk extension, which is ignored.
    public static func chunkSize<Line: Collection<UInt8>>(_ line: Line) throws(HTTPParseError) -> Int {
        var size = 0
        var digits = 0
        var i = line.startIndex
        while i < line.endIndex, let d = ASCIIBytes.hexDigitValue(line[i]) {
            digits += 1
            // More than 15 digits: past what an `Int` holds with room to add to it.
            guard digits <= 15 else { throw HTTPParseError(.chunkSizeTooLarge) }
            size = size * 16 + Int(d)
            i = line.index(after: i)
        }
        guard digits > 0 else { throw HTTPParseError(.chunkSizeNotHex) }
        if i == line.endIndex { return size }
        while i < line.endIndex, line[i] == 0x20 || line[i] == 0x09 { i = line.index(after: i) }
        guard i < line.endIndex, line[i] == UInt8(ascii: ";") else { throw HTTPParseError(.junkAfterChunkSize) }
        return size
    }

    /// One Content-Length value: 1 to 18 decimal digits and nothing else, or nil.
    public static func contentLength(_ value: Substring) -> Int? {
        let digits = value.utf8.span
        guard !digits.isEmpty, digits.count <= 18, ASCIIBytes.isDigits(digits, 0..<digits.count) else { return nil }
        return Int(value)
    }

    /// Whether the connection stays open after the message, from its version and the tokens of
    /// its Connection fields (trimmed, any case): `close` anywhere wins; HTTP/1.1 stays open
    /// otherwise, HTTP/1.0 only with `keep-alive`. Compared in place: SDKs send
    /// `Connection: Keep-Alive` on every request.
    public static func persists(http11: Bool, connectionTokens: some Sequence<Substring>) -> Bool {
        var keepAlive = false
        for token in connectionTokens {
            let (close, keep) = token.utf8.span.withUnsafeBytes { t in
                (ASCIIBytes.equalsIgnoringCase(t, 0..<t.count, "close"), ASCIIBytes.equalsIgnoringCase(t, 0..<t.count, "keep-alive"))
            }
            if close { return false }
            if keep { keepAlive = true }
        }
        return http11 || keepAlive
    }
}
