// Over 400 lines on purpose: one incremental parser whose head scan, request line, fields and
// body framing all move the same buffer positions; split apart, each piece would need them all.
import ASCII

/// Limits a parser enforces while reading; each maps to the status RFC 9110 names for it.
public struct HTTPParserLimits: Sendable {
    /// The whole head, request line through the empty line that ends it, CRLFs included; also
    /// the whole trailer section after a chunked body (its field lines and its empty line).
    public var maxHeaderBytes: Int
    public var maxBodyBytes: Int
    public var maxTargetLength: Int
    public var maxHeaderCount: Int
    /// Empty lines ignored before a request line (RFC 9112 §2.2 asks a server to ignore at
    /// least one); more are refused, so a peer cannot keep a connection busy sending only them.
    public var maxEmptyLinesBeforeRequest: Int

    public init(maxHeaderBytes: Int = 16384, maxBodyBytes: Int = 1_048_576, maxTargetLength: Int = 8192, maxHeaderCount: Int = 100,
                maxEmptyLinesBeforeRequest: Int = 8) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.maxTargetLength = maxTargetLength
        self.maxHeaderCount = maxHeaderCount
        self.maxEmptyLinesBeforeRequest = maxEmptyLinesBeforeRequest
    }
}

public enum HTTPParseEvent: Sendable {
    case request(HTTPRequest)
    /// The head asked for `Expect: 100-continue` and the body has not arrived yet.
    case continueExpected
    case needMoreData
}

/// An incremental, strict RFC 9112 request parser: bytes in, requests or an error out, no I/O.
///
/// Bytes are appended as they arrive, in pieces of any size; `next()` yields each complete
/// request in order, so pipelined requests come out one after another. Smuggling shapes are
/// refused rather than guessed at: Content-Length with Transfer-Encoding, differing
/// Content-Lengths, obs-fold, bare CR or LF, whitespace before a colon.
public struct HTTPRequestParser: Sendable {
    private enum State: Sendable {
        case head
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        /// `seen`: bytes of the trailer section read so far, counted against `maxHeaderBytes`.
        case trailers(seen: Int)
        case failed(HTTPParseError)
    }

    public let limits: HTTPParserLimits
    private var buffer: [UInt8] = []
    /// Start of the unconsumed bytes.
    private var start = 0
    /// Head scanning progress, all positions absolute in `buffer`.
    private var scan = 0
    private var lineStart = 0
    private var lines: [Range<Int>] = []
    private var state: State = .head
    private var pending: HTTPRequest?
    private var requestLine: (method: String, target: String, version: HTTPVersion)?
    private var continuePending = false
    /// Empty lines skipped since the last request.
    private var emptyLines = 0
    /// What the buffer keeps when it is emptied; one grown past this for a large body is
    /// given back then, so an idle connection holds little. Twice the loop's 64 KiB read.
    static var keptCapacity: Int { 128 << 10 }

    public init(limits: HTTPParserLimits = HTTPParserLimits()) {
        self.limits = limits
    }

