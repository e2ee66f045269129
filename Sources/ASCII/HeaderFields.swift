/// Header fields as ranges into one byte buffer: for a parsed request, the parser's own read
/// buffer, shared (copy-on-write) rather than copied, so a request's fields cost one small
/// allocation however many there are and SigV4 reads names and values where they arrived.
/// Names keep the case they were sent in and compare case-insensitively.
///
/// It lives here, beside the byte helpers, because HTTP1 and SigV4 both use it and neither may
/// depend on the other.
public struct HeaderFields: Sendable {
    public private(set) var bytes: [UInt8]
    private var entries: [Entry] = []

    private struct Entry: Sendable {
        var nameStart: Int32
        var nameEnd: Int32
        var valueStart: Int32
        var valueEnd: Int32
    }

    public init() { bytes = [] }

    /// Fields that `addField` will point into `bytes` (the parser's buffer).
    public init(viewing bytes: [UInt8], capacity: Int) {
        self.bytes = bytes
        entries.reserveCapacity(capacity)
    }

    public init(_ pairs: [(String, String)]) {
        bytes = []
        for (n, v) in pairs { append(name: n, value: v) }
    }

    public var count: Int { entries.count }

    /// Records a field whose name and value already lie in `bytes`.
    public mutating func addField(name: Range<Int>, value: Range<Int>) {
        entries.append(Entry(nameStart: Int32(name.lowerBound), nameEnd: Int32(name.upperBound),
                             valueStart: Int32(value.lowerBound), valueEnd: Int32(value.upperBound)))
    }

    /// Appends a field's bytes and records it.
    public mutating func append(name: String, value: String) {
        let nameStart = bytes.count
        bytes.appendUTF8(name)
        let valueStart = bytes.count
        bytes.appendUTF8(value)
        addField(name: nameStart..<valueStart, value: valueStart..<bytes.count)
    }

    /// Where the name of field `i` lies in `bytes`, in the case it was sent.
    public func nameRange(_ i: Int) -> Range<Int> { Int(entries[i].nameStart)..<Int(entries[i].nameEnd) }

    /// Where the value of field `i` lies in `bytes`.
    public func valueRange(_ i: Int) -> Range<Int> { Int(entries[i].valueStart)..<Int(entries[i].valueEnd) }

    /// The name of field `i`, lower-cased.
    public func name(_ i: Int) -> String { ASCIIBytes.lowercasedString(bytes.span, nameRange(i)) }

    public func value(_ i: Int) -> String { ASCIIBytes.string(bytes.span, valueRange(i)) }

    /// Whether field `i` is called `lowercasedName`, in any case.
    public func hasName(_ i: Int, _ lowercasedName: String) -> Bool {
        lowercasedName.utf8.span.withUnsafeBytes { hasName(i, bytes: $0) }
    }

    /// Whether field `i` is called `lowercasedName` (bytes), in any case.
    public func hasName(_ i: Int, bytes lowercasedName: UnsafeRawBufferPointer) -> Bool {
        let r = nameRange(i)
        return bytes.span.withUnsafeBytes { ASCIIBytes.equalsIgnoringCase($0, r, lowercasedName) }
    }

    /// Whether field `i` is called `name`, a lower-case literal, in any case. The request path
    /// asks with literals: this form neither scans the name for capitals nor makes a span of a
    /// string.
    public func hasName(_ i: Int, lowercased name: StaticString) -> Bool {
        hasName(i, bytes: name.bytes)
    }

    /// The index of the first field called `name`, a lower-case literal, in any case, or nil.
    public func firstIndex(lowercased name: StaticString) -> Int? {
        bytes.span.withUnsafeBytes { b in
            for i in 0..<entries.count where ASCIIBytes.equalsIgnoringCase(b, nameRange(i), name) { return i }
            return nil
        }
    }

    /// The index of the first field with this name (any case), or nil.
    public func firstIndex(named name: String) -> Int? {
        let n = HeaderFields.lowercased(name)
        for i in 0..<entries.count where hasName(i, n) { return i }
        return nil
    }

    /// The first value for a (case-insensitive) name.
    public subscript(name: String) -> String? {
        firstIndex(named: name).map(value)
    }

    /// Every value for a (case-insensitive) name, in the order received.
    public func values(for name: String) -> [String] {
        let n = HeaderFields.lowercased(name)
        return (0..<entries.count).filter { hasName($0, n) }.map(value)
    }

    /// Every field as strings, names lower-cased, in the order received.
    public var pairs: [(name: String, value: String)] {
        (0..<entries.count).map { (name($0), value($0)) }
    }

    static func lowercased(_ s: String) -> String {
        let b = s.utf8.span
        for i in b.indices where b[i] >= 0x41 && b[i] <= 0x5a { return ASCIIBytes.lowercasedString(b, 0..<b.count) }
        return s
    }
}
