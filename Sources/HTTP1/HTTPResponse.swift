import ASCII
/// A response to write. Content-Length and, when the connection is closing,
/// `Connection: close` are added by `writeHead`; handlers set everything else.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// Sent before and after `body`, as part of it: a stored document goes out wrapped
    /// (`{"Contact":` … `}`) without being copied into a new buffer.
    public var envelope: (before: StaticString, after: StaticString)

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = [], envelope: (before: StaticString, after: StaticString) = ("", "")) {
        self.status = status
        self.headers = headers
        self.body = body
        self.envelope = envelope
    }

    public var contentLength: Int { envelope.before.utf8CodeUnitCount + body.count + envelope.after.utf8CodeUnitCount }

    /// Status line and headers, through the blank line, appended to `out`; the server writes
    /// the body beside them rather than copying it in, and reuses `out` for every response.
    public func writeHead(into out: inout [UInt8], version: HTTPVersion = .http11, date: String?, closing: Bool) {
        out.appendUTF8(version.text)
        out.append(0x20)
        out.appendDecimal(status)
        out.append(0x20)
        out.appendUTF8(HTTPStatus.reason(status))
        out.append(0x0d)
        out.append(0x0a)
        func line(_ n: String, _ v: String) {
            out.appendUTF8(n)
            out.append(0x3a)
            out.append(0x20)
            out.appendUTF8(v)
            out.append(0x0d)
            out.append(0x0a)
        }
        for k in headers.indices { line(headers[k].0, headers[k].1) }
        if let date { line("Date", date) }
        if status != 204 && status != 304 && !(100..<200).contains(status) {
            out.appendUTF8("Content-Length: ")
            out.appendDecimal(contentLength)
            out.append(0x0d)
            out.append(0x0a)
        }
        if closing { line("Connection", "close") }
        out.append(0x0d)
        out.append(0x0a)
    }
}

public enum HTTPStatus {
    public static func reason(_ code: Int) -> String {
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
        default: return "Status \(code)"
        }
    }
}
