import HTTP1

/// One fuzz input for the HTTP parser: the first byte picks where the bytes are split in two
/// reads; the parser must answer every input with requests or an error, never a trap, and
/// never hand out a body over the limit. Shared by `make fuzz` (libFuzzer) and the corpus
/// replay in `swift test`.
enum HTTPParserFuzzHarness {
    static func run(_ data: [UInt8]) {
        guard let first = data.first else { return }
        let rest = Array(data.dropFirst())
        let split = rest.isEmpty ? 0 : Int(first) % (rest.count + 1)
        let limits = HTTPParserLimits(maxHeaderBytes: 4096, maxBodyBytes: 4096, maxTargetLength: 1024, maxHeaderCount: 32)
        var parser = HTTPRequestParser(limits: limits)
        for part in [Array(rest[..<split]), Array(rest[split...])] {
            parser.append(part)
            drain: while true {
                guard let event = try? parser.next() else { return }
                switch event {
                case .request(let r):
                    precondition(r.body.count <= limits.maxBodyBytes, "body over the limit")
                    precondition(r.target.utf8.count <= limits.maxTargetLength + 8, "target over the limit")
                case .continueExpected:
                    continue
                case .needMoreData:
                    break drain
                }
            }
        }
    }
}
