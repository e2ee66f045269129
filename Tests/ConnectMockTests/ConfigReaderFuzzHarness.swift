import ConnectMock

/// One fuzz input for the config reader (`MockConfig.parse`: YAML through Yams to the typed
/// config): any text gets a config or a `ConfigError` naming the file, never a trap, a stack
/// overflow, a runaway allocation or a hang (libFuzzer's RSS limit and `-timeout` catch the
/// last two). Shared by `make fuzz` (scripts/fuzz.sh yaml-config) and the corpus replay in
/// `swift test` (ConfigFuzzCorpusReplayTests).
///
/// It lives here rather than in Tests/FuzzTests because that target does not depend on
/// ConnectMock, where the config reader is.
enum ConfigReaderFuzzHarness {
    static func run(_ data: [UInt8]) {
        let text = String(decoding: data, as: UTF8.self)
        do {
            let config = try MockConfig.parse(text, file: "fuzz.yaml")
            precondition(!config.instances.isEmpty, "a config without instances was accepted")
            _ = config.redactedDescription()
        } catch {
            precondition(error.file == "fuzz.yaml", "a config error that does not name the file")
        }
    }
}
