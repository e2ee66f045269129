@testable import ConnectMock
import ContactModel
import Foundation
import HTTP1
import JSON
import Logging
import Server
import Timekeeping
import XCTest

/// An answer as a client sees it, whichever way it travelled.
struct Reply {
    var status: Int
    /// Header names lower-cased.
    var headers: [String: String]
    var body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
    var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] }
}

/// One way to put a raw request to the mock.
protocol Exchange {
    var name: String { get }
    func send(_ raw: String) throws -> Reply
}

/// Runs one test body against the same application twice: in-process, where the raw request is
/// parsed by the HTTP parser and handed to the application's handler with no socket, and live,
/// where the application listens on port 0 and the request goes over a real socket. What a body
/// asserts therefore holds of the handler alone and of the server around it.
enum MockHarness {
    static func run(yaml: String, file: StaticString = #filePath, line: UInt = #line, _ body: (Exchange) throws -> Void) throws {
        let config = try MockConfig.parse(yaml, file: "harness")
        try body(try InProcessExchange(config: config))
        try live(config, file: file, line: line) { port in try body(LiveExchange(port: port)) }
    }

    /// The application started as `serve` starts it, on port 0 on a thread of its own, for the
    /// length of `body`; then stopped, and its loops must close with no handle left open.
    static func live(_ config: MockConfig, file: StaticString = #filePath, line: UInt = #line, _ body: (Int) throws -> Void) throws {
        let app = try MockApplication(config: config, logger: Logger(label: "harness"))
        let port = try app.start()
        let done = DispatchSemaphore(value: 0)
        Thread {
            app.run()
            done.signal()
        }.start()
        defer {
            app.stop()
            XCTAssertEqual(done.wait(timeout: .now() + 10), .success, "the loop did not stop", file: file, line: line)
            XCTAssertEqual(app.loopCloseResult, 0, "uv_loop_close: a handle was left open", file: file, line: line)
        }
        try body(port)
    }

    /// A fresh folder under the temporary directory holding `lines` (JSON lines) as `file`, for
    /// a config's `seed.fixtures`.
    static func fixtureFolder(_ name: String, file: String = "contacts.jsonl", lines: [String]) -> String {
        let dir = NSTemporaryDirectory() + "\(name)-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try! lines.joined(separator: "\n").write(toFile: dir + "/" + file, atomically: true, encoding: .utf8)
        return dir
    }

    /// One instance (`inst-1`, us-east-1), one key, auth off, the data clock at
    /// 2026-06-01T12:00:00Z, seeded from `fixtures`; `database` a fresh file unless given.
    static func oneInstanceYAML(fixtures: String, database: String? = nil) -> String {
        """
        server: {host: 127.0.0.1, port: 0}
        database: {path: "\(database ?? NSTemporaryDirectory() + "harness-\(UUID().uuidString).sqlite")"}
        instances: [{id: inst-1, region: us-east-1, accountId: "123456789012"}]
        credentials: [{accessKeyId: AKIDEXAMPLE, secretAccessKey: secret, name: demo}]
        auth: {mode: "off"}
        clock: {now: "2026-06-01T12:00:00Z"}
        seed: {fixtures: ["\(fixtures)"]}
        """
    }

    /// A request's text: the request line, `Host`, the given fields, `Connection: close`, body.
    static func request(_ method: String, _ target: String, headers: [(String, String)] = [], body: String = "") -> String {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\n"
        for (k, v) in headers { text += "\(k): \(v)\r\n" }
        if !body.isEmpty { text += "Content-Length: \(body.utf8.count)\r\n" }
        return text + "Connection: close\r\n\r\n" + body
    }
}

/// The handler called directly: the parser's request in, the handler's response out.
struct InProcessExchange: Exchange {
    let name = "in-process"
    let handler: MockHandler
    let limits: HTTPParserLimits

    init(config: MockConfig) throws {
        let app = try MockApplication(config: config, logger: Logger(label: "harness"))
        handler = MockHandler(state: app.state, store: app.firstStore)
        limits = HTTPParserLimits(maxHeaderBytes: config.server.maxHeaderBytes, maxBodyBytes: config.server.maxBodyBytes,
                                  maxTargetLength: config.server.maxTargetBytes, maxHeaderCount: config.server.maxHeaderCount)
    }

