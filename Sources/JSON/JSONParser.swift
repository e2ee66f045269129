import ASCII
/// A strict RFC 8259 parser over UTF-8 bytes.
///
/// Fixtures are user input: the parser rejects what JSON does not allow (trailing commas,
/// comments, lone surrogates, leading zeros, control characters in strings) and bounds nesting,
/// so neither a typo nor a hostile file can crash or stall the seed.
public struct JSONParser {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var column: Int
        public var message: String
        public var description: String { "line \(line), column \(column): \(message)" }
    }

    public static let maxDepth = 128

    private let bytes: [UInt8]
    private var i = 0
    private var line: Int
    private var lineStart = 0
    private var depth = 0

    /// Parses one whole document; `firstLine` numbers lines for a document that starts inside a
    /// larger file (a `.jsonl` line).
    public static func parse(_ bytes: [UInt8], firstLine: Int = 1) throws(Failure) -> JSONValue {
        var p = JSONParser(bytes: bytes, line: firstLine)
        p.skipWhitespace()
        let v = try p.value()
        p.skipWhitespace()
        if p.i != p.bytes.count { throw p.fail("unexpected \(p.describeCurrent()) after the document") }
        return v
    }

    public static func parse(_ text: String) throws(Failure) -> JSONValue {
        try parse(Array(text.utf8))
    }

    private init(bytes: [UInt8], line: Int) {
        self.bytes = bytes
        self.line = line
    }

    private func fail(_ message: String) -> Failure {
        Failure(line: line, column: i - lineStart + 1, message: message)
    }

    private func describeCurrent() -> String {
        guard i < bytes.count else { return "end of input" }
        let c = bytes[i]
        if c >= 0x21, c < 0x7f { return "'\(Character(Unicode.Scalar(c)))'" }
        return "byte 0x" + String(c, radix: 16)
    }

    private mutating func skipWhitespace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0d: i += 1
            case 0x0a:
                i += 1
                line += 1
                lineStart = i
            default: return
            }
        }
    }

    private mutating func value() throws(Failure) -> JSONValue {
        guard i < bytes.count else { throw fail("expected a value, found end of input") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw fail("expected a value, found \(describeCurrent())")
        }
    }

    private mutating func literal(_ word: String) throws(Failure) {
        let n = word.utf8.count
        guard i + n <= bytes.count, bytes[i..<(i + n)].elementsEqual(word.utf8) else {
            throw fail("expected a value, found \(describeCurrent())")
        }
        i += n
    }

    private mutating func enter() throws(Failure) {
        depth += 1
        if depth > JSONParser.maxDepth { throw fail("nesting deeper than \(JSONParser.maxDepth)") }
    }

    private mutating func object() throws(Failure) -> JSONValue {
        try enter()
        i += 1
        var members: [JSONMember] = []
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            i += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
                throw fail("expected a member name in double quotes, found \(describeCurrent())")
            }
            let keyLine = line
            let key = try string()
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':' after \"\(key)\", found \(describeCurrent())") }
            i += 1
            skipWhitespace()
            let v = try value()
            members.append(JSONMember(key: key, value: v, line: keyLine))
            skipWhitespace()
            guard i < bytes.count else { throw fail("expected ',' or '}', found end of input") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; break }
            throw fail("expected ',' or '}', found \(describeCurrent())")
        }
        depth -= 1
        return .object(members)
    }

    private mutating func array() throws(Failure) -> JSONValue {
        try enter()
        i += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
            i += 1
            depth -= 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try value())
            skipWhitespace()
            guard i < bytes.count else { throw fail("expected ',' or ']', found end of input") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; break }
            throw fail("expected ',' or ']', found \(describeCurrent())")
        }
        depth -= 1
        return .array(items)
    }

    private mutating func number() throws(Failure) -> String {
        let start = i
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < bytes.count, isDigit(bytes[i]) else { throw fail("expected a digit in a number, found \(describeCurrent())") }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if i < bytes.count, isDigit(bytes[i]) { throw fail("a number must not have a leading zero") }
        } else {
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard i < bytes.count, isDigit(bytes[i]) else { throw fail("expected a digit after '.', found \(describeCurrent())") }
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count, isDigit(bytes[i]) else { throw fail("expected a digit in the exponent, found \(describeCurrent())") }
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    private mutating func string() throws(Failure) -> String {
        i += 1
        var out: [UInt8] = []
        var runStart = i
        while true {
            guard i < bytes.count else { throw fail("unterminated string") }
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                out.append(contentsOf: bytes[runStart..<i])
                i += 1
                break
            }
            if c < 0x20 { throw fail("control character 0x\(String(c, radix: 16)) in a string (escape it)") }
            if c == UInt8(ascii: "\\") {
                out.append(contentsOf: bytes[runStart..<i])
                try escape(into: &out)
                runStart = i
                continue
            }
            i += 1
        }
        guard let s = String(validating: out, as: UTF8.self) else { throw fail("string is not valid UTF-8") }
        return s
    }

    private mutating func escape(into out: inout [UInt8]) throws(Failure) {
        i += 1
        guard i < bytes.count else { throw fail("unterminated escape") }
        let c = bytes[i]
        i += 1
        switch c {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5c)
        case UInt8(ascii: "/"): out.append(0x2f)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0c)
        case UInt8(ascii: "n"): out.append(0x0a)
        case UInt8(ascii: "r"): out.append(0x0d)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                    throw fail("lone high surrogate \\u\(String(scalar, radix: 16))")
                }
                i += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw fail("high surrogate not followed by a low one") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw fail("lone low surrogate \\u\(String(scalar, radix: 16))")
            }
            out.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
        default:
            i -= 1
            throw fail("invalid escape \\\(describeCurrent())")
        }
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let d = ASCIIBytes.hexDigitValue(bytes[i]) else { throw fail("invalid hex digit in \\u escape") }
            v = v << 4 | UInt32(d)
            i += 1
        }
        return v
    }
}
