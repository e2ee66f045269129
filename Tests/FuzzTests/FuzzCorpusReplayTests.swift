import Foundation
import XCTest

/// Replays every committed input of `fuzz/corpus/<target>` (what `make fuzz` found worth
/// keeping) through the same harness the fuzzer runs.
final class FuzzCorpusReplayTests: XCTestCase {
    func testReplayEveryCorpus() throws {
        let targets: [(String, ([UInt8]) -> Void)] = [
            ("http-parser", HTTPParserFuzzHarness.run),
            ("authorization", AuthorizationFuzzHarness.run),
            ("fixture-decoder", FixtureDecoderFuzzHarness.run),
            ("timestamp", TimestampFuzzHarness.run),
        ]
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fuzz/corpus")
        for (target, harness) in targets {
            let folder = root.appendingPathComponent(target)
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            XCTAssertGreaterThan(names.count, 0, "\(target): the corpus is empty")
            for name in names { harness(Array(try Data(contentsOf: folder.appendingPathComponent(name)))) }
        }
    }
}