    func send(_ raw: String) throws -> Reply {
        var parser = HTTPRequestParser(limits: limits)
        Array(raw.utf8).withUnsafeBytes { parser.append($0) }
        let response: HTTPResponse
        do {
            guard case .request(let request) = try parser.next() else { throw POSIXError(.EINVAL) }
            switch handler.handle(request) {
            case .respond(let r), .respondAfter(_, let r): response = r
            case .respondLater(let start):
                // The job finishes on its own thread; the exchange waits for it, as a client does.
                let finished = Finished()
                start { finished.set($0) }
                response = finished.wait()
            }
        } catch let error as HTTPParseError {
            response = handler.errorResponse(for: error)
        }
        var headers: [String: String] = [:]
        if let type = response.contentType { headers["content-type"] = type.description }
        if let id = response.idHeader { headers[id.name.description.lowercased()] = id.value.string }
        for (k, v) in response.headers { headers[k.lowercased()] = v }
        let body = Array(response.envelope.before.description.utf8) + response.body + Array(response.envelope.after.description.utf8)
        headers["content-length"] = String(body.count)
        return Reply(status: response.status, headers: headers, body: body)
    }
}

/// A response handed over from another thread.
final class Finished: @unchecked Sendable {
    private let condition = NSCondition()
    private var response: HTTPResponse?

    func set(_ r: HTTPResponse) {
        condition.withLock {
            response = r
            condition.signal()
        }
    }

    func wait() -> HTTPResponse {
        condition.withLock {
            while response == nil { condition.wait() }
            return response!
        }
    }
}

/// The application on port 0, over a real socket.
struct LiveExchange: Exchange {
    let name = "live"
    let port: Int

    func send(_ raw: String) throws -> Reply {
        let c = try RawClient(port: port)
        try c.send(raw)
        let text = Array(c.readAll().utf8)
        guard let end = text.firstRange(of: Array("\r\n\r\n".utf8)) else { throw POSIXError(.EPROTO) }
        let head = String(decoding: text[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let status = Int(head[0].split(separator: " ")[1]) ?? -1
        return Reply(status: status, headers: headers, body: Array(text[end.upperBound...]))
    }
}

/// The parts of an AWS answer every table row checks: status, error type, JSON content type,
/// a request id, and the mock's reason header.
func assertAWSReply(_ reply: Reply, status: Int, code: String?, reason: String?, _ label: String,
                    file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(reply.status, status, "\(label): \(reply.text)", file: file, line: line)
    XCTAssertEqual(reply.headers["x-amzn-errortype"], code, label, file: file, line: line)
    XCTAssertEqual(reply.headers["content-type"], "application/json", label, file: file, line: line)
    XCTAssertNotNil(reply.headers["x-amzn-requestid"], label, file: file, line: line)
    XCTAssertEqual(reply.headers["x-mock-reason"], reason, label, file: file, line: line)
}

/// Checks a 200's body against the operation's output shape in botocore's model (the generated
/// `ModeledOperation.outputShape`): types, enums, patterns and required structure, members the
/// model does not know refused, length and count bounds left out (`enforcesBounds`). The Swift
/// tables hold the mock's answers to the model as the e2e suite holds them to botocore's.
func assertOutputShape(_ reply: Reply, operation: String, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
    if let problem = outputShapeProblem(reply.body, operation: operation) { XCTFail("\(label): \(problem)", file: file, line: line) }
}

/// Why `body` is not an answer of `operation`'s output shape, or nil.
func outputShapeProblem(_ body: [UInt8], operation: String) -> String? {
    guard let op = ModeledOperation.named(operation), let shape = op.outputShape else { return "\(operation) is not modeled with an output shape" }
    let json: JSONValue
    do { json = try JSONParser.parse(body) } catch { return "not JSON: \(error)" }
    // A far future now: the check is of the shape, not of whether a timestamp has come.
    let validator = ContactValidator(now: Instant(millisecondsSinceEpoch: 32_503_680_000_000), unknownMembers: .reject,
                                     enforcesBounds: false)
    if case .failure(let violation) = validator.normalizeInput(json, shape: shape) {
        return "\(operation)'s answer breaks \(shape): \(violation.message)"
    }
    return nil
}
