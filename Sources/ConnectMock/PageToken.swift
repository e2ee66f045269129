import Foundation

/// The one page-token codec, for the AWS listings (ListUsers, ListQueues, SearchContacts) and the
/// mock API's: the fields that say where a page ended, joined by NUL (which no id, instance or
/// sort value can hold), as base64url without padding, so a token needs no escaping in JSON or in
/// a query string.
/// Tokens are opaque to clients, as AWS's are; one that does not decode to the expected number of
/// fields is not one this server issued.
enum PageToken {
    static func encode(_ fields: [String]) -> String {
        Data(fields.joined(separator: "\u{0}").utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ token: String, fields count: Int) -> [String]? {
        let standard = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            + String(repeating: "=", count: (4 - token.utf8.count % 4) % 4)
        guard let data = Data(base64Encoded: standard), let text = String(data: data, encoding: .utf8) else { return nil }
        let fields = text.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
        return fields.count == count ? fields : nil
    }
}
