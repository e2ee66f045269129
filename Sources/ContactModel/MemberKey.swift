import JSON

/// A structure of the model, as ContactMembers.generated.swift declares one per structure that
/// `Contact` reaches: its members' JSON keys, written once, in the model's order.
protocol StructureShape {
    static var keys: JSONKeyTable { get }
}

/// A member of structure `Owner` whose value is a `Target`: the member's position in the
/// model's order, which is also its key's place in `Owner.keys`.
///
/// The generator declares one per member (`MemberKey<ContactShapes.AgentInfo, ValueKind.Text>.id`),
/// so the synthesizer names members the compiler knows: a misspelled member, a member of
/// another structure or a value of the wrong kind is a compile error, not a failure at run
/// time, and finding a key is reading an array, not hashing its name.
struct MemberKey<Owner: StructureShape, Target> {
    let position: Int

    init(_ position: Int) { self.position = position }
}

/// What a member that is not a structure holds, as far as the writer's methods tell them apart.
/// A structure member's `Target` is the structure's own type.
enum ValueKind {
    enum Text {}
    /// integer and long.
    enum Integer {}
    /// float and double.
    enum Float {}
    enum Boolean {}
    enum Timestamp {}
    enum List<Element> {}
    enum Map<Value> {}
}
