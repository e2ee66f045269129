import Foundation
import XCTest

/// Replays every committed input of `fuzz/corpus/yaml-config` through the harness the fuzzer
/// runs (FuzzCorpusReplayTests does the same for the targets in Tests/FuzzTests).
final class ConfigFuzzCorpusReplayTests: XCTestCase {
    func testReplayTheConfigReaderCorpus() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fuzz/corpus/yaml-config")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        XCTAssertGreaterThan(names.count, 0, "yaml-config: the corpus is empty")
        for name in names { ConfigReaderFuzzHarness.run(Array(try Data(contentsOf: folder.appendingPathComponent(name)))) }
    }
}
