import ContactModel
import ContactStore
import Foundation
import Logging
import SigV4
import Timekeeping

/// What every worker shares: config, data clock, verifier, journal, faults, throttle and
/// metrics. Workers run on their own threads, so each mutable part takes a lock (uncontended
/// with one worker, and held for microseconds). Stores are per worker, not here.
final class MockState: @unchecked Sendable {
    let config: MockConfig
    let logger: Logger
    let clock: DataClock
    let verifier: SigV4Verifier
    let credentialsByKey: [String: MockConfig.Credential]
    let journal: RequestJournal
    let throttle: Throttle
    let metrics = Metrics()
    private var faults: [FaultRule]
    private let faultLock = NSLock()
    private var rng = SystemRandomNumberGenerator()

    init(config: MockConfig, logger: Logger) {
        self.config = config
        self.logger = logger
        clock = DataClock(config.clock)
        verifier = SigV4Verifier(
            options: .init(service: "connect", maxSkewSeconds: Int64(config.auth.maxSkewSeconds), explainFailures: config.auth.explainFailures),
            credentials: config.credentials.map { SigV4Credential(accessKeyId: $0.accessKeyId, secretAccessKey: $0.secretAccessKey, sessionToken: $0.sessionToken) })
        var byKey: [String: MockConfig.Credential] = [:]
        for c in config.credentials { byKey[c.accessKeyId] = c }
        credentialsByKey = byKey
        journal = RequestJournal(capacity: config.admin.journalSize)
        throttle = Throttle(ratePerSecond: config.throttle.ratePerSecond, burst: config.throttle.burst)
        faults = config.faults
    }

    func setFaults(_ rules: [FaultRule]) {
        faultLock.withLock { faults = rules }
    }

    func currentFaults() -> [FaultRule] {
        faultLock.withLock { faults }
    }

    /// The first matching rule that fires this time (probability), its count taken.
    func firingFault(instanceId: String, contactId: String, accessKeyId: String?) -> FaultRule? {
        faultLock.lock()
        defer { faultLock.unlock() }
        for k in faults.indices {
            let rule = faults[k]
            guard rule.matches(instanceId: instanceId, contactId: contactId, accessKeyId: accessKeyId) else { continue }
            if let r = rule.remaining, r <= 0 { continue }
            if rule.probability < 1, Double.random(in: 0..<1, using: &rng) >= rule.probability { continue }
            if let r = rule.remaining { faults[k].remaining = r - 1 }
            return rule
        }
        return nil
    }

    /// Seeds `store` from the config's `seed:` at the data clock, emptying it first when `replace`.
    func seedFromConfig(into store: ContactStore, replace: Bool) throws -> SeedReport {
        let seeder = Seeder(instances: config.instances, policy: config.retention.policy, now: clock.now())
        return try seeder.seed(into: store, fixtures: config.seed.fixtures, syntheticCount: config.seed.syntheticCount,
                               syntheticSeed: config.seed.syntheticSeed, instanceId: nil, replace: replace)
    }

    func purge(_ store: ContactStore) -> Int {
        do {
            return try store.purge(policy: config.retention.policy, now: clock.now())
        } catch {
            logger.error("purge failed: \(error)")
            return 0
        }
    }
}

/// Counters and a latency histogram in Prometheus' text format 0.0.4.
final class Metrics: @unchecked Sendable {
    private let lock = NSLock()
    static let buckets: [Double] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]
    private struct Series: Hashable {
        var route: String
        var status: Int
    }

    private var requests: [Series: Int] = [:]
    private var bucketCounts = [Int](repeating: 0, count: Metrics.buckets.count)
    private var count = 0
    private var sum = 0.0

    func observe(route: String, status: Int, seconds: Double) {
        lock.lock()
        defer { lock.unlock() }
        requests[Series(route: route, status: status), default: 0] += 1
        count += 1
        sum += seconds
        for (k, b) in Metrics.buckets.enumerated() where seconds <= b { bucketCounts[k] += 1 }
    }

    func exposition(contacts: Int) -> String {
        lock.lock()
        defer { lock.unlock() }
        var s = "# HELP connect_mock_requests_total Requests answered, by route and status.\n# TYPE connect_mock_requests_total counter\n"
        for key in requests.keys.sorted(by: { ($0.route, $0.status) < ($1.route, $1.status) }) {
            s += "connect_mock_requests_total{route=\"\(key.route)\",status=\"\(key.status)\"} \(requests[key]!)\n"
        }
        s += "# HELP connect_mock_request_duration_seconds Time from a parsed request to its response.\n# TYPE connect_mock_request_duration_seconds histogram\n"
        for (k, b) in Metrics.buckets.enumerated() { s += "connect_mock_request_duration_seconds_bucket{le=\"\(b)\"} \(bucketCounts[k])\n" }
        s += "connect_mock_request_duration_seconds_bucket{le=\"+Inf\"} \(count)\n"
        s += "connect_mock_request_duration_seconds_sum \(sum)\nconnect_mock_request_duration_seconds_count \(count)\n"
        s += "# HELP connect_mock_contacts Contacts stored.\n# TYPE connect_mock_contacts gauge\nconnect_mock_contacts \(contacts)\n"
        return s
    }
}
