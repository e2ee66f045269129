import HTTP1
/// Why a webhook receiver's answer could not be read as an HTTP/1.1 response.
public enum HTTPResponseFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not `HTTP/1.x NNN reason`.
    case malformedStatusLine
    /// A header line without a name and a colon, or a folded (continued) line.
    case malformedHeader
    /// Not digits, or two different lengths.
    case invalidContentLength
    /// A chunk-size line HTTP1's rule refuses (not hexadecimal, too large, something after the
    /// size but an extension), or chunk data not followed by CRLF.
    case malformedChunk
    /// The status line and headers (or a chunk-size line) longer than the limit.
    case headTooLarge
    /// The connection closed in the middle of the response.
    case truncated

    public var description: String {
        switch self {
        case .malformedStatusLine: "the response's status line is malformed"
        case .malformedHeader: "a response header is malformed"
        case .invalidContentLength: "the response's Content-Length is invalid"
        case .malformedChunk: "the response's chunked body is malformed"
        case .headTooLarge: "the response's head is too large"
        case .truncated: "the connection closed in the middle of the response"
        }
    }
}

/// Reads one HTTP/1.1 response as its bytes arrive: the status, whether the connection stays
/// open, and the end of the body, however it is framed (Content-Length, chunked, or the close of
/// the connection). The body is skipped, not kept: a webhook's answer is its status. Interim
/// (1xx) responses are skipped too. Pure: no I/O, so the framing rules are tested on bytes.
struct HTTPResponseReader {
    enum Progress: Equatable {
        case needMore
        /// `keepAlive`: the receiver keeps the connection open for the next request.
        case complete(status: Int, keepAlive: Bool)
    }

    private enum State: Equatable {
        case statusLine, headers, body(remaining: Int), chunkSize, chunkData(remaining: Int), chunkDataEnd, trailers
        case untilClose, done
    }

    private let maxLineBytes: Int
    private var state = State.statusLine
    /// Bytes received and not yet consumed (an incomplete line).
    private var pending: [UInt8] = []
    private(set) var receivedAny = false
    private var status = 0
    private var keepAlive = true
    /// The status line's version and the Connection tokens so far: whether the connection
    /// persists is decided once the head is whole, by HTTP1's rule (`close` wins).
    private var http11 = true
    private var connectionTokens: [Substring] = []
    /// Any Transfer-Encoding: it, not a Content-Length, frames the body (RFC 9112 §6.3), and
    /// when chunked is not last the body runs to the close.
    private var transferCoded = false
    private var contentLength: Int?
    private var chunked = false
    private var headBytes = 0

    init(maxHeadBytes: Int = 64 * 1024) {
        maxLineBytes = maxHeadBytes
    }

    /// Takes the next bytes read from the connection.
    mutating func feed(_ bytes: UnsafeRawBufferPointer) throws(HTTPResponseFailure) -> Progress {
        if !bytes.isEmpty { receivedAny = true }
        var i = 0
        while i < bytes.count {
            switch state {
            case .done:
                // Bytes after the response (none are expected): ignored.
                return .complete(status: status, keepAlive: keepAlive)
            case .untilClose:
                return .needMore
            case .body(let remaining):
                let n = min(remaining, bytes.count - i)
                i += n
                if remaining - n == 0 { return finishMessage() }
                state = .body(remaining: remaining - n)
            case .chunkData(let remaining):
                let n = min(remaining, bytes.count - i)
                i += n
                state = remaining - n == 0 ? .chunkDataEnd : .chunkData(remaining: remaining - n)
            case .statusLine, .headers, .chunkSize, .chunkDataEnd, .trailers:
                // Line by line: up to the next LF, joined to what an earlier read left.
                var end = i
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[i..<end]))
                if end == bytes.count {
                    guard pending.count <= maxLineBytes else { throw .headTooLarge }
                    return .needMore
                }
                i = end + 1
                if pending.last == 0x0D { pending.removeLast() }
                let line = pending
                pending.removeAll(keepingCapacity: true)
                if let progress = try take(line: line) { return progress }
            }
        }
        if state == .done { return .complete(status: status, keepAlive: keepAlive) }
        return .needMore
    }

    /// The connection reached its end (EOF): completes a body framed by the close.
    mutating func finish() throws(HTTPResponseFailure) -> Progress {
        switch state {
        case .untilClose, .done: return .complete(status: status, keepAlive: false)
        default: throw .truncated
        }
    }

    private mutating func take(line: [UInt8]) throws(HTTPResponseFailure) -> Progress? {
        switch state {
        case .statusLine:
            try readStatusLine(line)
            state = .headers
            headBytes = line.count
        case .headers:
            headBytes += line.count + 2
            guard headBytes <= maxLineBytes else { throw .headTooLarge }
            if line.isEmpty { return endOfHead() }
            try readHeader(line)
        case .chunkSize:
            guard let size = try? HTTPFraming.chunkSize(line) else { throw .malformedChunk }
            state = size == 0 ? .trailers : .chunkData(remaining: size)
        case .chunkDataEnd:
            guard line.isEmpty else { throw .malformedChunk }
            state = .chunkSize
        case .trailers:
            if line.isEmpty { return finishMessage() }
        default:
            break
        }
        return nil
    }

    private mutating func readStatusLine(_ line: [UInt8]) throws(HTTPResponseFailure) {
        // "HTTP/1.1 200 OK": the version, a space, three digits, then a space and a reason or nothing.
        let prefix: [UInt8] = Array("HTTP/1.".utf8)
        guard line.count >= 12, line.starts(with: prefix), line[7] == 0x30 || line[7] == 0x31, line[8] == 0x20
        else { throw .malformedStatusLine }
        var code = 0
        for b in line[9..<12] {
            guard b >= 0x30, b <= 0x39 else { throw .malformedStatusLine }
            code = code * 10 + Int(b - 0x30)
        }
        guard code >= 100, line.count == 12 || line[12] == 0x20 else { throw .malformedStatusLine }
        status = code
        http11 = line[7] == 0x31
        connectionTokens = []
        transferCoded = false
        contentLength = nil
        chunked = false
    }

    private mutating func readHeader(_ line: [UInt8]) throws(HTTPResponseFailure) {
        guard let colon = line.firstIndex(of: 0x3A), colon > 0,
              !line[..<colon].contains(where: { $0 == 0x20 || $0 == 0x09 }) else { throw .malformedHeader }
        let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
        let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingSpaces()
        switch name {
        case "content-length":
            guard let n = HTTPFraming.contentLength(value), contentLength == nil || contentLength == n else { throw .invalidContentLength }
            contentLength = n
        case "transfer-encoding":
            let codings = value.lowercased().split(separator: ",").map { String($0).trimmingSpaces() }
            chunked = codings.last == "chunked"
            transferCoded = true
        case "connection":
            connectionTokens += value.split(separator: ",").map { $0.trimmingSpaces() }
        default:
            break
        }
    }

    private mutating func endOfHead() -> Progress? {
        keepAlive = HTTPFraming.persists(http11: http11, connectionTokens: connectionTokens)
        if status < 200 {
            // An interim response (100 Continue, 103 Early Hints): the real one follows.
            state = .statusLine
            return nil
        }
        if status == 204 || status == 304 { return finishMessage() }
        if chunked {
            state = .chunkSize
        } else if !transferCoded, let contentLength {
            if contentLength == 0 { return finishMessage() }
            state = .body(remaining: contentLength)
        } else {
            state = .untilClose
            keepAlive = false
        }
        return nil
    }

    private mutating func finishMessage() -> Progress {
        state = .done
        return .complete(status: status, keepAlive: keepAlive)
    }
}
