import ASCII

/// A response to write. Content-Length and, when the connection is closing,
/// `Connection: close` are added by `writeHead`; handlers set everything else.
///
/// The two headers nearly every response of this server carries are fields of their own, so
/// that the usual response makes no header array and counts no reference for them: a static
/// `Content-Type`, and an id header whose UUID is written from its bits.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var contentType: StaticString?
    /// AWS's `x-amzn-RequestId`, for one.
    public var idHeader: (name: StaticString, value: UUID4)?
    /// Any other headers, written after those two.
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// Sent before and after `body`, as part of it: a stored document goes out wrapped
    /// (`{"Contact":` … `}`) without being copied into a new buffer.
    public var envelope: (before: StaticString, after: StaticString)

    public init(status: Int, contentType: StaticString? = nil, idHeader: (name: StaticString, value: UUID4)? = nil,
                headers: [(String, String)] = [], body: [UInt8] = [], envelope: (before: StaticString, after: StaticString) = ("", "")) {
        self.status = status
        self.contentType = contentType
        self.idHeader = idHeader
        self.headers = headers
        self.body = body
        self.envelope = envelope
    }

    public var contentLength: Int { envelope.before.utf8CodeUnitCount + body.count + envelope.after.utf8CodeUnitCount }

    /// The most bytes `writeHead` can write with this `date`.
    public func headRoom(date: String?) -> Int {
        var room = 8 + 1 + 20 + 1 + HTTPStatus.reason(status).utf8CodeUnitCount + 2
        if let contentType { room += 14 + contentType.utf8CodeUnitCount + 2 }
        if let idHeader { room += idHeader.name.utf8CodeUnitCount + 2 + UUID4.textCount + 2 }
        for (name, value) in headers { room += name.utf8.count + 2 + value.utf8.count + 2 }
        if let date { room += 6 + date.utf8.count + 2 }
        return room + 16 + 20 + 2 + 19 + 2
    }

    /// Status line and headers, through the blank line, written at the start of the buffer
    /// `room` returns when asked for `headRoom(date:)` bytes; returns how many bytes were
    /// written. A server writes the head straight into the buffer its output leaves from:
    /// written in place, it costs no append per piece (about a hundred instructions each, more
    /// than the bytes each copied). The caller is asked rather than handed the room, so that
    /// it is reckoned once per response.
    public func writeHead(version: HTTPVersion = .http11, date: String?, closing: Bool,
                          into room: (Int) -> UnsafeMutableRawBufferPointer) -> Int {
        let needed = headRoom(date: date)
        let out = room(needed)
        precondition(out.count >= needed, "the head needs headRoom(date:) bytes")
        let reason = HTTPStatus.reason(status)
        var w = HeadCursor(out.baseAddress!)
        w.put(version.text)
        w.put(0x20)
        w.putDecimal(status)
        w.put(0x20)
        w.put(reason)
        w.put("\r\n")
        if let contentType {
            w.put("Content-Type: ")
            w.put(contentType)
            w.put("\r\n")
        }
        if let idHeader {
            w.put(idHeader.name)
            w.put(": ")
            idHeader.value.write(to: UnsafeMutableRawBufferPointer(start: w.next, count: UUID4.textCount))
            w.next += UUID4.textCount
            w.put("\r\n")
        }
        for k in headers.indices {
            w.put(text: headers[k].0)
            w.put(": ")
            w.put(text: headers[k].1)
            w.put("\r\n")
        }
        if let date {
            w.put("Date: ")
            w.put(text: date)
            w.put("\r\n")
        }
        if status != 204 && status != 304 && !(100..<200).contains(status) {
            w.put("Content-Length: ")
            w.putDecimal(contentLength)
            w.put("\r\n")
        }
        if closing { w.put("Connection: close\r\n") }
        w.put("\r\n")
        return w.next - out.baseAddress!
    }
}

/// Where the next byte of a head goes, in room already made for the whole head.
private struct HeadCursor {
    var next: UnsafeMutableRawPointer

    init(_ start: UnsafeMutableRawPointer) { next = start }

    mutating func put(_ byte: UInt8) {
        next.storeBytes(of: byte, as: UInt8.self)
        next += 1
    }

    mutating func put(_ literal: StaticString) {
        next.copyMemory(from: literal.utf8Start, byteCount: literal.utf8CodeUnitCount)
        next += literal.utf8CodeUnitCount
    }

    mutating func put(text: String) {
        let count = text.utf8.span.withUnsafeBytes { b in
            if let base = b.baseAddress { next.copyMemory(from: base, byteCount: b.count) }
            return b.count
        }
        next += count
    }

    mutating func putDecimal(_ n: Int) {
        if n < 0 { put(UInt8(ascii: "-")) }
        let count = ASCIIBytes.writeDecimal(UInt64(n.magnitude), into: UnsafeMutableBufferPointer(start: next.assumingMemoryBound(to: UInt8.self), count: 20), at: 0)
        next += count
    }
}

public enum HTTPStatus {
    /// The reason phrase; empty for a code not listed here, which RFC 9112 allows.
    public static func reason(_ code: Int) -> StaticString {
        switch code {
        case 100: return "Continue"
        case 200: return "OK"
        case 201: return "Created"
        case 204: return "No Content"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 411: return "Length Required"
        case 413: return "Content Too Large"
        case 414: return "URI Too Long"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        case 505: return "HTTP Version Not Supported"
        case 507: return "Insufficient Storage"
        default: return ""
        }
    }
}
