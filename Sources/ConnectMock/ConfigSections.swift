import ContactModel
import JSON
import Timekeeping

// Each section of config.yaml reads its own keys, listed once beside the code that reads them,
// and describes itself for `check-config`. A key left out keeps the section's current value:
// the defaults are the property values in MockConfig.swift.

extension MockConfig.ServerSection {
    static let keys = ["host", "port", "workers", "idleTimeoutSeconds", "maxHeaderBytes", "maxBodyBytes", "maxTargetBytes",
                       "maxHeaderCount", "pinWorkers"]

    mutating func read(_ r: ValueReader) throws(ConfigError) {
        try r.onlyKeys(Self.keys)
        host = try r.string("host", default: host)
        port = try r.int("port", default: port, min: 0, max: 65535)
        workers = try r.int("workers", default: workers, min: 1, max: 64)
        idleTimeoutSeconds = try r.int("idleTimeoutSeconds", default: idleTimeoutSeconds, min: 1, max: 86400)
        maxHeaderBytes = try r.int("maxHeaderBytes", default: maxHeaderBytes, min: 1024, max: 1 << 20)
        maxBodyBytes = try r.int("maxBodyBytes", default: maxBodyBytes, min: 0, max: 1 << 30)
        maxTargetBytes = try r.int("maxTargetBytes", default: maxTargetBytes, min: 64, max: 1 << 20)
        maxHeaderCount = try r.int("maxHeaderCount", default: maxHeaderCount, min: 4, max: 10_000)
        pinWorkers = try r.bool("pinWorkers", default: pinWorkers)
    }

    var json: JSONValue {
        .fields([
            "host": .string(host), "port": .int(port), "workers": .int(workers), "idleTimeoutSeconds": .int(idleTimeoutSeconds),
            "maxHeaderBytes": .int(maxHeaderBytes), "maxBodyBytes": .int(maxBodyBytes), "maxTargetBytes": .int(maxTargetBytes),
            "maxHeaderCount": .int(maxHeaderCount), "pinWorkers": .bool(pinWorkers),
        ])
    }
}

extension InstanceInfo {
    static let configKeys = ["id", "region", "accountId", "alias"]

    static func read(_ r: ValueReader) throws(ConfigError) -> InstanceInfo {
        try r.onlyKeys(configKeys)
        guard let id = try r.child("id")?.string(), !id.isEmpty, id.count <= IdentifierRule.maxInstanceIdLength else {
            throw r.error("expected an id of 1 to \(IdentifierRule.maxInstanceIdLength) characters")
        }
        guard let region = try r.child("region")?.string() else { throw r.error("expected a region (us-east-1, ...)") }
        guard let account = try r.child("accountId")?.string(), account.count == 12, account.allSatisfy(\.isNumber) else {
            throw r.error("expected accountId as a 12-digit string (quote it in YAML)")
        }
        return InstanceInfo(id: id, region: region, accountId: account, alias: try r.child("alias")?.string())
    }

    var configJSON: JSONValue {
        .fields(["id": .string(id), "region": .string(region), "accountId": .string(accountId), "alias": alias.map(JSONValue.string) ?? .null])
    }
}

extension MockConfig.Credential {
    static let keys = ["accessKeyId", "secretAccessKey", "name", "sessionToken", "instances"]

    static func read(_ r: ValueReader) throws(ConfigError) -> MockConfig.Credential {
        try r.onlyKeys(keys)
        guard let key = try r.child("accessKeyId")?.string(), !key.isEmpty else { throw r.error("expected accessKeyId") }
        guard let secret = try r.child("secretAccessKey")?.string(), !secret.isEmpty else { throw r.error("expected secretAccessKey") }
        let allowed = try r.child("instances")?.items().map { i throws(ConfigError) in try i.string() }
        return MockConfig.Credential(accessKeyId: key, secretAccessKey: secret, name: try r.string("name", default: key),
                                     sessionToken: try r.child("sessionToken")?.string(), instances: allowed)
    }

    /// Secrets as `"***"` unless `showingSecrets`.
    func json(showingSecrets: Bool) -> JSONValue {
        func secret(_ s: String) -> JSONValue { .string(showingSecrets ? s : "***") }
        var m = [JSONMember(key: "accessKeyId", value: .string(accessKeyId)), JSONMember(key: "secretAccessKey", value: secret(secretAccessKey)),
                 JSONMember(key: "name", value: .string(name))]
        if let sessionToken { m.append(JSONMember(key: "sessionToken", value: secret(sessionToken))) }
        if let instances { m.append(JSONMember(key: "instances", value: .array(instances.map(JSONValue.string)))) }
        return .object(m)
    }
}

extension MockConfig.AuthSection {
    static let keys = ["mode", "maxSkewSeconds", "explainFailures"]

    mutating func read(_ r: ValueReader) throws(ConfigError) {
        try r.onlyKeys(Self.keys)
        if let m = try r.child("mode") { mode = try m.oneOf(MockConfig.AuthMode.self) }
        maxSkewSeconds = try r.int("maxSkewSeconds", default: maxSkewSeconds, min: 0, max: 7 * 86400)
        explainFailures = try r.bool("explainFailures", default: explainFailures)
    }

