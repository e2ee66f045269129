import ASCII

/// HTTP/1.1's framing rules that a request and a response share (RFC 9112 §6.3, §7.1, §9.3):
/// the request parser reads requests with them and the webhook client's response reader reads
/// its receivers' answers with them, so the two sides cannot read a message differently.
public enum HTTPFraming {
    public enum ChunkSizeProblem: Error, Equatable, Sendable {
        case notHex
        /// More than 15 hex digits: past what an `Int` holds with room to add to it.
        case tooLarge
        /// Something other than whitespace and a `;` extension after the size.
        case junkAfterSize
    }

    /// The size on a chunk-size line (CRLF removed): hex digits, then nothing, or optional
    /// whitespace and a `;` chunk extension, which is ignored.
    public static func chunkSize<Line: Collection<UInt8>>(_ line: Line) -> Result<Int, ChunkSizeProblem> {
        var size = 0
        var digits = 0
        var i = line.startIndex
        while i < line.endIndex, let d = ASCIIBytes.hexDigitValue(line[i]).map(Int.init) {
            digits += 1
            guard digits <= 15 else { return .failure(.tooLarge) }
            size = size * 16 + d
            i = line.index(after: i)
        }
        guard digits > 0 else { return .failure(.notHex) }
        if i == line.endIndex { return .success(size) }
        while i < line.endIndex, line[i] == 0x20 || line[i] == 0x09 { i = line.index(after: i) }
        guard i < line.endIndex, line[i] == UInt8(ascii: ";") else { return .failure(.junkAfterSize) }
        return .success(size)
    }

    /// One Content-Length value: 1 to 18 decimal digits and nothing else, or nil.
    public static func contentLength(_ value: some StringProtocol) -> Int? {
        guard !value.isEmpty, value.utf8.count <= 18, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(value)
    }

    /// Whether the connection stays open after the message, from its version and the tokens of
    /// its Connection fields (trimmed, any case): `close` anywhere wins; HTTP/1.1 stays open
    /// otherwise, HTTP/1.0 only with `keep-alive`.
    public static func persists(http11: Bool, connectionTokens: some Sequence<Substring>) -> Bool {
        var keepAlive = false
        for token in connectionTokens {
            if token.lowercased() == "close" { return false }
            if token.lowercased() == "keep-alive" { keepAlive = true }
        }
        return http11 || keepAlive
    }
}
