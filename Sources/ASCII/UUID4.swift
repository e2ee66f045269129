/// A version-4, variant-1 UUID held as its 128 bits, written as text only where it goes out:
/// a request's id travels to the response head and the journal as two words, so no request
/// allocates or counts references to a string for it.
public struct UUID4: Sendable, Hashable {
    public let high: UInt64
    public let low: UInt64

    /// `a` and `b` with the version (4) and variant (10) bits set.
    public init(_ a: UInt64, _ b: UInt64) {
        high = (a & 0xffff_ffff_ffff_0fff) | 0x4000
        low = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000
    }

    /// The length of the text form, `xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`.
    public static let textCount = 36

    /// Writes the text form into the first 36 bytes of `out`, eight digits at a time; a group
    /// of four with a dash inside moves its last four along by one to make room.
    public func write(to out: UnsafeMutableRawBufferPointer) {
        precondition(out.count >= UUID4.textCount)
        out.storeBytes(of: ASCIIBytes.hexDigits(UInt32(truncatingIfNeeded: high >> 32)), toByteOffset: 0, as: UInt64.self)
        out.storeBytes(of: ASCIIBytes.hexDigits(UInt32(truncatingIfNeeded: high)), toByteOffset: 9, as: UInt64.self)
        for i in (13...16).reversed() { out[i + 1] = out[i] }
        out.storeBytes(of: ASCIIBytes.hexDigits(UInt32(truncatingIfNeeded: low >> 32)), toByteOffset: 19, as: UInt64.self)
        for i in (23...26).reversed() { out[i + 1] = out[i] }
        out.storeBytes(of: ASCIIBytes.hexDigits(UInt32(truncatingIfNeeded: low)), toByteOffset: 28, as: UInt64.self)
        out[8] = 0x2d
        out[13] = 0x2d
        out[18] = 0x2d
        out[23] = 0x2d
    }

    public var string: String {
        String(unsafeUninitializedCapacity: UUID4.textCount) { buffer in
            write(to: UnsafeMutableRawBufferPointer(buffer))
            return UUID4.textCount
        }
    }
}
