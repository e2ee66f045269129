import ContactModel
import JSON
import Timekeeping

/// The whole configuration (SPEC §6), validated. Built from YAML by `MockConfig.load`; every
/// field defaults to the shipped `config.yaml`.
public struct MockConfig: Sendable {
    public struct ServerSection: Sendable {
        public var host = "127.0.0.1"
        public var port = 8080
        public var workers = 1
        public var idleTimeoutSeconds = 60
        public var maxHeaderBytes = 16384
        public var maxBodyBytes = 1_048_576
        /// Not in the shipped file (SPEC §6 fixes its keys) but accepted: the request-target
        /// length (414 beyond) and the number of header fields (431 beyond).
        public var maxTargetBytes = 8192
        public var maxHeaderCount = 100
        /// Not in the shipped file either: worker k runs only on the k-th CPU the process may use.
        public var pinWorkers = false
    }

    public struct Credential: Sendable {
        public var accessKeyId: String
        public var secretAccessKey: String
        public var name: String
        public var sessionToken: String?
        /// Instances this key may read; nil means all.
        public var instances: [String]?
    }

    public enum AuthMode: String, Sendable, CaseIterable { case verify, off }

    public struct AuthSection: Sendable {
        public var mode = AuthMode.verify
        public var maxSkewSeconds = 300
        public var explainFailures = true
    }

    public struct RetentionSection: Sendable {
        public var policy = RetentionPolicy()
        public var purgeIntervalSeconds = 3600
    }

    public struct SeedSection: Sendable {
        public var fixtures: [String] = ["seed-data"]
        public var syntheticCount = 50
        public var syntheticSeed: UInt64 = 42
    }

    /// Whose calls share a token bucket: each access key's, or (as AWS's quotas are) each
    /// account's in each region, across every key and operation.
    public enum ThrottleScope: String, Sendable, CaseIterable {
        case accessKey, account
    }

    public struct ThrottleSection: Sendable {
        public var ratePerSecond: Double = 0
        public var burst = 0
        public var per = ThrottleScope.accessKey
    }

    public struct ValidationSection: Sendable {
        public var unknownMembers = UnknownMemberPolicy.reject
    }

    /// How a contact is shown against the data clock (SPEC §9): as it stands at now, or whole.
    public enum ContactView: String, Sendable, CaseIterable { case asOfClock, stored }

    public struct ContactsSection: Sendable {
        public var view = ContactView.asOfClock
    }

    public struct EventsSection: Sendable {
        /// How many events the feed keeps (`GET /_mock/events`).
        public var retain = 10_000
        public var webhooks: [String] = []
    }

    public struct OutboundSection: Sendable {
        public var rules: [OutboundRule] = []
    }

    public struct AdminSection: Sendable {
        public var enabled = true
        public var token: String?
        public var journalSize = 1000
    }

    public struct LoggingSection: Sendable {
        public var level = "info"
        public var format = "text"
    }

    public var server = ServerSection()
    public var databasePath = ".connect-mock/contacts.sqlite"
    public var instances: [InstanceInfo] = []
    public var credentials: [Credential] = []
    public var auth = AuthSection()
    public var retention = RetentionSection()
    public var clock = ClockSetting.system
    public var seed = SeedSection()
    public var throttle = ThrottleSection()
    public var validation = ValidationSection()
    public var faults: [FaultRule] = []
    public var contacts = ContactsSection()
    public var events = EventsSection()
    public var outbound = OutboundSection()
    public var admin = AdminSection()
    public var logging = LoggingSection()
    /// Where this config came from, for messages.
    public var source = "built-in defaults"

    public init() {}

    /// The built-in defaults, parsed from the embedded copy of `config.yaml`.
    public static func defaults() -> MockConfig {
        // The embedded text is tested to parse; a failure here is a build defect.
        try! parse(DefaultConfig.yaml, file: "built-in defaults")
    }

