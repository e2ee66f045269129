import Foundation
import SigV4
import Timekeeping
import XCTest

/// Every case of AWS's SigV4 test suite (`../shared/testdata/aws-sigv4-test-suite`), both
/// forms: accepted at the case's time, the same canonical request and string to sign rebuilt,
/// and refused after a one-byte change to the signature, the path, the query or a signed header.
final class AWSTestSuiteTests: XCTestCase {
    struct Case {
        var name: String
        var folder: URL
        var context: [String: Any]
    }

    static var suiteFolder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/testdata/aws-sigv4-test-suite")
    }

    func loadCases() throws -> [Case] {
        let folder = AWSTestSuiteTests.suiteFolder
        guard FileManager.default.fileExists(atPath: folder.path) else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                XCTFail("the SigV4 test suite is missing at \(folder.path)")
                return []
            }
            throw XCTSkip("the SigV4 test suite is not beside the repo at \(folder.path)")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
            FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).appendingPathComponent("context.json").path)
        }.sorted()
        return try names.map { name in
            let f = folder.appendingPathComponent(name)
            let ctx = try JSONSerialization.jsonObject(with: Data(contentsOf: f.appendingPathComponent("context.json"))) as! [String: Any]
            return Case(name: name, folder: f, context: ctx)
        }
    }

    /// A signed request file as the verifier sees a request: folded lines joined, names lower case.
    static func parseRequest(_ text: String) -> SigV4Request {
        var lines = text.components(separatedBy: "\n")
        let requestLine = lines.removeFirst()
        let firstSpace = requestLine.firstIndex(of: " ")!
        let lastSpace = requestLine.lastIndex(of: " ")!
        let method = String(requestLine[..<firstSpace])
        let target = String(requestLine[requestLine.index(after: firstSpace)..<lastSpace])
        var headers: [(name: String, value: String)] = []
        var bodyStart: Int?
        for (k, line) in lines.enumerated() {
            if line.isEmpty { bodyStart = k + 1; break }
            if line.first == " " || line.first == "\t" {
                headers[headers.count - 1].value += "\n" + line
                continue
            }
            let colon = line.firstIndex(of: ":")!
            headers.append((line[..<colon].lowercased(), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
        }
        let body = bodyStart.map { lines[$0...].joined(separator: "\n") } ?? ""
        let q = target.firstIndex(of: "?")
        let path = q.map { target[..<$0] } ?? target[...]
        let query = q.map { target[target.index(after: $0)...] } ?? ""
        return SigV4Request(method: method, path: Substring(path), query: Substring(query), headers: headers, body: Array(body.utf8))
    }

    func verifier(for c: Case) -> SigV4Verifier {
        let creds = c.context["credentials"] as! [String: Any]
        return SigV4Verifier(
            options: .init(service: c.context["service"] as! String, maxSkewSeconds: 300, explainFailures: true,
                           normalizePath: c.context["normalize"] as! Bool),
            credentials: [SigV4Credential(accessKeyId: creds["access_key_id"] as! String, secretAccessKey: creds["secret_access_key"] as! String,
                                          sessionToken: creds["token"] as? String)])
    }

    func read(_ c: Case, _ file: String) throws -> String {
        try String(contentsOf: c.folder.appendingPathComponent(file), encoding: .utf8)
    }

    func testEveryCaseBothForms() throws {
        let cases = try loadCases()
        XCTAssertGreaterThanOrEqual(cases.count, 30, "expected the whole suite")
        var checked = 0
        for c in cases {
            let now = ISO8601.parse(c.context["timestamp"] as! String)!
            let v = verifier(for: c)
            for form in ["header", "query"] {
                let label = "\(c.name) (\(form))"
                let request = AWSTestSuiteTests.parseRequest(try read(c, "\(form)-signed-request.txt"))
                guard case .authenticated(let input) = v.verify(request, now: now) else {
                    XCTFail("\(label): refused: \(v.verify(request, now: now))")
                    continue
                }
                // A query token appended after signing (omit_session_token) is in the second candidate.
                let candidates = v.canonicalize(request, input: input)
                let signed = c.context["omit_session_token"] as? Bool == true && form == "query" ? 1 : 0
                guard candidates.count > signed else {
                    XCTFail("\(label): no candidate \(signed)")
                    continue
                }
                XCTAssertEqual(candidates[signed].canonicalRequest, try read(c, "\(form)-canonical-request.txt"), "\(label): canonical request")
                XCTAssertEqual(candidates[signed].stringToSign, try read(c, "\(form)-string-to-sign.txt"), "\(label): string to sign")
                for (what, mutated) in AWSTestSuiteTests.mutations(of: request, signedHeaders: input.signedHeaders, form: form) {
                    if case .authenticated = v.verify(mutated, now: now) {
                        XCTFail("\(label): accepted after a one-byte change to \(what)")
                    }
                }
                checked += 1
            }
        }
        XCTAssertEqual(checked, cases.count * 2)
    }

    static func flip(_ s: some StringProtocol, at index: Int) -> String {
        var b = Array(s.utf8)
        let i = min(max(0, index), b.count - 1)
        b[i] = b[i] == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
        return String(decoding: b, as: UTF8.self)
    }

    static func mutations(of r: SigV4Request, signedHeaders: [String], form: String) -> [(String, SigV4Request)] {
        var out: [(String, SigV4Request)] = []
        if form == "header" {
            var m = r
            let k = m.headers.firstIndex(where: { $0.name == "authorization" })!
            m.headers[k].value = flip(m.headers[k].value, at: m.headers[k].value.utf8.count - 1)
            out.append(("the signature", m))
        } else {
            var m = r
            let sig = m.query.range(of: "X-Amz-Signature=")!
            let pos = m.query.distance(from: m.query.startIndex, to: sig.upperBound)
            m.query = Substring(flip(m.query, at: pos + 10))
            out.append(("the signature", m))
        }
        var p = r
        p.path = Substring(flip(r.path, at: r.path.utf8.count - 1) + (r.path == "/" ? "x" : ""))
        if r.path == "/" { p.path = "/x" }
        out.append(("the path", p))
        if !r.query.isEmpty {
            var q = r
            q.query = Substring(flip(r.query, at: 1))
            out.append(("the query", q))
        }
        for name in signedHeaders {
            var h = r
            guard let k = h.headers.firstIndex(where: { $0.name == name }) else { continue }
            h.headers[k].value = flip(h.headers[k].value, at: h.headers[k].value.utf8.count - 1)
            out.append(("header \(name)", h))
        }
        return out
    }
}
