import ASCII
import SigV4

/// One fuzz input for the Authorization header, credential scope and presigned query parsers:
/// any text gets a typed value or one of AWS's errors, never a trap. Shared by `make fuzz` and
/// the corpus replay in `swift test`.
enum AuthorizationFuzzHarness {
    static func run(_ data: [UInt8]) {
        let text = String(decoding: data, as: UTF8.self)
        let headers = HeaderFields([("host", "h"), ("x-amz-date", "20261126T000000Z"), ("authorization", text)])
        if case .success(let input) = SignatureInputParser.parseHeader(headers, authorization: 2) {
            precondition(!input.accessKeyId.contains("/"), "credential split wrongly")
        }
        _ = SignatureInputParser.parseQuery(QueryParameter.parse(text[...]))
        _ = SignatureInputParser.parse(headers: HeaderFields([("date", text)]), query: QueryParameter.parse(("X-Amz-Algorithm=" + text)[...]))
        _ = RegionName.isWellFormed(text)
    }
}