    var json: JSONValue {
        .fields(["mode": .string(mode.rawValue), "maxSkewSeconds": .int(maxSkewSeconds), "explainFailures": .bool(explainFailures)])
    }
}

extension MockConfig.RetentionSection {
    static let keys = ["months", "cutoff", "purgeIntervalSeconds"]

    mutating func read(_ r: ValueReader) throws(ConfigError) {
        try r.onlyKeys(Self.keys)
        policy.months = try r.int("months", default: policy.months, min: 1, max: 1200)
        if let cut = try r.child("cutoff") {
            guard let instant = ISO8601.parse(try cut.string()) else { throw cut.error("expected an ISO 8601 instant, found \(cut.describe())") }
            policy.cutoff = instant
        }
        purgeIntervalSeconds = try r.int("purgeIntervalSeconds", default: purgeIntervalSeconds, min: 0, max: 365 * 86400)
    }

    var json: JSONValue {
        .fields(["months": .int(policy.months), "cutoff": .string(ISO8601.format(policy.cutoff)), "purgeIntervalSeconds": .int(purgeIntervalSeconds)])
    }
}

extension MockConfig.SeedSection {
    static let keys = ["fixtures", "synthetic"]
    static let syntheticKeys = ["count", "seed"]

    /// A `seed:` section replaces the default seed whole: a key it leaves out means none.
    mutating func read(_ r: ValueReader) throws(ConfigError) {
        try r.onlyKeys(Self.keys)
        fixtures = try r.child("fixtures")?.items().map { i throws(ConfigError) in try i.string() } ?? []
        if let syn = try r.child("synthetic") {
            try syn.onlyKeys(Self.syntheticKeys)
            syntheticCount = try syn.int("count", default: 0, min: 0, max: 10_000_000)
            syntheticSeed = UInt64(try syn.int("seed", default: Int(syntheticSeed), min: 0, max: Int.max))
        } else {
            syntheticCount = 0
        }
    }

    var json: JSONValue {
        .fields(["fixtures": .array(fixtures.map(JSONValue.string)),
                 "synthetic": .fields(["count": .int(syntheticCount), "seed": .number(String(syntheticSeed))])])
    }
}

extension MockConfig.ThrottleSection {
    static let keys = ["ratePerSecond", "burst", "per"]

    mutating func read(_ r: ValueReader) throws(ConfigError) {
        try r.onlyKeys(Self.keys)
        ratePerSecond = try r.child("ratePerSecond")?.double(min: 0, max: 1e9) ?? ratePerSecond
        burst = try r.int("burst", default: burst, min: 0, max: 1_000_000_000)
        if let p = try r.child("per") { per = try p.oneOf(MockConfig.ThrottleScope.self) }
    }

    var json: JSONValue {
        .fields(["ratePerSecond": .number(String(ratePerSecond)), "burst": .int(burst), "per": .string(per.rawValue)])
    }
}

extension MockConfig.ValidationSection {
    static let keys = ["unknownMembers"]

    mutating func read(_ r: ValueReader) throws(ConfigError) {
        try r.onlyKeys(Self.keys)
        if let u = try r.child("unknownMembers") { unknownMembers = try u.oneOf(UnknownMemberPolicy.self) }
    }

    var json: JSONValue { .fields(["unknownMembers": .string(unknownMembers.rawValue)]) }
}

extension MockConfig.AdminSection {
    static let keys = ["enabled", "token", "journalSize"]

    mutating func read(_ r: ValueReader) throws(ConfigError) {
        try r.onlyKeys(Self.keys)
        enabled = try r.bool("enabled", default: enabled)
        token = try r.child("token")?.string()
        journalSize = try r.int("journalSize", default: journalSize, min: 0, max: 1_000_000)
    }

    /// The token as `"***"` unless `showingSecrets`.
    func json(showingSecrets: Bool) -> JSONValue {
        .fields(["enabled": .bool(enabled), "token": token.map { .string(showingSecrets ? $0 : "***") } ?? .null, "journalSize": .int(journalSize)])
    }
}

extension MockConfig.LoggingSection {
    static let keys = ["level", "format"]
    static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    mutating func read(_ r: ValueReader) throws(ConfigError) {
        try r.onlyKeys(Self.keys)
        if let v = try r.child("level") { level = try v.oneOf(Self.levels) }
        if let v = try r.child("format") { format = try v.oneOf(["text", "json"]) }
    }

    var json: JSONValue { .fields(["level": .string(level), "format": .string(format)]) }
}

extension ValueReader {
    /// One of an enum's raw values.
    func oneOf<E: RawRepresentable & CaseIterable>(_ type: E.Type) throws(ConfigError) -> E where E.RawValue == String {
        let s = try oneOf(E.allCases.map(\.rawValue))
        return E(rawValue: s)!
    }
}
