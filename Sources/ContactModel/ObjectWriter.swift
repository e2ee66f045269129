import JSON
import Timekeeping

/// The members of one structure being written. Keys are looked up in the model, so a
/// misspelled one stops synthesis at once, and each must come after the one before in the
/// model's order.
struct ObjectWriter {
    let json: JSONStream
    let index: NameIndex
    let shape: String
    var last = -1

    mutating func key(_ name: String) {
        guard let k = index.position(of: name) else { preconditionFailure("\(shape) has no \(name)") }
        precondition(k > last, "\(shape).\(name) written out of the model's order")
        last = k
        json.key(index.keys[k])
    }

    mutating func string(_ name: String, _ value: String) {
        key(name)
        json.string(value)
    }

    mutating func int(_ name: String, _ value: some BinaryInteger) {
        key(name)
        json.int(value)
    }

    mutating func bool(_ name: String, _ value: Bool) {
        key(name)
        json.bool(value)
    }

    mutating func number(_ name: String, _ text: String) {
        key(name)
        json.literal(text)
    }

    mutating func timestamp(_ name: String, _ value: Instant) {
        number(name, TimestampValue.json(value))
    }

    mutating func object(_ name: String, _ shape: String, _ body: (inout ObjectWriter) -> Void) {
        key(name)
        ContactWriter.object(shape, json, body)
    }

    /// A member that a builder writes whole (an object, an array or a map).
    mutating func member(_ name: String, _ body: () -> Void) {
        key(name)
        body()
    }

    mutating func array(_ name: String, _ body: () -> Void) {
        key(name)
        json.beginArray()
        body()
        json.endArray()
    }

    mutating func strings(_ name: String, _ values: [String]) {
        let json = self.json
        array(name) { for v in values { json.string(v) } }
    }
}

/// A map's entries, in the sorted order the validator normalizes maps to (checked).
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
    static func object(_ shape: String, _ json: JSONStream, _ body: (inout ObjectWriter) -> Void) {
        guard let index = ShapeTable.memberIndex(of: shape) else { preconditionFailure(shape) }
        json.beginObject()
        var writer = ObjectWriter(json: json, index: index, shape: shape)
        body(&writer)
        json.endObject()
    }

    func object(_ shape: String, _ body: (inout ObjectWriter) -> Void) {
        ContactWriter.object(shape, json, body)
    }

    func map(_ body: (inout MapWriter) -> Void) {
        json.beginObject()
        var writer = MapWriter(json: json)
        body(&writer)
        json.endObject()
    }
}
