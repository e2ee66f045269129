import JSON
import Timekeeping

/// The members of one structure `S` being written, named by the typed keys the generator
/// declares per member (ContactMembers.generated.swift): a member `S` does not have, or a
/// value of another kind than the member's, does not compile. Each member must still come
/// after the one before in the model's order (the order validation normalizes to), checked
/// with one comparison of positions.
///
/// A key is `S.keys[position]`: bytes written once per process, found without hashing a name.
struct ObjectWriter<S: StructureShape> {
    let json: JSONStream
    /// `S.keys`, read once per structure rather than once per member.
    let keys: JSONKeyTable
    var last = -1

    init(json: JSONStream) {
        self.json = json
        keys = S.keys
    }

    mutating func key(_ member: MemberKey<S, some Any>) {
        precondition(member.position > last, "\(S.self): member \(member.position) written after member \(last), out of the model's order")
        last = member.position
        json.key(keys[member.position])
    }

    mutating func string(_ member: MemberKey<S, ValueKind.Text>, _ value: String) {
        key(member)
        json.string(value)
    }

    mutating func int(_ member: MemberKey<S, ValueKind.Integer>, _ value: some BinaryInteger) {
        key(member)
        json.int(value)
    }

    mutating func bool(_ member: MemberKey<S, ValueKind.Boolean>, _ value: Bool) {
        key(member)
        json.bool(value)
    }

    /// A float or double member, spelled as JSON.
    mutating func number(_ member: MemberKey<S, ValueKind.Float>, _ text: String) {
        key(member)
        json.literal(text)
    }

    mutating func timestamp(_ member: MemberKey<S, ValueKind.Timestamp>, _ value: Instant) {
        key(member)
        json.literal(TimestampValue.json(value))
        json.mark(value.millisecondsSinceEpoch)
    }

    /// A structure member, its members written by `body`.
    mutating func object<T: StructureShape>(_ member: MemberKey<S, T>, _ body: (inout ObjectWriter<T>) -> Void) {
        key(member)
        ContactWriter.object(T.self, json, body)
    }

    /// A member that a builder writes whole (an object, an array or a map).
    mutating func member(_ member: MemberKey<S, some Any>, _ body: () -> Void) {
        key(member)
        body()
    }

    mutating func array<Element>(_ member: MemberKey<S, ValueKind.List<Element>>, _ body: () -> Void) {
        key(member)
        json.beginArray()
        body()
        json.endArray()
    }

    mutating func strings(_ member: MemberKey<S, ValueKind.List<ValueKind.Text>>, _ values: [String]) {
        let json = self.json
        array(member) { for v in values { json.string(v) } }
    }
}

/// A map's entries, in the sorted order the validator normalizes maps to (checked). Map keys
/// are data, not members, so they stay strings.
struct MapWriter {
    let json: JSONStream
    var last: String?

    mutating func key(_ name: String) {
        if let last { precondition(last < name, "map key \(name) written after \(last)") }
        last = name
        json.key(name)
    }

    mutating func string(_ name: String, _ value: String) {
        key(name)
        json.string(value)
    }
}

/// Opening a structure or a map: on the contact writer rather than on the member writers, since
/// a builder such as `endpoint` opens its structure wherever its caller put the key.
extension ContactWriter {
    static func object<S: StructureShape>(_ shape: S.Type, _ json: JSONStream, _ body: (inout ObjectWriter<S>) -> Void) {
        json.beginObject()
        var writer = ObjectWriter<S>(json: json)
        body(&writer)
        json.endObject()
    }

    func object<S: StructureShape>(_ shape: S.Type, _ body: (inout ObjectWriter<S>) -> Void) {
        ContactWriter.object(shape, json, body)
    }

    func map(_ body: (inout MapWriter) -> Void) {
        json.beginObject()
        var writer = MapWriter(json: json)
        body(&writer)
        json.endObject()
    }
}