    /// True while a request is partly received (a head started, or a body unfinished).
    public var isMidRequest: Bool {
        if case .head = state { return buffer.count > start }
        return true
    }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if start > 0 {
            if start == buffer.count {
                if buffer.capacity > Self.keptCapacity { buffer = [] } else { buffer.removeAll(keepingCapacity: true) }
                start = 0; scan = 0; lineStart = 0
            } else if buffer.count + bytes.count > buffer.capacity {
                compact()
            }
        }
        buffer.append(contentsOf: bytes)
    }

    /// Drops the consumed bytes before `start`, moving the unconsumed tail (a partial request)
    /// to the front. Without it a stream whose reads never end on a request boundary kept
    /// every byte it ever sent. Called only when the next bytes would not fit otherwise, so
    /// the usual read (the buffer emptied by the requests in it) moves nothing; the buffer
    /// then holds at most one partial request and one read.
    private mutating func compact() {
        let shift = start
        buffer.removeSubrange(0..<shift)
        start = 0
        // Head positions are in use only while a head is scanned; finish() resets them.
        if case .head = state {
            scan -= shift
            lineStart -= shift
            for i in lines.indices { lines[i] = (lines[i].lowerBound - shift)..<(lines[i].upperBound - shift) }
        }
    }

    /// The read buffer's capacity in bytes, for tests of how much a connection holds.
    var bufferCapacity: Int { buffer.capacity }

    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    public mutating func next() throws(HTTPParseError) -> HTTPParseEvent {
        do {
            return try step()
        } catch {
            state = .failed(error)
            throw error
        }
    }

    private mutating func step() throws(HTTPParseError) -> HTTPParseEvent {
        while true {
            switch state {
            case .failed(let e):
                throw e
            case .head:
                guard try scanHead() else { return .needMoreData }
            case .fixedBody(let remaining):
                if buffer.count - start < remaining {
                    if continuePending { continuePending = false; return .continueExpected }
                    return .needMoreData
                }
                if remaining > 0 {
                    pending!.body.append(contentsOf: buffer[start..<(start + remaining)])
                    start += remaining
                }
                return .request(finish())
            case .chunkSize:
                let lineEnd: Int
                switch try findCRLF(from: start, limit: 1024) {
                case .found(let end): lineEnd = end
                case .incomplete:
                    if continuePending { continuePending = false; return .continueExpected }
                    return .needMoreData
                case .tooLong: throw HTTPParseError(.chunkLineTooLong)
                }
                let size = try HTTPFraming.chunkSize(buffer[start..<lineEnd])
                start = lineEnd + 2
                if size == 0 {
                    state = .trailers(seen: 0)
                } else {
                    guard pending!.body.count + size <= limits.maxBodyBytes else {
                        throw HTTPParseError(.bodyTooLarge(max: limits.maxBodyBytes))
                    }
                    state = .chunkData(remaining: size)
                }
            case .chunkData(let remaining):
                let available = min(remaining, buffer.count - start)
                if available == 0 { return .needMoreData }
                pending!.body.append(contentsOf: buffer[start..<(start + available)])
                start += available
                state = remaining == available ? .chunkDataEnd : .chunkData(remaining: remaining - available)
            case .chunkDataEnd:
                guard buffer.count - start >= 2 else { return .needMoreData }
                guard buffer[start] == 0x0d, buffer[start + 1] == 0x0a else {
                    throw HTTPParseError(.chunkDataWithoutCRLF)
                }
                start += 2
                state = .chunkSize
            case .trailers(let seen):
                // The section's lines are skipped, not kept; it is bounded like a head, since
                // without a bound a peer could send trailer lines for as long as it liked.
                switch try findCRLF(from: start, limit: limits.maxHeaderBytes - seen - 2) {
                case .incomplete:
                    return .needMoreData
                case .tooLong:
                    throw HTTPParseError(.trailersTooLarge(max: limits.maxHeaderBytes))
                case .found(let lineEnd):
                    let isEmpty = lineEnd == start
                    let total = seen + lineEnd + 2 - start
                    start = lineEnd + 2
                    if isEmpty { return .request(finish()) }
                    state = .trailers(seen: total)
                }
            }
        }
    }

    private mutating func finish() -> HTTPRequest {
        let r = pending.take()!
        continuePending = false
        emptyLines = 0
        state = .head
        lines.removeAll(keepingCapacity: true)
        scan = start
        lineStart = start
        return r
    }

    private enum LineScan {
        /// The CR of the CRLF ending the line.
        case found(Int)
        case incomplete
        /// More than `limit` bytes before the CRLF (found or not); each caller names its status.
        case tooLong
    }

    /// Finds the CRLF ending the line at `from`, of at most `limit` bytes (a negative limit
    /// refuses even an empty line); throws on a bare CR or LF.
    private func findCRLF(from: Int, limit: Int) throws(HTTPParseError) -> LineScan {
        var i = from
        while i < buffer.count {
            if i - from > limit { return .tooLong }
            let c = buffer[i]
            if c == 0x0a { throw HTTPParseError(.bareLFInChunkedFraming) }
            if c == 0x0d {
                guard i + 1 < buffer.count else { return .incomplete }
                guard buffer[i + 1] == 0x0a else { throw HTTPParseError(.bareCRInChunkedFraming) }
                return .found(i)
            }
            i += 1
        }
        return i - from > limit ? .tooLong : .incomplete
    }

    /// Advances over the head; true once a complete head is parsed and the body state is set.
    private mutating func scanHead() throws(HTTPParseError) -> Bool {
        while scan < buffer.count {
            // Jump to the next CR or LF; everything between is checked when the line is parsed.
            let from = scan
            let next = buffer.withUnsafeBytes { ASCIIBytes.firstLineBreak(in: $0, from: from) }
            // Where the head ends if this line is its last, CRLF included: a head of exactly
            // maxHeaderBytes passes. (Measured from the LF rather than the CR, it let one more in.)
            let headSoFar = (next < buffer.count ? next + 2 : buffer.count) - start
            if lines.isEmpty {
                if min(next, buffer.count) - lineStart > limits.maxTargetLength + 32 || headSoFar > limits.maxHeaderBytes {
                    throw requestLineTooLong(lineStart..<min(next, buffer.count))
                }
            } else if headSoFar > limits.maxHeaderBytes {
                throw HTTPParseError(.headTooLarge(max: limits.maxHeaderBytes))
            }
            scan = next
            guard next < buffer.count else { return false }
            guard buffer[next] == 0x0d else { throw HTTPParseError(.bareLFInHead) }
            guard next + 1 < buffer.count else { return false }
            guard buffer[next + 1] == 0x0a else { throw HTTPParseError(.bareCRInHead) }
            let line = lineStart..<next
            scan = next + 2
            lineStart = scan
            if line.isEmpty {
                if lines.isEmpty {
                    emptyLines += 1
                    guard emptyLines <= limits.maxEmptyLinesBeforeRequest else {
                        throw HTTPParseError(.tooManyEmptyLines(max: limits.maxEmptyLinesBeforeRequest))
                    }
                    start = scan
                    continue
                }
                try parseHead()
                return true
            }
            if lines.isEmpty { requestLine = try parseRequestLine(line) }
            lines.append(line)
            if lines.count > limits.maxHeaderCount + 1 {
                throw HTTPParseError(.tooManyFields(max: limits.maxHeaderCount))
            }
        }
        return false
    }

    /// A request line too long for the target limit or for the head: 414 once its target has
    /// begun, whichever limit it crossed (a target too long to fit the head is still a target
    /// too long); 400 while it is all method.
    private func requestLineTooLong(_ line: Range<Int>) -> HTTPParseError {
        guard ASCIIBytes.first(0x20, in: buffer.span, line) < line.upperBound else {
            return HTTPParseError(.malformedMethod)
        }
        let limit = min(limits.maxTargetLength, limits.maxHeaderBytes)
        return HTTPParseError(.targetTooLong(max: limit))
    }

    /// RFC 9110's token characters, which field names and methods are made of.
    static let tchar = ByteSet { c in
        switch c {
        case 0x30...0x39, 0x41...0x5a, 0x61...0x7a: return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default: return false
        }
    }

    private func parseRequestLine(_ line: Range<Int>) throws(HTTPParseError) -> (String, String, HTTPVersion) {
        let b = buffer.span
        let sp1 = ASCIIBytes.first(0x20, in: b, line)
        guard sp1 < line.upperBound else { throw HTTPParseError(.malformedRequestLine) }
        let method = line.lowerBound..<sp1
        guard sp1 > line.lowerBound else { throw HTTPParseError(.malformedMethod) }
        let tchar = Self.tchar
        for i in line.lowerBound..<sp1 where !tchar.contains(b[i]) { throw HTTPParseError(.malformedMethod) }
        let sp2 = ASCIIBytes.first(0x20, in: b, (sp1 + 1)..<line.upperBound)
        guard sp2 < line.upperBound else { throw HTTPParseError(.malformedRequestLine) }
        let target = buffer[(sp1 + 1)..<sp2]
        guard !target.isEmpty else { throw HTTPParseError(.emptyTarget) }
        guard target.count <= limits.maxTargetLength else {
            throw HTTPParseError(.targetTooLong(max: limits.maxTargetLength))
        }
        guard buffer.withUnsafeBytes({ ASCIIBytes.firstInvisible(in: $0, (sp1 + 1)..<sp2) }) == sp2 else {
            throw HTTPParseError(.targetNeedsPercentEncoding)
        }
        let v = sp2 + 1
        guard line.upperBound - v == 8, ASCIIBytes.equals(b, v..<(v + 5), "HTTP/"), b[v + 6] == UInt8(ascii: "."),
              (0x30...0x39).contains(b[v + 5]), (0x30...0x39).contains(b[v + 7])
        else { throw HTTPParseError(.malformedVersion) }
        let version: HTTPVersion
        switch (b[v + 5], b[v + 7]) {
        case (0x31, 0x31): version = .http11
        case (0x31, 0x30): version = .http10
        default: throw HTTPParseError(.unsupportedVersion("\(Character(Unicode.Scalar(b[v + 5]))).\(Character(Unicode.Scalar(b[v + 7])))"))
        }
        var targetString = String(decoding: target, as: UTF8.self)
        if target.first != UInt8(ascii: "/") {
            let lower = targetString.lowercased()
            if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
                let afterScheme = targetString[targetString.index(targetString.startIndex, offsetBy: lower.hasPrefix("http://") ? 7 : 8)...]
                if let slash = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) {
                    let pathAndQuery = afterScheme[slash...]
                    targetString = pathAndQuery.first == "?" ? "/" + pathAndQuery : String(pathAndQuery)
                } else {
                    targetString = "/"
                }
            } else if targetString == "*" && ASCIIBytes.equals(b, method, "OPTIONS") {
                targetString = "*"
            } else {
                throw HTTPParseError(.targetNotAbsolute)
            }
        }
        return (Self.methodString(b, method), targetString, version)
    }

    /// The method's name: a literal for the methods AWS clients send, so that the usual request
    /// does not decode and check its method's bytes as UTF-8; any other token decoded.
    private static func methodString(_ b: Span<UInt8>, _ r: Range<Int>) -> String {
        if ASCIIBytes.equals(b, r, "GET") { return "GET" }
        if ASCIIBytes.equals(b, r, "POST") { return "POST" }
        if ASCIIBytes.equals(b, r, "PUT") { return "PUT" }
        if ASCIIBytes.equals(b, r, "DELETE") { return "DELETE" }
        return ASCIIBytes.string(b, r)
    }

    private mutating func parseHead() throws(HTTPParseError) {
        let (method, target, version) = requestLine!
        requestLine = nil
        let (headers, framing) = try readFields()
        start = scan
        var request = HTTPRequest(method: method, target: target, version: version, headers: headers)
        if version == .http11, framing.hostCount != 1 {
            throw HTTPParseError(framing.hostCount == 0 ? .missingHost : .multipleHosts)
        }
        try setBodyState(framing, version: version)
        if version == .http11, let expect = framing.expect, expect.lowercased() == "100-continue" {
            continuePending = true
        }
        request.body.reserveCapacity({ if case .fixedBody(let n) = state { return n } else { return 0 } }())
        pending = request
    }

    /// Every field line of the head, checked, as ranges into the read buffer (shared with the
    /// request, not copied), with the framing fields noted on the way.
    private func readFields() throws(HTTPParseError) -> (HTTPHeaders, FramingFields) {
        let fieldLines = lines.dropFirst()
        var headers = HTTPHeaders(viewing: buffer, capacity: fieldLines.count)
        var framing = FramingFields()
        let tchar = Self.tchar
        try buffer.withUnsafeBufferPointer { b throws(HTTPParseError) in
            for line in fieldLines {
                let first = b[line.lowerBound]
                guard first != 0x20, first != 0x09 else {
                    throw HTTPParseError(.obsoleteLineFolding)
                }
                let colon = ASCIIBytes.first(UInt8(ascii: ":"), in: UnsafeRawBufferPointer(b), line)
                guard colon < line.upperBound else { throw HTTPParseError(.fieldWithoutColon) }
                let name = line.lowerBound..<colon
                guard !name.isEmpty else { throw HTTPParseError(.emptyFieldName) }
                for i in name where !tchar.contains(b[i]) {
                    if b[colon - 1] == 0x20 || b[colon - 1] == 0x09 { throw HTTPParseError(.whitespaceBeforeColon) }
                    throw HTTPParseError(.invalidFieldName)
                }
                var vs = colon + 1
                var ve = line.upperBound
                while vs < ve, b[vs] == 0x20 || b[vs] == 0x09 { vs += 1 }
                while ve > vs, b[ve - 1] == 0x20 || b[ve - 1] == 0x09 { ve -= 1 }
                var control = ASCIIBytes.firstControl(in: UnsafeRawBufferPointer(b), vs..<ve)
                while control < ve {
                    guard b[control] == 0x09 else {
                        throw HTTPParseError(.invalidFieldValue(field: String(decoding: b[name], as: UTF8.self)))
                    }
                    control = ASCIIBytes.firstControl(in: UnsafeRawBufferPointer(b), (control + 1)..<ve)
                }
                headers.addField(name: name, value: vs..<ve)
                framing.note(UnsafeRawBufferPointer(b), name: name, value: vs..<ve)
            }
        }
        return (headers, framing)
    }

    private mutating func setBodyState(_ framing: FramingFields, version: HTTPVersion) throws(HTTPParseError) {
        let te = framing.transferEncoding
        let cl = framing.contentLength
        if !te.isEmpty {
            guard cl.isEmpty else { throw HTTPParseError(.transferEncodingWithContentLength) }
            guard version == .http11 else { throw HTTPParseError(.transferEncodingInHTTP10) }
            let codings = te.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }.map { $0.trimmingSpaces().lowercased() }
            guard codings.last == "chunked" else { throw HTTPParseError(.chunkedNotFinal) }
            guard codings.count == 1 else { throw HTTPParseError(.unsupportedTransferCoding(String(codings[0]))) }
            state = .chunkSize
        } else if !cl.isEmpty {
            let values = cl.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }.map { $0.trimmingSpaces() }
            guard let firstValue = values.first, values.allSatisfy({ $0 == firstValue }) else {
                throw HTTPParseError(.conflictingContentLength)
            }
            guard let length = HTTPFraming.contentLength(firstValue) else { throw HTTPParseError(.invalidContentLength) }
            guard length <= limits.maxBodyBytes else {
                throw HTTPParseError(.bodyTooLarge(max: limits.maxBodyBytes))
            }
            state = .fixedBody(remaining: length)
        } else {
            state = .fixedBody(remaining: 0)
        }
    }
}

/// The fields that decide framing and `Expect`, noted while the head is read so no second
/// pass over the headers is needed. Most requests have none of them but Host.
private struct FramingFields {
    var hostCount = 0
    var transferEncoding: [String] = []
    var contentLength: [String] = []
    var expect: String?

    /// Looks at one field line's name and value in the read buffer `b`; only the rare framing
    /// fields become strings.
    mutating func note(_ b: UnsafeRawBufferPointer, name: Range<Int>, value: Range<Int>) {
        func text() -> String { String(decoding: b[value], as: UTF8.self) }
        if ASCIIBytes.equalsIgnoringCase(b, name, "host") {
            hostCount += 1
        } else if ASCIIBytes.equalsIgnoringCase(b, name, "transfer-encoding") {
            transferEncoding.append(text())
        } else if ASCIIBytes.equalsIgnoringCase(b, name, "content-length") {
            contentLength.append(text())
        } else if expect == nil, ASCIIBytes.equalsIgnoringCase(b, name, "expect") {
            expect = text()
        }
    }
}
