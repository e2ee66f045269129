import JSON
import Timekeeping

/// Realistic, internally consistent synthetic contacts (SPEC §4): deterministic for a seed
/// and a data clock, every channel and initiation method, ordered timestamps inside the
/// retention window, channel-specific members, transfer chains whose references resolve, and
/// routing criteria whose step statuses follow their order.
///
/// A chain's seed gives its skeleton (channel, ids, methods and every contact's timeline)
/// from one generator, and each contact's other members from a generator of its own: a seed
/// run makes only skeletons, and a read makes one contact's members.
public struct ContactSynthesizer: Sendable {
    /// Changes whenever the same recipe would give different bytes: stores keep recipes, and
    /// one written by another version is refused rather than served as different contacts.
    public static let generatorVersion: Int64 = 3

    public let instance: InstanceInfo
    public let seed: UInt64
    public let now: Instant
    /// The earliest initiation a contact gets.
    public let windowStart: Instant
    /// The users and queues its contacts' AgentInfo and QueueInfo name (SPEC §8); the smallest
    /// one unless given (a seed gives the one its count calls for, and records its sizes).
    public let directory: SyntheticDirectory

    public init(instance: InstanceInfo, seed: UInt64, now: Instant, policy: RetentionPolicy, directory: SyntheticDirectory? = nil) {
        self.init(instance: instance, seed: seed, now: now, windowStart: ContactSynthesizer.windowStart(now: now, policy: policy),
                  directory: directory)
    }

    /// The synthesizer of a stored run; `seed` only matters for making blocks.
    public init(instance: InstanceInfo, seed: UInt64 = 0, now: Instant, windowStart: Instant, directory: SyntheticDirectory? = nil) {
        self.instance = instance
        self.seed = seed
        self.now = now
        self.windowStart = windowStart
        self.directory = directory ?? SyntheticDirectory(instanceId: instance.id, contacts: 0)
        arnPrefix = instance.arn
    }

    /// The instance's ARN, which every document's ARNs start with; made once, not per document.
    let arnPrefix: String

    /// Contacts come in blocks of this many, each block from its own generator seeded by the
    /// seed and the block's index: blocks can then be made on several threads at once and still
    /// give the same contacts in the same order.
    public static let blockSize = 512

    public static func blockCount(for count: Int) -> Int { (count + blockSize - 1) / blockSize }

    /// Calls `sink` with `count` records, block after block.
    public func generate(count: Int, sink: (ContactRecord) throws -> Void) rethrows {
        for k in 0..<ContactSynthesizer.blockCount(for: count) {
            for record in block(k, of: count) { try sink(record) }
        }
    }

    /// Block `index` of a run of `count` contacts, as records that carry recipes. Chains are
    /// whole inside a block, so every reference resolves.
    public func block(_ index: Int, of count: Int) -> [ContactRecord] {
        var rng = SeededGenerator(seed: seed &+ UInt64(index) &* 0xd1b5_4a32_d192_ed03)
        var out: [ContactRecord] = []
        let first = index * ContactSynthesizer.blockSize
        let end = min(count, first + ContactSynthesizer.blockSize)
        out.reserveCapacity(max(0, end - first))
        var produced = first
        var previousLast: String?
        while produced < end {
            let length = min(end - produced, rng.chance(0.7) ? 1 : rng.int(2...3))
            let chainSeed = rng.next()
            let chain = skeleton(chainSeed: chainSeed, length: length)
            for (k, link) in chain.links.enumerated() {
                let recipe = SyntheticRecipe(chainSeed: chainSeed, chainLength: length, position: k,
                                             relatedContactId: chain.channel == "TASK" && link.relates ? previousLast : nil)
                out.append(ContactRecord(instanceId: instance.id, contactId: chain.ids[k], initiation: link.timeline.initiation, recipe: recipe))
            }
            previousLast = chain.ids.last
            produced += length
        }
        return out
    }

    /// The document of the contact `recipe` describes, in normalized form. A caller that makes
    /// many passes its own `stream`, whose buffer has long since grown to a document's size.
    public func document(for recipe: SyntheticRecipe, stream: JSONStream = JSONStream()) -> [UInt8] {
        documentAndLatest(for: recipe, stream: stream).document
    }

    /// The document and the latest timestamp written in it: no moment of the contact is later
    /// (every moment is a timestamp member), so at or after it the contact's view as of the
    /// clock is the document itself, and the store learns that without parsing the document.
    public func documentAndLatest(for recipe: SyntheticRecipe, stream: JSONStream = JSONStream()) -> (document: [UInt8], latest: Instant) {
        let chain = skeleton(chainSeed: recipe.chainSeed, length: recipe.chainLength)
        let k = recipe.position
        let link = chain.links[k]
        // The contact's own generator, seeded through one SplitMix step: seeds that differ by
        // a multiple of SplitMix's increment would give the same stream shifted.
        var mixer = SeededGenerator(seed: recipe.chainSeed ^ (UInt64(k + 1) << 56))
        var rng = SeededGenerator(seed: mixer.next())
        let context = ContactWriter.ChainContext(
            channel: chain.channel, method: link.method, answered: link.answered, timeline: link.timeline, id: chain.ids[k],
            initialId: k > 0 ? chain.ids[0] : nil, previousId: k > 0 ? chain.ids[k - 1] : nil,
            nextId: k + 1 < chain.ids.count ? chain.ids[k + 1] : nil, relatedId: recipe.relatedContactId)
        stream.reset()
        ContactWriter(instance: instance, arnPrefix: arnPrefix, json: stream, directory: directory).contact(context, rng: &rng)
        return (stream.bytes(), Instant(millisecondsSinceEpoch: stream.largestMark ?? link.timeline.initiation.millisecondsSinceEpoch))
    }

    /// The earliest initiation still visible at `now` (one minute of margin), never before the cutoff.
    static func windowStart(now: Instant, policy: RetentionPolicy) -> Instant {
        var start = now.addingCalendarMonths(-policy.months).adding(seconds: 60)
        if start < policy.cutoff { start = policy.cutoff }
        return start
    }
}
