/// Which limit a refused request went over, for callers that act on the kind of refusal
/// rather than read its text.
public enum HTTPLimit: Sendable, Equatable {
    /// `maxHeaderBytes`, for the head (431).
    case head
    /// `maxTargetLength`, or a request line too long to fit the head at all (414).
    case target
    /// `maxBodyBytes` (413).
    case body
    /// `maxHeaderCount` (431).
    case fieldCount
    /// `maxHeaderBytes`, for the trailer section of a chunked body (431).
    case trailers
    /// `maxEmptyLinesBeforeRequest` (400).
    case emptyLines
    /// The server's time for a request to arrive (408); the parser keeps no clock, so only the
    /// server raises it.
    case requestTime
}

/// Why a request was refused: one case per cause, with the status to answer and the text of
/// the refusal derived from it. The connection closes after it, since the framing of whatever
/// follows cannot be trusted.
public struct HTTPParseError: Error, Equatable, Sendable {
    public enum Cause: Equatable, Sendable {
        // Over a limit.
        case headTooLarge(max: Int)
        case targetTooLong(max: Int)
        case bodyTooLarge(max: Int)
        case tooManyFields(max: Int)
        case trailersTooLarge(max: Int)
        case tooManyEmptyLines(max: Int)
        /// Raised by the server, which keeps the clock.
        case requestTimeout(milliseconds: UInt64)
        // The request line.
        case malformedRequestLine, malformedMethod, emptyTarget, targetNeedsPercentEncoding, targetNotAbsolute, malformedVersion
        case unsupportedVersion(String)
        // The head's lines and fields.
        case bareCRInHead, bareLFInHead, obsoleteLineFolding, fieldWithoutColon, emptyFieldName, whitespaceBeforeColon
        case invalidFieldName
        case invalidFieldValue(field: String)
        case missingHost, multipleHosts
        // Body framing.
        case transferEncodingWithContentLength, transferEncodingInHTTP10, chunkedNotFinal, conflictingContentLength, invalidContentLength
        case unsupportedTransferCoding(String)
        case chunkLineTooLong, chunkSizeTooLarge, chunkSizeNotHex, junkAfterChunkSize, chunkDataWithoutCRLF
        case bareCRInChunkedFraming, bareLFInChunkedFraming
    }

    public var cause: Cause

    public init(_ cause: Cause) {
        self.cause = cause
    }

    public var status: Int {
        switch cause {
        case .headTooLarge, .tooManyFields, .trailersTooLarge: 431
        case .targetTooLong: 414
        case .bodyTooLarge: 413
        case .requestTimeout: 408
        case .unsupportedTransferCoding: 501
        case .unsupportedVersion: 505
        default: 400
        }
    }

    /// The limit the request went over; nil when it was malformed or unsupported instead.
    public var limit: HTTPLimit? {
        switch cause {
        case .headTooLarge: .head
        case .targetTooLong: .target
        case .bodyTooLarge: .body
        case .tooManyFields: .fieldCount
        case .trailersTooLarge: .trailers
        case .tooManyEmptyLines: .emptyLines
        case .requestTimeout: .requestTime
        default: nil
        }
    }

    /// The refusal in words, as the response body says it.
    public var reason: String {
        switch cause {
        case .headTooLarge(let max): "request head larger than \(max) bytes"
        case .targetTooLong(let max): "request target longer than \(max) bytes"
        case .bodyTooLarge(let max): "request body larger than \(max) bytes"
        case .tooManyFields(let max): "more than \(max) header fields"
        case .trailersTooLarge(let max): "trailer section larger than \(max) bytes"
        case .tooManyEmptyLines(let max): "more than \(max) empty lines before a request line"
        case .requestTimeout(let ms): "request not completed within \(ms) ms"
        case .malformedRequestLine: "malformed request line"
        case .malformedMethod: "malformed method"
        case .emptyTarget: "empty request target"
        case .targetNeedsPercentEncoding: "request target has a character that must be percent-encoded"
        case .targetNotAbsolute: "request target must be an absolute path or an absolute URI"
        case .malformedVersion: "malformed HTTP version"
        case .unsupportedVersion(let v): "HTTP version \(v) is not supported"
        case .bareCRInHead: "bare CR in the request head"
        case .bareLFInHead: "bare LF in the request head"
        case .obsoleteLineFolding: "obsolete line folding in a header field"
        case .fieldWithoutColon: "header field without a colon"
        case .emptyFieldName: "empty header field name"
        case .whitespaceBeforeColon: "whitespace between a header field name and the colon"
        case .invalidFieldName: "invalid character in a header field name"
        case .invalidFieldValue(let field): "invalid character in the value of \(field)"
        case .missingHost: "missing Host header"
        case .multipleHosts: "more than one Host header"
        case .transferEncodingWithContentLength: "both Transfer-Encoding and Content-Length"
        case .transferEncodingInHTTP10: "Transfer-Encoding in an HTTP/1.0 request"
        case .chunkedNotFinal: "chunked is not the final transfer coding"
        case .conflictingContentLength: "conflicting Content-Length values"
        case .invalidContentLength: "Content-Length is not a non-negative integer"
        case .unsupportedTransferCoding(let coding): "transfer coding \(coding) is not implemented"
        case .chunkLineTooLong: "chunk line longer than 1024 bytes"
        case .chunkSizeTooLarge: "chunk size too large"
        case .chunkSizeNotHex: "chunk size is not a hexadecimal number"
        case .junkAfterChunkSize: "unexpected characters after the chunk size"
        case .chunkDataWithoutCRLF: "chunk data not followed by CRLF"
        case .bareCRInChunkedFraming: "bare CR in chunked framing"
        case .bareLFInChunkedFraming: "bare LF in chunked framing"
        }
    }
}
