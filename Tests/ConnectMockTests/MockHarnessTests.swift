@testable import ConnectMock
import XCTest

/// The harness's own checks, which the table suites lean on, can fail and say why.
final class MockHarnessTests: XCTestCase {
    /// The output-shape check refuses a member the model does not have, a wrong type and a value
    /// outside an enum, naming the member; it leaves the model's bounds to input.
    func testTheOutputShapeCheckRefuses() throws {
        func problem(_ text: String, _ op: String) -> String? { outputShapeProblem(Array(text.utf8), operation: op) }
        XCTAssertNil(problem(#"{"ContactId":"c-1"}"#, "StartOutboundVoiceContact"))
        XCTAssertNil(problem(#"{"User":{"Id":"u","Tags":{}}}"#, "DescribeUser"), "bounds are the service's limits on input")
        let rows: [(body: String, operation: String, names: String)] = [
            (#"{"ContactId":"c-1","Bogus":1}"#, "StartOutboundVoiceContact", "bogus"),
            (#"{"ContactId":7}"#, "StartOutboundVoiceContact", "contactId"),
            (#"{"Contact":{"Channel":"PIGEON"}}"#, "DescribeContact", "contact.channel"),
        ]
        for row in rows {
            let reason = try XCTUnwrap(problem(row.body, row.operation), row.body)
            XCTAssertTrue(reason.contains("breaks \(row.operation)Response") && reason.contains("'\(row.names)'"), reason)
        }
        XCTAssertTrue(try XCTUnwrap(problem("{", "StopContact")).hasPrefix("not JSON"))
    }
}
