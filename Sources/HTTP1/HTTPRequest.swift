import ASCII
/// One parsed HTTP/1.x request.
///
/// Header fields are views into the bytes received: names compare case-insensitively, values
/// come without the surrounding optional whitespace.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The request-target as received (origin-form, or the path and query of an absolute-form).
    public var target: String {
        didSet { (path, query) = HTTPRequest.split(target) }
    }
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The path part of the target, still percent-encoded.
    public private(set) var path: Substring
    /// The query part of the target without the `?`, still percent-encoded; empty when absent.
    public private(set) var query: Substring

    public init(method: String, target: String, version: HTTPVersion = .http11, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        (path, query) = HTTPRequest.split(target)
    }

    /// Splits at the first `?`, scanning bytes: the target is ASCII by the time it gets here.
    static func split(_ target: String) -> (Substring, Substring) {
        let b = target.utf8.span
        let q = ASCIIBytes.first(UInt8(ascii: "?"), in: b, 0..<b.count)
        guard q < b.count else { return (target[...], "") }
        let u = target.utf8
        return (target[..<u.index(u.startIndex, offsetBy: q)], target[u.index(u.startIndex, offsetBy: q + 1)...])
    }

    /// Whether the connection stays open after the response (RFC 9112 §9.3).
    public var keepAlive: Bool {
        guard headers.firstIndex(lowercased: "connection") != nil else { return version == .http11 }
        return HTTPFraming.persists(http11: version == .http11,
                                    connectionTokens: headers.values(for: "connection").flatMap { $0.split(separator: ",") }.map { $0.trimmingSpaces() })
    }
}

public enum HTTPVersion: Sendable, Equatable {
    case http10, http11

    public var text: StaticString { self == .http10 ? "HTTP/1.0" : "HTTP/1.1" }
}

/// The fields as ranges into the parser's buffer, which SigV4 reads without copying.
public typealias HTTPHeaders = HeaderFields

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (HTTP's OWS).
    public func trimmingSpaces() -> Substring {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return Substring(s)
    }
}
