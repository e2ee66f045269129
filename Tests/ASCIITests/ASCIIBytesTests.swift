import ASCII
import XCTest

/// The word-at-a-time scans against byte-at-a-time loops, on random buffers with every byte
/// value at every offset and alignment.
final class ASCIIBytesTests: XCTestCase {
    func testWordScansAgreeWithByteLoops() {
        var rng = SystemRandomNumberGenerator()
        for trial in 0..<20_000 {
            let count = Int.random(in: 0...40, using: &rng)
            // Mostly printable bytes, with the bytes the scans look for (and their neighbours) sprinkled in.
            let specials: [UInt8] = [0x00, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x1f, 0x20, 0x21, 0x2c, 0x2d, 0x7e, 0x7f, 0x80, 0x8d, 0xfe, 0xff]
            let bytes: [UInt8] = (0..<count).map { _ in
                Int.random(in: 0..<8, using: &rng) == 0 ? specials.randomElement(using: &rng)! : UInt8.random(in: 0x21...0x7e, using: &rng)
            }
            let from = count == 0 ? 0 : Int.random(in: 0...count, using: &rng)
            bytes.withUnsafeBytes { p in
                var expected = from
                while expected < count, bytes[expected] != 0x0a, bytes[expected] != 0x0d { expected += 1 }
                XCTAssertEqual(ASCIIBytes.firstLineBreak(in: p, from: from), expected, "trial \(trial): \(bytes) from \(from)")
                var control = from
                while control < count, bytes[control] >= 0x20, bytes[control] != 0x7f { control += 1 }
                XCTAssertEqual(ASCIIBytes.firstControl(in: p, from..<count), control, "trial \(trial): \(bytes) from \(from)")
                for c: UInt8 in [0x00, 0x2c, 0x7f, 0xff] {
                    var index = from
                    while index < count, bytes[index] != c { index += 1 }
                    XCTAssertEqual(ASCIIBytes.first(c, in: p, from..<count), index, "trial \(trial): \(c) in \(bytes) from \(from)")
                }
                var invisible = from
                while invisible < count, bytes[invisible] >= 0x21, bytes[invisible] <= 0x7e { invisible += 1 }
                XCTAssertEqual(ASCIIBytes.firstInvisible(in: p, from..<count), invisible, "trial \(trial): \(bytes) from \(from)")
            }
        }
    }

    func testByteSetHoldsExactlyItsMembers() {
        let odd = ByteSet { $0 % 2 == 1 }
        let high = ByteSet { $0 >= 0xc0 }
        for c in 0...255 {
            XCTAssertEqual(odd.contains(UInt8(c)), c % 2 == 1)
            XCTAssertEqual(high.contains(UInt8(c)), c >= 0xc0)
        }
    }
}

final class AppendDecimalTests: XCTestCase {
    func testDigitsMatchStringConversion() {
        for n in [0, 7, 10, 99, 200, 3_412, -1, -505, Int.max, Int.min] {
            var out: [UInt8] = [0x41]
            out.appendDecimal(n)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), "A" + String(n))
        }
    }
}

final class HexDigitsTests: XCTestCase {
    /// Each word's bytes in memory are the digits `String(radix: 16)` gives, zero-padded:
    /// every digit value in every place, and a run of values besides.
    func testDigitsMatchStringConversion() {
        var values: [UInt32] = [0, 1, 9, 10, 15, 0xabcd_ef01, 0x1234_5678, 0xffff_ffff, 0x8000_0000]
        for place in 0..<8 { for digit in 0..<16 { values.append(UInt32(digit) << UInt32(4 * place)) } }
        var v: UInt32 = 0x9e37_79b9
        for _ in 0..<1000 {
            v = v &* 1_664_525 &+ 1_013_904_223
            values.append(v)
        }
        for v in values {
            let text = String(v, radix: 16)
            let expected = String(repeating: "0", count: 8 - text.count) + text
            let digits = ASCIIBytes.hexDigits(v)
            XCTAssertEqual(withUnsafeBytes(of: digits) { String(decoding: $0, as: UTF8.self) }, expected)
        }
    }

    /// Every byte: a value for exactly the hex digits of either case, the one `Int(_:radix:)`
    /// reads.
    func testDigitValueOfEveryByte() {
        for c in 0...255 {
            let expected = c < 0x80 ? UInt8(String(UnicodeScalar(UInt8(c))), radix: 16) : nil
            XCTAssertEqual(ASCIIBytes.hexDigitValue(UInt8(c)), expected, "byte \(c)")
        }
    }
}

final class UUID4Tests: XCTestCase {
    /// Version 4, variant 1, the bits in order: cases worked out independently (Python's
    /// formatting of the same masked 128 bits).
    func testUUIDsFromTwoWords() {
        let cases: [(UInt64, UInt64, String)] = [
            (0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210, "01234567-89ab-4def-bedc-ba9876543210"),
            (0, 0, "00000000-0000-4000-8000-000000000000"),
            (.max, .max, "ffffffff-ffff-4fff-bfff-ffffffffffff"),
            (0x1111_2222_3333_4444, 0x5555_6666_7777_8888, "11112222-3333-4444-9555-666677778888"),
        ]
        for (a, b, expected) in cases {
            XCTAssertEqual(UUID4(a, b).string, expected)
        }
    }
}
