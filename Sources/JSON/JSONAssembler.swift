import ASCII

/// A value for `JSONAssembler`: a leaf still to be written, or something already written.
public enum JSONPiece: Sendable {
    /// JSON text kept verbatim: a number as spelled, `true`, `false`, `null`.
    case literal(String)
    /// A string, quoted and escaped when written.
    case string(String)
    case array([JSONPiece])
    /// Bytes already in the assembler's buffer.
    case written(Range<Int>)

    public static func number(_ text: String) -> JSONPiece { .literal(text) }
    public static func int(_ v: Int) -> JSONPiece { .literal(String(v)) }
    public static func int64(_ v: Int64) -> JSONPiece { .literal(String(v)) }
    public static func bool(_ b: Bool) -> JSONPiece { .literal(b ? "true" : "false") }
}

/// Builds a JSON document bottom up in one buffer: each member is written as soon as it is
/// made, and an object copies its members' bytes in the order it chooses.
///
/// Synthesis used to build a `JSONValue` tree per contact, write it, then free it node by
/// node; the tree's allocations and reference counting cost more than the writing. Here a
/// written value is a range of the buffer, which the caller reorders as plain integers. The
/// bytes are the ones `JSONWriter` gives for the equal tree.
public final class JSONAssembler {
    /// Held through a pointer: every access to a class's stored property is checked for
    /// exclusivity at run time, and synthesis writes a hundred members per contact. An
    /// assembler belongs to one thread.
    private let out: UnsafeMutablePointer<OutputBuffer>

    public init(capacity: Int = 16_384) {
        out = .allocate(capacity: 1)
        out.initialize(to: OutputBuffer(capacity: capacity))
    }

    deinit {
        out.deinitialize(count: 1)
        out.deallocate()
    }

    /// Forgets everything written; the buffer's memory is kept for the next document.
    public func reset() { out.pointee.removeAll() }

    /// Writes `"key":value` and returns where it went.
    public func member(_ key: String, _ value: JSONPiece) -> Range<Int> {
        let start = out.pointee.count
        JSONWriter.writeString(key, into: &out.pointee)
        out.pointee.append(UInt8(ascii: ":"))
        JSONAssembler.emit(value, into: &out.pointee)
        return start..<out.pointee.count
    }

    /// The same with the key written beforehand.
    public func member(_ key: JSONKey, _ value: JSONPiece) -> Range<Int> {
        let start = out.pointee.count
        out.pointee.append(key.bytes)
        JSONAssembler.emit(value, into: &out.pointee)
        return start..<out.pointee.count
    }

    /// An object of `count` members already written by `member`, the k-th at `member(k)`.
    public func object(count: Int, member: (Int) -> Range<Int>) -> JSONPiece {
        let start = out.pointee.count
        out.pointee.appendList(count, open: UInt8(ascii: "{"), close: UInt8(ascii: "}")) { k, out in
            out.appendCopy(of: member(k))
        }
        return .written(start..<out.pointee.count)
    }

    /// Writes `value` and returns where it went.
    public func write(_ value: JSONPiece) -> JSONPiece {
        let start = out.pointee.count
        JSONAssembler.emit(value, into: &out.pointee)
        return .written(start..<out.pointee.count)
    }

    /// The bytes of a written piece (any other piece is written first).
    public func bytes(_ value: JSONPiece) -> [UInt8] {
        guard case .written(let r) = value else { return bytes(write(value)) }
        return out.pointee.array(r)
    }

    private static func emit(_ value: JSONPiece, into out: inout OutputBuffer) {
        switch value {
        case .literal(let text): out.append(text)
        case .string(let s): JSONWriter.writeString(s, into: &out)
        case .written(let r): out.appendCopy(of: r)
        case .array(let items):
            out.appendList(items.count, open: UInt8(ascii: "["), close: UInt8(ascii: "]")) { k, out in
                emit(items[k], into: &out)
            }
        }
    }
}

/// Object keys written once, each quoted, escaped and followed by its colon, for the keys
/// every document uses again and again.
///
/// The bytes live in one buffer that is allocated once and never freed, so make a table per
/// fixed set of names (a `static let`), never per document. Plain pointers are the point:
/// synthesis reads the same keys on every core at once, and reading them out of arrays cost an
/// atomic increment and decrement of the arrays' shared reference counts per member, which
/// kept the two cores' caches fighting over those counts.
public struct JSONKeyTable: @unchecked Sendable {
    private let bytes: UnsafeBufferPointer<UInt8>
    /// Key `k` is `bytes[ends[k - 1]..<ends[k]]` (from 0 for the first).
    private let ends: UnsafeBufferPointer<Int>

    public init(_ names: [String]) {
        var out = OutputBuffer(capacity: names.reduce(0) { $0 + $1.utf8.count + 8 })
        var ends: [Int] = []
        for name in names {
            JSONWriter.writeString(name, into: &out)
            out.append(UInt8(ascii: ":"))
            ends.append(out.count)
        }
        bytes = UnsafeBufferPointer(frozenCopyOf: out.array())
        self.ends = UnsafeBufferPointer(frozenCopyOf: ends)
    }

    public subscript(k: Int) -> JSONKey {
        JSONKey(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[(k == 0 ? 0 : ends[k - 1])..<ends[k]])))
    }
}

/// One key of a `JSONKeyTable`, as `JSONAssembler.member` writes it.
public struct JSONKey: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
}

extension UnsafeBufferPointer {
    /// A copy of `items` that is never freed: for tables that live as long as the process and
    /// are read by several threads at once (see `JSONKeyTable`).
    public init(frozenCopyOf items: [Element]) {
        let storage = UnsafeMutableBufferPointer<Element>.allocate(capacity: Swift.max(1, items.count))
        _ = storage.initialize(from: items)
        self.init(rebasing: storage[0..<items.count])
    }
}
