import ContactModel
import JSON
import Timekeeping

/// One fuzz input for the fixture decoder (JSON parser, forms, validation): every input
/// yields records or located issues, never a trap; each record's document parses back.
/// Shared by `make fuzz` and the corpus replay in `swift test`.
enum FixtureDecoderFuzzHarness {
    static let decoder = FixtureDecoder(
        instances: [InstanceInfo(id: "8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01", region: "us-east-1", accountId: "123456789012")],
        now: Instant(secondsSinceEpoch: 1_780_000_000))

    static func run(_ data: [UInt8]) {
        let issues = decoder.decode(data, file: "fuzz", jsonLines: data.count % 2 == 0, sink: { record in
            precondition((try? JSONParser.parse(record.document)) != nil, "stored document does not parse")
        }, directory: { entry in
            precondition((try? JSONParser.parse(entry.document)) != nil, "stored user or queue does not parse")
            precondition(!entry.id.isEmpty, "a user or queue without an id")
        })
        for i in issues { precondition(i.line >= 1, "issue without a line") }
    }
}
