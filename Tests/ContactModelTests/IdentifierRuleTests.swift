import XCTest
@testable import ContactModel

/// The id rule, and its shortcut for path labels sent without escapes: for every visible-ASCII
/// value the shortcut must give the full check's answer, or a label could pass that a body
/// member with the same value fails.
final class IdentifierRuleTests: XCTestCase {
    func testFullCheck() {
        let cases: [(value: String, min: Int?, max: Int?, expected: IdentifierRule.Violation?)] = [
            ("abc", nil, 3, nil),
            ("abcd", nil, 3, .tooLong(max: 3)),
            ("", 1, 3, .tooShort(min: 1)),
            ("a\u{01}b", nil, 10, .controlCharacters),
            ("a\u{7f}", nil, 10, .controlCharacters),
            // Three characters in six bytes: within a limit of 3 characters.
            ("ééé", nil, 3, nil),
            ("éééé", nil, 3, .tooLong(max: 3)),
        ]
        for c in cases {
            XCTAssertEqual(IdentifierRule.violation(of: c.value, min: c.min, max: c.max), c.expected, "\(c.value.debugDescription)")
        }
    }

    func testVisibleASCIIShortcutAgreesWithTheFullCheck() {
        for length in 0...12 {
            let value = String(repeating: "a", count: length)
            for (min, max) in [(nil, 5), (1, 5), (1, 100), (3, nil as Int?)] as [(Int?, Int?)] {
                XCTAssertEqual(IdentifierRule.violation(ofVisibleASCII: length, min: min, max: max),
                               IdentifierRule.violation(of: value, min: min, max: max), "length \(length), min \(String(describing: min)), max \(String(describing: max))")
            }
        }
    }
}
