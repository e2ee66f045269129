#if canImport(Glibc)
import Glibc
#endif

/// Why a webhook's URL was refused (`WebhookDispatcher.setReceivers`).
public enum WebhookURLProblem: Error, Equatable, Sendable, CustomStringConvertible {
    /// `https://`: the mock has no TLS client.
    case httpsNotSupported
    /// Any other scheme, or none.
    case unsupportedScheme
    /// `http://user@host/`: credentials in the URL are not sent anywhere, so they are refused.
    case userInfoNotSupported
    case missingHost
    /// Not a host name, an IPv4 literal or a bracketed IPv6 literal.
    case invalidHost
    /// Not a number from 1 to 65535.
    case invalidPort
    /// A space, a control character or a byte outside ASCII: the URL would not fit a request line.
    case invalidCharacter

    public var description: String {
        switch self {
        case .httpsNotSupported: "https is not supported (the mock posts plain http)"
        case .unsupportedScheme: "only http:// URLs are supported"
        case .userInfoNotSupported: "user information (user@) is not supported"
        case .missingHost: "the URL names no host"
        case .invalidHost: "the host is not a name, an IPv4 address or a bracketed IPv6 address"
        case .invalidPort: "the port is not a number from 1 to 65535"
        case .invalidCharacter: "the URL holds a space, a control character or a non-ASCII byte"
        }
    }
}

/// Why `url` cannot be a webhook receiver, or nil: config and the mock API check URLs with the
/// rule delivery applies.
public func webhookURLProblem(_ url: String) -> WebhookURLProblem? {
    do {
        _ = try WebhookURL(url)
        return nil
    } catch {
        return error
    }
}

/// An `http://host[:port][/path][?query]` URL, split into what a POST needs. The fragment, if
/// any, is dropped (it never goes on the wire).
struct WebhookURL: Equatable, Sendable {
    /// As given: the receiver's identity in `setReceivers` and in the snapshot.
    let text: String
    /// For getaddrinfo: a name or an address literal, without brackets.
    let host: String
    let port: Int
    /// The request target: the path and query, at least "/".
    let target: String
    /// The `Host` header: the host as written (IPv6 in brackets) and the port when one was given.
    let hostHeader: String

    init(_ text: String) throws(WebhookURLProblem) {
        self.text = text
        let bytes = Array(text.utf8)
        guard !bytes.contains(where: { $0 <= 0x20 || $0 >= 0x7F }) else { throw .invalidCharacter }
        let lower = text.lowercased()
        if lower.hasPrefix("https://") { throw .httpsNotSupported }
        guard lower.hasPrefix("http://") else { throw .unsupportedScheme }
        var rest = Substring(text.dropFirst("http://".count))
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let pathAndQuery = rest[authorityEnd...]
        target = pathAndQuery.isEmpty ? "/" : pathAndQuery.hasPrefix("?") ? "/" + pathAndQuery : String(pathAndQuery)
        guard !authority.contains("@") else { throw .userInfoNotSupported }
        guard !authority.isEmpty else { throw .missingHost }

        var hostPart: Substring
        var portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidHost }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .invalidHost }
                portPart = after.dropFirst()
            }
            var address = in6_addr()
            guard !hostPart.isEmpty, inet_pton(AF_INET6, String(hostPart), &address) == 1 else { throw .invalidHost }
        } else {
            if let colon = authority.firstIndex(of: ":") {
                hostPart = authority[..<colon]
                portPart = authority[authority.index(after: colon)...]
            } else {
                hostPart = authority
            }
            guard !hostPart.isEmpty else { throw .missingHost }
            guard hostPart.utf8.allSatisfy({ Self.isHostNameByte($0) }),
                  !hostPart.hasPrefix("-"), !hostPart.hasPrefix(".") else { throw .invalidHost }
        }
        if let portPart {
            guard !portPart.isEmpty, portPart.count <= 5, portPart.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let p = Int(portPart), (1...65535).contains(p) else { throw .invalidPort }
            port = p
        } else {
            port = 80
        }
        host = String(hostPart)
        hostHeader = String(authority)
    }

    private static func isHostNameByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x2E || b == 0x5F
    }
}
