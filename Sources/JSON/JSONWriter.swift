import ASCII

/// Compact JSON output: members in the order given, strings escaped minimally (quotes,
/// backslash, control characters), non-ASCII written as UTF-8.
public enum JSONWriter {
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var out = OutputBuffer(capacity: 256)
        write(value, into: &out)
        return out.array()
    }

    public static func string(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    static func write(_ value: JSONValue, into out: inout OutputBuffer) {
        switch value {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .number(let n): out.append(n)
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            out.appendList(items.count, open: UInt8(ascii: "["), close: UInt8(ascii: "]")) { k, out in
                write(items[k], into: &out)
            }
        case .object(let members):
            out.appendList(members.count, open: UInt8(ascii: "{"), close: UInt8(ascii: "}")) { k, out in
                writeString(members[k].key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(members[k].value, into: &out)
            }
        }
    }

    /// Most strings need no escape: they are found so eight bytes at a time and copied whole.
    static func writeString(_ s: String, into out: inout OutputBuffer) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { p in
            let raw = UnsafeRawBufferPointer(p)
            var from = 0
            while true {
                let next = ASCIIBytes.firstJSONEscape(in: raw, from..<p.count)
                out.append(UnsafeRawBufferPointer(rebasing: raw[from..<next]))
                if next == p.count { break }
                let c = p[next]
                out.append(0x5c)
                switch c {
                case 0x22, 0x5c: out.append(c)
                case 0x0a: out.append(UInt8(ascii: "n"))
                case 0x0d: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                default:
                    out.append("u00")
                    ASCIIBytes.lowercaseHexDigits.withUTF8Buffer { d in
                        out.append(d[Int(c >> 4)])
                        out.append(d[Int(c & 15)])
                    }
                }
                from = next + 1
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// The writer's growable byte buffer: appends are a bounds check and a copy, without the
/// uniqueness check an `Array` makes on every append (writing was a third of a synthetic
/// contact's instructions).
struct OutputBuffer: ~Copyable {
    private var base: UnsafeMutableRawPointer
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(byteCount: self.capacity, alignment: 1)
    }

    deinit { base.deallocate() }

    @inline(__always) private mutating func ensure(_ extra: Int) {
        if count + extra > capacity { grow(extra) }
    }

    @inline(never) private mutating func grow(_ extra: Int) {
        RawBytes.grow(&base, capacity: &capacity, keeping: count, toFit: count + extra, alignment: 1)
    }

    @inline(__always) mutating func append(_ byte: UInt8) {
        ensure(1)
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    @inline(__always) mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let from = bytes.baseAddress, bytes.count > 0 else { return }
        ensure(bytes.count)
        (base + count).copyMemory(from: from, byteCount: bytes.count)
        count += bytes.count
    }

    mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    func array() -> [UInt8] {
        [UInt8](UnsafeRawBufferPointer(start: base, count: count))
    }

    /// `open`, then `count` items written by `item` with commas between, then `close`: every
    /// JSON array and object.
    mutating func appendList(_ count: Int, open: UInt8, close: UInt8, _ item: (Int, inout OutputBuffer) -> Void) {
        append(open)
        for k in 0..<count {
            if k > 0 { append(UInt8(ascii: ",")) }
            item(k, &self)
        }
        append(close)
    }

    mutating func removeAll() { count = 0 }
}
