@testable import ConnectMock
import Foundation
import XCTest

/// No config text crashes or exhausts the reader: nesting is capped, aliases are bounded,
/// duplicate keys are found in linear time; each refusal names the line.
final class ConfigHardeningTests: XCTestCase {
    static let instances = "instances: [{id: i-1, region: us-east-1, accountId: \"123456789012\"}]\n"

    func parseError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> ConfigError? {
        do {
            _ = try MockConfig.parse(text, file: "c.yaml")
            XCTFail("accepted", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    /// 3,000 nested flow mappings and 5,000 nested sequences (flow and block) used to end in a
    /// stack overflow (SIGSEGV); now a located error at the cap JSON bodies have.
    func testDeepNestingIsRefusedWithItsLine() throws {
        let cases = [
            ("flow mappings", ConfigHardeningTests.instances + "a: " + String(repeating: "{b: ", count: 3000) + "1" + String(repeating: "}", count: 3000) + "\n", 2),
            ("flow sequences", ConfigHardeningTests.instances + "a:\n  " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "\n", 3),
            ("block sequences", ConfigHardeningTests.instances + "\n\na:\n" + String(repeating: "- ", count: 5000) + "x\n", 5),
        ]
        for (name, text, line) in cases {
            guard let e = parseError(text) else { continue }
            XCTAssertEqual(e.line, line, name)
            XCTAssertTrue(e.message.contains("nesting deeper than 128 levels"), "\(name): \(e)")
            XCTAssertTrue(e.description.hasPrefix("c.yaml:\(line): "), "\(name): \(e)")
        }
        // At the cap itself the text is read (and refused only for the unknown key).
        let atCap = ConfigHardeningTests.instances + "a: " + String(repeating: "[", count: 127) + String(repeating: "]", count: 127) + "\n"
        XCTAssertTrue(parseError(atCap)?.message.contains("unknown key \"a\"") == true)
    }

    /// Ten anchors of ten aliases each (480 bytes) stand for 10^10 nodes and grew the reader
    /// past 3 GB; the expansion is counted and refused at the alias that passes the cap.
    func testAliasBombIsRefusedQuickly() throws {
        var lines = ["a0: &a0 [x,x,x,x,x,x,x,x,x,x]"]
        for i in 1..<10 { lines.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ",") + "]") }
        let bomb = lines.joined(separator: "\n") + "\n"
        XCTAssertEqual(bomb.utf8.count, 480)
        let started = Date()
        let e = parseError(bomb)
        XCTAssertLessThan(Date().timeIntervalSince(started), 2)
        XCTAssertEqual(e?.line, 5)
        XCTAssertTrue(e?.message.contains("alias *a3") == true && e?.message.contains("100000 nodes") == true, "\(String(describing: e))")
    }

    /// Anchors and aliases within the bound are ordinary YAML and read as written.
    func testSmallAliasesAreRead() throws {
        let c = try MockConfig.parse("""
            x-instance: &inst {id: i-1, region: us-east-1, accountId: "123456789012"}
            """.replacingOccurrences(of: "x-instance: ", with: "instances: [") + "]\ncredentials: [{accessKeyId: &k AK, secretAccessKey: *k}]\n", file: "c.yaml")
        XCTAssertEqual(c.instances.map(\.id), ["i-1"])
        XCTAssertEqual(c.credentials.first?.secretAccessKey, "AK")
    }

    /// 200,000 top-level keys took 37 s to report their duplicate (a search per key).
    func testDuplicateKeyAmongManyIsFoundInLinearTime() throws {
        var text = ""
        text.reserveCapacity(3_000_000)
        for i in 0..<200_000 { text += "k\(i): 1\n" }
        text += "k5: 2\n"
        let started = Date()
        let e = parseError(text)
        XCTAssertLessThan(Date().timeIntervalSince(started), 15, "a debug build reads the 200,000 keys in about a second")
        XCTAssertEqual(e?.line, 200_001)
        XCTAssertEqual(e?.message, "duplicate key \"k5\"")
    }

    /// A document that is only null reads like an empty file (found by the yaml-config fuzzer:
    /// `!:x` gave a config with no instances).
    func testNullDocumentIsAnEmptyConfig() {
        for text in ["~", "null", "!:x", "!x", "--- ~\n"] {
            XCTAssertEqual(parseError(text)?.message, "expected at least one entry in instances", text)
        }
    }
}
