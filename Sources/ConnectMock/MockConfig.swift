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

    public enum AuthMode: String, Sendable { case verify, off }

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

    public static func parse(_ text: String, file: String) throws(ConfigError) -> MockConfig {
        let root = ValueReader(file: file, value: try YAMLTree.parse(text, file: file))
        var c = MockConfig()
        c.source = file
        if case .null = root.value { return c }
        try root.onlyKeys(["server", "database", "instances", "credentials", "auth", "retention", "clock", "seed",
                           "throttle", "validation", "faults", "admin", "logging"])
        if let s = try root.child("server") {
            try s.onlyKeys(["host", "port", "workers", "idleTimeoutSeconds", "maxHeaderBytes", "maxBodyBytes", "maxTargetBytes", "maxHeaderCount", "pinWorkers"])
            c.server.host = try s.string("host", default: c.server.host)
            c.server.port = try s.int("port", default: c.server.port, min: 0, max: 65535)
            c.server.workers = try s.int("workers", default: c.server.workers, min: 1, max: 64)
            c.server.idleTimeoutSeconds = try s.int("idleTimeoutSeconds", default: c.server.idleTimeoutSeconds, min: 1, max: 86400)
            c.server.maxHeaderBytes = try s.int("maxHeaderBytes", default: c.server.maxHeaderBytes, min: 1024, max: 1 << 20)
            c.server.maxBodyBytes = try s.int("maxBodyBytes", default: c.server.maxBodyBytes, min: 0, max: 1 << 30)
            c.server.maxTargetBytes = try s.int("maxTargetBytes", default: c.server.maxTargetBytes, min: 64, max: 1 << 20)
            c.server.maxHeaderCount = try s.int("maxHeaderCount", default: c.server.maxHeaderCount, min: 4, max: 10_000)
            c.server.pinWorkers = try s.bool("pinWorkers", default: c.server.pinWorkers)
        }
        if let d = try root.child("database") {
            try d.onlyKeys(["path"])
            c.databasePath = try d.string("path", default: c.databasePath)
        }
        if let list = try root.child("instances") {
            for item in try list.items() {
                try item.onlyKeys(["id", "region", "accountId", "alias"])
                guard let id = try item.child("id")?.string(), !id.isEmpty, id.count <= 100 else { throw item.error("expected an id of 1 to 100 characters") }
                guard let region = try item.child("region")?.string() else { throw item.error("expected a region (us-east-1, ...)") }
                guard let account = try item.child("accountId")?.string(), account.count == 12, account.allSatisfy(\.isNumber) else {
                    throw item.error("expected accountId as a 12-digit string (quote it in YAML)")
                }
                if c.instances.contains(where: { $0.id == id }) { throw item.error("duplicate instance id \(id)") }
                c.instances.append(InstanceInfo(id: id, region: region, accountId: account, alias: try item.child("alias")?.string()))
            }
        }
        if let list = try root.child("credentials") {
            for item in try list.items() {
                try item.onlyKeys(["accessKeyId", "secretAccessKey", "name", "sessionToken", "instances"])
                guard let key = try item.child("accessKeyId")?.string(), !key.isEmpty else { throw item.error("expected accessKeyId") }
                guard let secret = try item.child("secretAccessKey")?.string(), !secret.isEmpty else { throw item.error("expected secretAccessKey") }
                var allowed: [String]?
                if let ids = try item.child("instances") {
                    allowed = try ids.items().map { r throws(ConfigError) in try r.string() }
                }
                if c.credentials.contains(where: { $0.accessKeyId == key }) { throw item.error("duplicate accessKeyId \(key)") }
                c.credentials.append(Credential(accessKeyId: key, secretAccessKey: secret, name: try item.string("name", default: key),
                                                sessionToken: try item.child("sessionToken")?.string(), instances: allowed))
            }
        }
        if let a = try root.child("auth") {
            try a.onlyKeys(["mode", "maxSkewSeconds", "explainFailures"])
            if let m = try a.child("mode") { c.auth.mode = AuthMode(rawValue: try m.oneOf(["verify", "off"]))! }
            c.auth.maxSkewSeconds = try a.int("maxSkewSeconds", default: c.auth.maxSkewSeconds, min: 0, max: 7 * 86400)
            c.auth.explainFailures = try a.bool("explainFailures", default: c.auth.explainFailures)
        }
        if let r = try root.child("retention") {
            try r.onlyKeys(["months", "cutoff", "purgeIntervalSeconds"])
            c.retention.policy.months = try r.int("months", default: 24, min: 1, max: 1200)
            if let cut = try r.child("cutoff") {
                guard let instant = ISO8601.parse(try cut.string()) else { throw cut.error("expected an ISO 8601 instant, found \(cut.describe())") }
                c.retention.policy.cutoff = instant
            }
            c.retention.purgeIntervalSeconds = try r.int("purgeIntervalSeconds", default: 3600, min: 0, max: 365 * 86400)
        }
        if let k = try root.child("clock") { c.clock = try ClockSetting.read(k) }
        if let s = try root.child("seed") {
            try s.onlyKeys(["fixtures", "synthetic"])
            if let f = try s.child("fixtures") { c.seed.fixtures = try f.items().map { r throws(ConfigError) in try r.string() } } else { c.seed.fixtures = [] }
            if let syn = try s.child("synthetic") {
                try syn.onlyKeys(["count", "seed"])
                c.seed.syntheticCount = try syn.int("count", default: 0, min: 0, max: 10_000_000)
                c.seed.syntheticSeed = UInt64(try syn.int("seed", default: 42, min: 0, max: Int.max))
            } else {
                c.seed.syntheticCount = 0
            }
        }
        if let t = try root.child("throttle") {
            try t.onlyKeys(["ratePerSecond", "burst", "per"])
            c.throttle.ratePerSecond = try t.child("ratePerSecond")?.double(min: 0, max: 1e9) ?? 0
            c.throttle.burst = try t.int("burst", default: 0, min: 0, max: 1_000_000_000)
            if let p = try t.child("per") { c.throttle.per = ThrottleScope(rawValue: try p.oneOf(ThrottleScope.allCases.map(\.rawValue)))! }
        }
        if let v = try root.child("validation") {
            try v.onlyKeys(["unknownMembers"])
            if let u = try v.child("unknownMembers") {
                c.validation.unknownMembers = UnknownMemberPolicy(rawValue: try u.oneOf(UnknownMemberPolicy.allCases.map(\.rawValue)))!
            }
        }
        if let f = try root.child("faults") { c.faults = try f.items().map { r throws(ConfigError) in try FaultRule.read(r) } }
        if let a = try root.child("admin") {
            try a.onlyKeys(["enabled", "token", "journalSize"])
            c.admin.enabled = try a.bool("enabled", default: true)
            c.admin.token = try a.child("token")?.string()
            c.admin.journalSize = try a.int("journalSize", default: 1000, min: 0, max: 1_000_000)
        }
        if let l = try root.child("logging") {
            try l.onlyKeys(["level", "format"])
            if let v = try l.child("level") { c.logging.level = try v.oneOf(["trace", "debug", "info", "notice", "warning", "error", "critical"]) }
            if let v = try l.child("format") { c.logging.format = try v.oneOf(["text", "json"]) }
        }
        try c.checkReferences(root)
        return c
    }

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
            let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
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
    public func redactedDescription() -> JSONValue {
        .fields([
            "server": .fields([
                "host": .string(server.host), "port": .int(server.port), "workers": .int(server.workers),
                "idleTimeoutSeconds": .int(server.idleTimeoutSeconds), "maxHeaderBytes": .int(server.maxHeaderBytes),
                "maxBodyBytes": .int(server.maxBodyBytes), "maxTargetBytes": .int(server.maxTargetBytes),
                "maxHeaderCount": .int(server.maxHeaderCount), "pinWorkers": .bool(server.pinWorkers),
            ]),
            "database": .fields(["path": .string(databasePath)]),
            "instances": .array(instances.map { i in
                .fields(["id": .string(i.id), "region": .string(i.region), "accountId": .string(i.accountId), "alias": i.alias.map(JSONValue.string) ?? .null])
            }),
            "credentials": .array(credentials.map { c in
                var m: [JSONMember] = [JSONMember(key: "accessKeyId", value: .string(c.accessKeyId)),
                                       JSONMember(key: "secretAccessKey", value: .string("***")),
                                       JSONMember(key: "name", value: .string(c.name))]
                if c.sessionToken != nil { m.append(JSONMember(key: "sessionToken", value: .string("***"))) }
                if let ids = c.instances { m.append(JSONMember(key: "instances", value: .array(ids.map(JSONValue.string)))) }
                return .object(m)
            }),
            "auth": .fields(["mode": .string(auth.mode.rawValue), "maxSkewSeconds": .int(auth.maxSkewSeconds), "explainFailures": .bool(auth.explainFailures)]),
            "retention": .fields(["months": .int(retention.policy.months), "cutoff": .string(ISO8601.format(retention.policy.cutoff)),
                                  "purgeIntervalSeconds": .int(retention.purgeIntervalSeconds)]),
            "clock": clock.json,
            "seed": .fields(["fixtures": .array(seed.fixtures.map(JSONValue.string)),
                             "synthetic": .fields(["count": .int(seed.syntheticCount), "seed": .number(String(seed.syntheticSeed))])]),
            "throttle": .fields(["ratePerSecond": .number(String(throttle.ratePerSecond)), "burst": .int(throttle.burst),
                                 "per": .string(throttle.per.rawValue)]),
            "validation": .fields(["unknownMembers": .string(validation.unknownMembers.rawValue)]),
            "faults": .array(faults.map(\.json)),
            "admin": .fields(["enabled": .bool(admin.enabled), "token": admin.token == nil ? .null : .string("***"), "journalSize": .int(admin.journalSize)]),
            "logging": .fields(["level": .string(logging.level), "format": .string(logging.format)]),
        ])
    }
}