    /// The config in `text`. Each section reads its own keys (`ConfigSections.swift`); a key
    /// left out keeps the value above, which is the one place each default is written (the
    /// shipped `config.yaml` mirrors them, and a test holds the two equal).
    public static func parse(_ text: String, file: String) throws(ConfigError) -> MockConfig {
        let root = ValueReader(file: file, value: try YAMLTree.parse(text, file: file))
        var c = MockConfig()
        c.source = file
        try root.onlyKeys(MockConfig.sections)
        if let r = try root.child("server") { try c.server.read(r) }
        if let r = try root.child("database") {
            try r.onlyKeys(["path"])
            c.databasePath = try r.string("path", default: c.databasePath)
        }
        for i in try root.child("instances")?.items() ?? [] {
            let instance = try InstanceInfo.read(i)
            if c.instances.contains(where: { $0.id == instance.id }) { throw i.error("duplicate instance id \(instance.id)") }
            c.instances.append(instance)
        }
        for i in try root.child("credentials")?.items() ?? [] {
            let credential = try Credential.read(i)
            if c.credentials.contains(where: { $0.accessKeyId == credential.accessKeyId }) {
                throw i.error("duplicate accessKeyId \(credential.accessKeyId)")
            }
            c.credentials.append(credential)
        }
        if let r = try root.child("auth") { try c.auth.read(r) }
        if let r = try root.child("retention") { try c.retention.read(r) }
        if let r = try root.child("clock") { c.clock = try ClockSetting.read(r) }
        if let r = try root.child("seed") { try c.seed.read(r) }
        if let r = try root.child("throttle") { try c.throttle.read(r) }
        if let r = try root.child("validation") { try c.validation.read(r) }
        if let r = try root.child("faults") { c.faults = try r.items().map { i throws(ConfigError) in try FaultRule.read(i) } }
        if let r = try root.child("contacts") { try c.contacts.read(r) }
        if let r = try root.child("events") { try c.events.read(r) }
        if let r = try root.child("outbound") { try c.outbound.read(r) }
        if let r = try root.child("admin") { try c.admin.read(r) }
        if let r = try root.child("logging") { try c.logging.read(r) }
        try c.checkReferences(root)
        return c
    }

    /// The top-level keys, in the shipped file's order.
    static let sections = ["server", "database", "instances", "credentials", "auth", "retention", "clock", "seed",
                           "throttle", "validation", "faults", "contacts", "events", "outbound", "admin", "logging"]

    private func checkReferences(_ root: ValueReader) throws(ConfigError) {
        guard !instances.isEmpty else { throw root.error("expected at least one entry in instances") }
        for (k, cred) in credentials.enumerated() {
            for id in cred.instances ?? [] where !instances.contains(where: { $0.id == id }) {
                throw ConfigError(file: source, line: 0, path: "credentials[\(k)].instances",
                                  message: "expected ids of configured instances, found unknown instance \(id)")
            }
        }
    }

    /// Applies `CONNECT_MOCK_*` variables (they beat the file; flags beat them).
    public mutating func applyEnvironment(_ env: [String: String]) throws(ConfigError) {
        if let h = env["CONNECT_MOCK_HOST"], !h.isEmpty { server.host = h }
        if let p = env["CONNECT_MOCK_PORT"], !p.isEmpty {
            guard let n = Int(p), (0...65535).contains(n) else {
                throw ConfigError(file: "environment", line: 0, path: "CONNECT_MOCK_PORT", message: "expected a port from 0 to 65535, found \"\(p)\"")
            }
            server.port = n
        }
        if let d = env["CONNECT_MOCK_DATABASE"], !d.isEmpty { databasePath = d }
        if let l = env["CONNECT_MOCK_LOG_LEVEL"], !l.isEmpty {
            let levels = LoggingSection.levels
            guard levels.contains(l) else {
                throw ConfigError(file: "environment", line: 0, path: "CONNECT_MOCK_LOG_LEVEL", message: "expected one of \(levels.joined(separator: ", ")), found \"\(l)\"")
            }
            logging.level = l
        }
        if let c = env["CONNECT_MOCK_CLOCK"], !c.isEmpty {
            guard let setting = ClockSetting.parse(environment: c) else {
                throw ConfigError(file: "environment", line: 0, path: "CONNECT_MOCK_CLOCK",
                                  message: "expected an ISO 8601 instant, a signed number of seconds (a century at most) or \"system\", found \"\(c)\"")
            }
            clock = setting
        }
    }

    /// The effective configuration as YAML-compatible JSON, secrets replaced by `"***"`.
    public func redactedDescription() -> JSONValue { description(showingSecrets: false) }

    /// The effective configuration as YAML-compatible JSON, which read back is this config;
    /// secrets as they are only when asked (`check-config --show-secrets`, which the wheel's
    /// builder runs on the shipped config.yaml to give the Python package its defaults).
    public func description(showingSecrets: Bool) -> JSONValue {
        .fields([
            "server": server.json,
            "database": .fields(["path": .string(databasePath)]),
            "instances": .array(instances.map(\.configJSON)),
            "credentials": .array(credentials.map { $0.json(showingSecrets: showingSecrets) }),
            "auth": auth.json,
            "retention": retention.json,
            "clock": clock.json,
            "seed": seed.json,
            "throttle": throttle.json,
            "validation": validation.json,
            "faults": .array(faults.map(\.json)),
            "contacts": contacts.json,
            "events": events.json,
            "outbound": outbound.json,
            "admin": admin.json(showingSecrets: showingSecrets),
            "logging": logging.json,
        ])
    }
}
