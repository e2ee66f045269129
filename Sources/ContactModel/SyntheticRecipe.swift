/// What the store keeps of a synthetic contact instead of its document: the seed of its
/// transfer chain and its place in that chain. The document is made again from these on
/// read, byte for byte the same (`ContactSynthesizer.document(for:)`), so a seed writes 11
/// to 47 bytes per contact rather than a document of a few kilobytes: a million contacts no
/// longer wait on synthesis and on writing gigabytes.
public struct SyntheticRecipe: Sendable, Equatable {
    public var chainSeed: UInt64
    public var chainLength: Int
    public var position: Int
    /// The contact a task relates to: the last of the block's previous chain, which this
    /// chain's seed alone cannot name.
    public var relatedContactId: String?

    public init(chainSeed: UInt64, chainLength: Int, position: Int, relatedContactId: String?) {
        self.chainSeed = chainSeed
        self.chainLength = chainLength
        self.position = position
        self.relatedContactId = relatedContactId
    }

    static let format: UInt8 = 1

    /// Format byte, the seed in little-endian order, length, position, then the related id's UTF-8.
    public var bytes: [UInt8] {
        var out: [UInt8] = [SyntheticRecipe.format]
        out.reserveCapacity(11 + (relatedContactId?.utf8.count ?? 0))
        for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: chainSeed >> (8 * k))) }
        out.append(UInt8(chainLength))
        out.append(UInt8(position))
        if let relatedContactId { out.append(contentsOf: relatedContactId.utf8) }
        return out
    }

    public init?(bytes: [UInt8]) {
        guard bytes.count >= 11, bytes[0] == SyntheticRecipe.format else { return nil }
        var seed: UInt64 = 0
        for k in 0..<8 { seed |= UInt64(bytes[1 + k]) << (8 * k) }
        let length = Int(bytes[9]), position = Int(bytes[10])
        guard (1...3).contains(length), position < length else { return nil }
        self.init(chainSeed: seed, chainLength: length, position: position,
                  relatedContactId: bytes.count > 11 ? String(decoding: bytes[11...], as: UTF8.self) : nil)
    }
}
