import Foundation

/// Finds and reads the config: `--config`, else `$CONNECT_MOCK_CONFIG`, else `./config.yaml`,
/// else the built-in defaults; then the `CONNECT_MOCK_*` variables on top.
public enum ConfigLoader {
    public static func load(path: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> MockConfig {
        var chosen = path
        if chosen == nil, let e = environment["CONNECT_MOCK_CONFIG"], !e.isEmpty { chosen = e }
        if chosen == nil, FileManager.default.fileExists(atPath: "config.yaml") { chosen = "config.yaml" }
        var config: MockConfig
        if let chosen {
            guard let data = FileManager.default.contents(atPath: chosen), let text = String(data: data, encoding: .utf8) else {
                throw ConfigError(file: chosen, line: 0, path: "", message: "cannot read the file (missing, unreadable or not UTF-8)")
            }
            config = try MockConfig.parse(text, file: chosen)
        } else {
            config = MockConfig.defaults()
        }
        try config.applyEnvironment(environment)
        return config
    }
}
