import ASCII

/// Writes one JSON document front to back into a reused buffer: the caller opens and closes
/// objects and arrays and writes keys and values in their final order, and the commas take
/// care of themselves.
///
/// Synthesis first built a `JSONValue` tree per contact, then values that were written at
/// once but placed by their owners (copied once per level of nesting). Each cost more in
/// allocations and reference counting than in writing; written in place, a document is one
/// pass over its bytes. The bytes are the ones `JSONWriter` gives for the equal tree.
public final class JSONStream {
    /// Held through a pointer: every access to a class's stored property is checked for
    /// exclusivity at run time, and a document is a few hundred writes. A stream belongs to
    /// one thread.
    private let out: UnsafeMutablePointer<OutputBuffer>
    /// Whether the next key or value follows another and needs a comma first.
    private let needsComma: UnsafeMutablePointer<Bool>
    /// The largest value a writer marked since the last reset (`mark`).
    private let marked: UnsafeMutablePointer<Int64>

    public init(capacity: Int = 16_384) {
        out = .allocate(capacity: 1)
        out.initialize(to: OutputBuffer(capacity: capacity))
        needsComma = .allocate(capacity: 1)
        needsComma.initialize(to: false)
        marked = .allocate(capacity: 1)
        marked.initialize(to: .min)
    }

    deinit {
        out.deinitialize(count: 1)
        out.deallocate()
        needsComma.deallocate()
        marked.deallocate()
    }

    /// Forgets everything written; the buffer's memory is kept for the next document.
    public func reset() {
        out.pointee.removeAll()
        needsComma.pointee = false
        marked.pointee = .min
    }

    /// Notes a value beside the bytes: synthesis marks each timestamp it writes, so that the
    /// latest of a document's moments is known without parsing the document back.
    public func mark(_ value: Int64) {
        if value > marked.pointee { marked.pointee = value }
    }

    /// The largest value marked since the last reset; nil when none was.
    public var largestMark: Int64? { marked.pointee == .min ? nil : marked.pointee }

    /// The document written since the last reset.
    public func bytes() -> [UInt8] { out.pointee.array() }

    @inline(__always) private func separate() {
        if needsComma.pointee { out.pointee.append(UInt8(ascii: ",")) }
    }

    public func beginObject() { open(UInt8(ascii: "{")) }
    public func endObject() { close(UInt8(ascii: "}")) }
    public func beginArray() { open(UInt8(ascii: "[")) }
    public func endArray() { close(UInt8(ascii: "]")) }

    private func open(_ bracket: UInt8) {
        separate()
        out.pointee.append(bracket)
        needsComma.pointee = false
    }

    private func close(_ bracket: UInt8) {
        out.pointee.append(bracket)
        needsComma.pointee = true
    }

    /// A member's key, written beforehand with its colon; its value comes next.
    public func key(_ key: JSONKey) {
        separate()
        out.pointee.append(key.bytes)
        needsComma.pointee = false
    }

    /// A member's key made at run time (a map's); its value comes next.
    public func key(_ name: String) {
        separate()
        JSONWriter.writeString(name, into: &out.pointee)
        out.pointee.append(UInt8(ascii: ":"))
        needsComma.pointee = false
    }

    /// A string, quoted and escaped.
    public func string(_ s: String) {
        separate()
        JSONWriter.writeString(s, into: &out.pointee)
        needsComma.pointee = true
    }

    /// JSON text kept verbatim: a number as spelled, `true`, `false`, `null`.
    public func literal(_ text: String) {
        separate()
        out.pointee.append(text)
        needsComma.pointee = true
    }

    public func int(_ v: some BinaryInteger) { literal(String(v)) }
    public func bool(_ b: Bool) { literal(b ? "true" : "false") }
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

/// One key of a `JSONKeyTable`, as `JSONStream.key` writes it.
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
