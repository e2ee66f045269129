import ContactModel
import ContactStore
import Foundation
import JSON
import Logging
import Server
import Timekeeping

/// What each CLI command does, behind the argument parsing in `main`. Each returns the exit
/// code: 0 success, 1 runtime failure, 2 bad usage, config or fixtures.
public enum Commands {
    public struct Overrides {
        public var host: String?
        public var port: Int?
        public var database: String?

        public init(host: String? = nil, port: Int? = nil, database: String? = nil) {
            self.host = host
            self.port = port
            self.database = database
        }
    }

    static func fail(_ message: String) {
        printError("connect-mock: " + message)
    }

    /// A line on standard error.
    public static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func loadConfig(_ path: String?, _ o: Overrides = Overrides()) -> MockConfig? {
        do {
            var c = try ConfigLoader.load(path: path)
            if let h = o.host { c.server.host = h }
            if let p = o.port { c.server.port = p }
            if let d = o.database { c.databasePath = d }
            LogSetup.bootstrap(level: c.logging.level, format: c.logging.format)
            return c
        } catch {
            fail("bad config: \(error)")
            return nil
        }
    }

    public static func serve(configPath: String?, overrides: Overrides) -> Int32 {
        guard let config = loadConfig(configPath, overrides) else { return 2 }
        let logger = Logger(label: "connect-mock")
        ProcessLimits.raiseOpenFileLimit()
        do {
            let app = try MockApplication(config: config, logger: logger)
            let port = try app.start(handleSignals: true)
            let host = config.server.host.contains(":") ? "[\(config.server.host)]" : config.server.host
            out("connect-mock listening on http://\(host):\(port)")
            app.run()
            logger.info("stopped")
            return 0
        } catch let e as SeedFailure {
            fail("the configured seed failed; nothing was written:\n\(e)")
            return 2
        } catch {
            fail("\(error)")
            return 1
        }
    }

    public static func seed(configPath: String?, fixtures: [String], synthetic: Int?, seed: UInt64?, instance: String?, replace: Bool) -> Int32 {
        guard let config = loadConfig(configPath) else { return 2 }
        do {
            let store = try config.openStore(waiting: fail)
            let now = DataClock(config.clock).now()
            let seeder = Seeder(config: config, now: now)
            let report = try seeder.seed(into: store, fixtures: fixtures, syntheticCount: synthetic ?? 0,
                                         syntheticSeed: seed ?? config.seed.syntheticSeed, instanceId: instance, replace: replace)
            out(report.summary)
            return 0
        } catch let e as SeedFailure {
            fail("seed failed; nothing was written:\n\(e)")
            return 2
        } catch {
            fail("\(error)")
            return 1
        }
    }

    public static func purge(configPath: String?) -> Int32 {
        guard let config = loadConfig(configPath) else { return 2 }
        do {
            let store = try config.openStore(waiting: fail)
            let n = try store.purge(policy: config.retention.policy, now: DataClock(config.clock).now())
            out("purged \(n) contacts")
            return 0
        } catch {
            fail("\(error)")
            return 1
        }
    }

    public static func checkConfig(configPath: String?, showingSecrets: Bool = false) -> Int32 {
        guard let config = loadConfig(configPath) else { return 2 }
        out(JSONWriter.string(config.description(showingSecrets: showingSecrets)))
        return 0
    }

    public static func healthcheck(url: String) -> Int32 {
        guard let parsed = URLComponents(string: url), parsed.scheme == "http", let host = parsed.host else {
            fail("expected an http:// URL, found \(url)")
            return 2
        }
        let path = parsed.percentEncodedPath.isEmpty ? "/_mock/health" : parsed.percentEncodedPath
        let status = HTTPProbe.status(host: host, port: parsed.port ?? 80, path: path)
        guard status == 200 else {
            fail(status.map { "\(url) answered \($0)" } ?? "nothing answered at \(url)")
            return 1
        }
        return 0
    }
}
