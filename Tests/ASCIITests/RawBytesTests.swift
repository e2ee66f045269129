import ASCII
import XCTest

final class RawBytesTests: XCTestCase {
    /// Growing keeps the bytes written so far and makes room for what was asked, at least
    /// doubling, so a run of appends copies each byte a bounded number of times.
    func testGrowKeepsTheBytesAndFitsTheRequest() {
        for (capacity, count, needed, expected) in [(16, 10, 17, 32), (16, 16, 100, 128), (64, 3, 65, 128), (8, 8, 9, 16)] {
            var base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 1)
            for i in 0..<count { base.storeBytes(of: UInt8(i + 1), toByteOffset: i, as: UInt8.self) }
            var cap = capacity
            RawBytes.grow(&base, capacity: &cap, keeping: count, toFit: needed, alignment: 1)
            XCTAssertEqual(cap, expected, "from \(capacity) to fit \(needed)")
            XCTAssertEqual((0..<count).map { base.load(fromByteOffset: $0, as: UInt8.self) }, (0..<count).map { UInt8($0 + 1) })
            base.storeBytes(of: 0xff, toByteOffset: needed - 1, as: UInt8.self)
            base.deallocate()
        }
    }
}
