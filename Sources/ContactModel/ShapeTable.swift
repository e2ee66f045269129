import JSON
/// A shape of botocore's model, reduced to what validation and synthesis need.
public indirect enum ShapeKind: Sendable {
    case structure(members: [(String, String)], required: [String], union: Bool)
    case list(member: String, min: Int?, max: Int?)
    case map(key: String, value: String, min: Int?, max: Int?)
    case string(min: Int?, max: Int?, pattern: String?, enumValues: [String]?)
    case integer(min: Int?, max: Int?)
    case long(min: Int?, max: Int?)
    case float(min: Double?, max: Double?)
    case boolean
    case timestamp
}

/// The Contact shape and everything it reaches, as generated from botocore.
public enum ShapeTable {
    public static let rootShape = "Contact"

    /// Members the mock requires although botocore marks none required: every real contact has
    /// them, and visibility depends on the first.
    public static let requiredContactMembers = ["InitiationTimestamp", "Channel", "InitiationMethod"]

    /// Each structure's member positions, found through `NameIndex`: synthesis looks up every
    /// key it writes (and checks the model's order with it), a search of the member list was
    /// a quarter of its time, and SipHash through `Dictionary` still a seventh.
    static let structureNames = NameIndex(generated.keys.sorted().filter { if case .structure = generated[$0]! { true } else { false } })
    /// Never written after it is built, so safe to share although pointers are not `Sendable`.
    nonisolated(unsafe) static let memberIndexes = UnsafeBufferPointer(frozenCopyOf: structureNames.names.map { name in
        guard case .structure(let members, _, _) = generated[name]! else { preconditionFailure(name) }
        return NameIndex(members.map(\.0))
    })

    /// The member index of structure `shape`, or nil when there is no such structure.
    static func memberIndex(of shape: String) -> NameIndex? {
        structureNames.position(of: shape).map { memberIndexes[$0] }
    }

    public static func shape(_ name: String) -> ShapeKind {
        guard let s = generated[name] else { preconditionFailure("shape \(name) missing from the generated table") }
        return s
    }
}

/// Positions of a fixed list of names in an open-addressed table with a fast unkeyed hash (the
/// names are the model's, not an attacker's, so that is safe).
///
/// Built once per structure for the process's life and never freed, and held through plain
/// pointers, like its `JSONKeyTable`: both producer threads of a seed look up members in the
/// same indexes at once, and arrays would make every lookup an atomic increment and decrement
/// of reference counts that both cores share.
struct NameIndex: @unchecked Sendable {
    let names: UnsafeBufferPointer<String>
    /// Each name as a JSON object key, written once rather than per document.
    let keys: JSONKeyTable
    private let slots: UnsafeBufferPointer<Int32>
    private let mask: Int

    init(_ names: [String]) {
        self.names = UnsafeBufferPointer(frozenCopyOf: names)
        keys = JSONKeyTable(names)
        var size = 8
        while size < names.count * 3 { size *= 2 }
        var slots = [Int32](repeating: -1, count: size)
        for (k, name) in names.enumerated() {
            var i = NameIndex.hash(name) & (size - 1)
            while slots[i] >= 0 { i = (i + 1) & (size - 1) }
            slots[i] = Int32(k)
        }
        self.slots = UnsafeBufferPointer(frozenCopyOf: slots)
        mask = size - 1
    }

    func position(of name: String) -> Int? {
        var i = NameIndex.hash(name) & mask
        while true {
            let k = Int(slots[i])
            if k < 0 { return nil }
            if names[k] == name { return k }
            i = (i + 1) & mask
        }
    }

    /// The length and the first and last eight bytes, mixed: constant time whatever the name's
    /// length. Names that share all three only share a probe sequence, which `position` walks.
    static func hash(_ name: String) -> Int {
        name.utf8.span.withUnsafeBytes { p in
            let n = p.count
            var head: UInt64 = 0, tail: UInt64 = 0
            if n >= 8 {
                head = p.loadUnaligned(as: UInt64.self)
                tail = p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            } else {
                for i in 0..<n { head = head << 8 | UInt64(p[i]) }
            }
            var h = (head ^ (tail &* 0x9e37_79b9_7f4a_7c15) ^ UInt64(n)) &* 0xff51_afd7_ed55_8ccd
            h ^= h >> 32
            return Int(truncatingIfNeeded: h)
        }
    }
}
