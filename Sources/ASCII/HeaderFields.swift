/// Header fields as one byte buffer of lower-cased names and values, plus where each lies.
///
/// The HTTP parser fills it from the read buffer with one copy and SigV4 reads the values as
/// bytes, so a request's fields cost two allocations however many there are, rather than a
/// `String` per name and value. It lives here, beside the byte helpers, because HTTP1 and SigV4
/// both use it and neither may depend on the other.
public struct HeaderFields: Sendable {
    public private(set) var bytes: [UInt8] = []
    private var entries: [Entry] = []

    private struct Entry: Sendable {
        var nameStart: Int32
        var valueStart: Int32
        var valueEnd: Int32
    }

    public init() {}

    /// Names are lower-cased (ASCII case folding: field names are tokens).
    public init(_ pairs: [(String, String)]) {
        for (n, v) in pairs { append(name: n, value: v) }
    }

    public var count: Int { entries.count }

    public mutating func reserveCapacity(fields: Int, bytes byteCount: Int) {
        entries.reserveCapacity(fields)
        bytes.reserveCapacity(byteCount)
    }

    /// Appends a field, lower-casing the name as it is copied.
    public mutating func append(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        let nameStart = bytes.count
        bytes.append(contentsOf: name)
        let valueStart = bytes.count
        bytes.withUnsafeMutableBufferPointer { b in
            for i in nameStart..<valueStart where b[i] >= 0x41 && b[i] <= 0x5a { b[i] |= 0x20 }
        }
        bytes.append(contentsOf: value)
        entries.append(Entry(nameStart: Int32(nameStart), valueStart: Int32(valueStart), valueEnd: Int32(bytes.count)))
    }

    public mutating func append(name: String, value: String) {
        var n = name, v = value
        n.withUTF8 { nb in v.withUTF8 { vb in append(name: nb, value: vb) } }
    }

    /// Where the lower-cased name of field `i` lies in `bytes`.
    public func nameRange(_ i: Int) -> Range<Int> { Int(entries[i].nameStart)..<Int(entries[i].valueStart) }

    /// Where the value of field `i` lies in `bytes`.
    public func valueRange(_ i: Int) -> Range<Int> { Int(entries[i].valueStart)..<Int(entries[i].valueEnd) }

    public func name(_ i: Int) -> String { ASCIIBytes.string(bytes.span, nameRange(i)) }

    public func value(_ i: Int) -> String { ASCIIBytes.string(bytes.span, valueRange(i)) }

    /// Whether field `i` is called `lowercasedName`.
    public func hasName(_ i: Int, _ lowercasedName: String) -> Bool {
        let r = nameRange(i)
        let b = bytes.span, n = lowercasedName.utf8.span
        guard n.count == r.count else { return false }
        for k in 0..<n.count where b[r.lowerBound + k] != n[k] { return false }
        return true
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

    /// Every field as strings, in the order received.
    public var pairs: [(name: String, value: String)] {
        (0..<entries.count).map { (name($0), value($0)) }
    }

    static func lowercased(_ s: String) -> String {
        let b = s.utf8.span
        for i in b.indices where b[i] >= 0x41 && b[i] <= 0x5a { return ASCIIBytes.lowercasedString(b, 0..<b.count) }
        return s
    }
}

extension HeaderFields: Sequence {
    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        pairs.makeIterator()
    }
}
