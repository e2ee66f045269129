import ContactModel
import ContactStore
import Foundation
import Logging
import Server
import SigV4
import Synchronization
import Timekeeping

/// What every worker shares: config, data clock, journal, faults, throttle and metrics.
/// Workers run on their own threads. What every request touches is per worker (store,
/// verifier, journal and metrics shards) or read without a lock (clock, whether any fault is
/// set), so workers on two cores do not pass a lock's cache line back and forth; the rest
/// takes a lock.
final class MockState: @unchecked Sendable {
    let config: MockConfig
    let logger: Logger
    let clock: DataClock
    let journal: RequestJournal
    let throttle: Throttle
    let metrics = Metrics()
    let outbound: OutboundState
    /// Contact events: the feed and the contacts whose moments lie ahead (SPEC §9).
    let events: EventSchedule
    /// The mock API's large writes, off the loops.
    let jobs: StoreJobs
    /// Where events are POSTed (`events.webhooks`, `PUT /_mock/webhooks`).
    let webhooks: WebhookDispatcher
    private var faults: [FaultRule]
    private let faultLock = NSLock()
    /// Whether any rule is set, read without the lock: most runs have none, and every
    /// request asks.
    private let hasFaults = Atomic<Bool>(false)
    private var rng = SystemRandomNumberGenerator()

    init(config: MockConfig, logger: Logger) {
        self.config = config
        self.logger = logger
        clock = DataClock(config.clock)
        journal = RequestJournal(capacity: config.admin.journalSize)
        throttle = Throttle(ratePerSecond: config.throttle.ratePerSecond, burst: config.throttle.burst)
        outbound = OutboundState(rules: config.outbound.rules)
        events = EventSchedule(feed: EventFeed(capacity: config.events.retain), start: clock.now(), logger: logger)
        webhooks = WebhookDispatcher(options: WebhookDeliveryOptions(queueLimit: config.events.retain))
        jobs = StoreJobs(path: config.databasePath, logger: logger)
        faults = config.faults
        hasFaults.store(!config.faults.isEmpty, ordering: .releasing)
    }

    /// A verifier for one worker: each keeps its own signing keys, so workers never share the
    /// lock around them.
    func makeVerifier() -> SigV4Verifier {
        SigV4Verifier(
            options: .init(service: "connect", maxSkewSeconds: Int64(config.auth.maxSkewSeconds), explainFailures: config.auth.explainFailures),
            credentials: config.credentials.map { SigV4Credential(accessKeyId: $0.accessKeyId, secretAccessKey: $0.secretAccessKey, sessionToken: $0.sessionToken) })
    }

    /// Whether any fault rule is set, without the lock.
    var faultsSet: Bool { hasFaults.load(ordering: .acquiring) }

    func setFaults(_ rules: [FaultRule]) {
        faultLock.withLock {
            faults = rules
            hasFaults.store(!rules.isEmpty, ordering: .releasing)
        }
    }

    func currentFaults() -> [FaultRule] {
        faultLock.withLock { faults }
    }

    /// The first matching rule that fires this time (probability), its count taken. Callers ask
    /// `faultsSet` first, which spares the lock on every call while no rule is set.
    func firingFault(operation: String, instanceId: String, contactId: String, accessKeyId: String?) -> FaultRule? {
        faultLock.lock()
        defer { faultLock.unlock() }
        for k in faults.indices {
            let rule = faults[k]
            guard rule.matches(operation: operation, instanceId: instanceId, contactId: contactId, accessKeyId: accessKeyId) else { continue }
            if let r = rule.remaining, r <= 0 { continue }
            if rule.probability < 1, Double.random(in: 0..<1, using: &rng) >= rule.probability { continue }
            if let r = rule.remaining { faults[k].remaining = r - 1 }
            return rule
        }
        return nil
    }

    /// Seeds `store` from the config's `seed:` at `now` (the data clock's unless given), emptying
    /// it first when `replace`; `alsoInTransaction` runs in the seed's transaction, after its writes.
    func seedFromConfig(into store: ContactStore, replace: Bool, now: Instant? = nil,
                        alsoInTransaction: (borrowing BulkSeed) throws -> Void = { _ in }) throws -> SeedReport {
        let seeder = Seeder(config: config, now: now ?? clock.now())
        return try seeder.seed(into: store, fixtures: config.seed.fixtures, syntheticCount: config.seed.syntheticCount,
                               syntheticSeed: config.seed.syntheticSeed, instanceId: nil, replace: replace,
                               alsoInTransaction: alsoInTransaction)
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

/// Counters and a latency histogram in Prometheus' text format 0.0.4, counted per worker
/// (each in its own shard, for the reason the journal has them) and summed when scraped.
final class Metrics: @unchecked Sendable {
    static let buckets: [Double] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]
    struct Series: Hashable {
        var route: String
        var status: Int
    }

    /// One worker's counts, behind a `Mutex` for the reason the journal's shards are.
    final class Shard: Sendable {
        fileprivate struct Counts {
            /// A short list rather than a dictionary: a worker sees a handful of series, and
            /// comparing with the few there costs less than hashing a route per request.
            var requests: [(series: Series, count: Int)] = []
            /// Observations per bucket, each counted once in the first bucket it fits (the
            /// last slot is above every bound); the exposition sums them into Prometheus'
            /// cumulative counts.
            var bucketCounts = [Int](repeating: 0, count: Metrics.buckets.count + 1)
            var count = 0
            var sum = 0.0
        }

        fileprivate let counts = Mutex(Counts())
        /// This shard's own copy of the bounds: reading the shared array from two cores would
        /// pass its reference count's cache line between them on every request.
        private let bounds = Metrics.buckets.map { $0 }

        func observe(route: String, status: Int, seconds: Double) {
            var bucket = 0
            while bucket < bounds.count, seconds > bounds[bucket] { bucket += 1 }
            counts.withLock { c in
                if let k = c.requests.firstIndex(where: { $0.series.status == status && $0.series.route == route }) {
                    c.requests[k].count += 1
                } else {
                    c.requests.append((Series(route: route, status: status), 1))
                }
                c.count += 1
                c.sum += seconds
                c.bucketCounts[bucket] += 1
            }
        }
    }

    private let lock = NSLock()
    private var shards: [Shard] = []

    func makeShard() -> Shard {
        let shard = Shard()
        lock.withLock { shards.append(shard) }
        return shard
    }

    func exposition(contacts: Int, webhooks: [WebhookReceiverStatus] = []) -> String {
        var requests: [Series: Int] = [:]
        var bucketCounts = [Int](repeating: 0, count: Metrics.buckets.count + 1)
        var count = 0
        var sum = 0.0
        for shard in lock.withLock({ shards }) {
            shard.counts.withLock { c in
                for (series, n) in c.requests { requests[series, default: 0] += n }
                for k in bucketCounts.indices { bucketCounts[k] += c.bucketCounts[k] }
                count += c.count
                sum += c.sum
            }
        }
        var s = "# HELP connect_mock_requests_total Requests answered, by route and status.\n# TYPE connect_mock_requests_total counter\n"
        for key in requests.keys.sorted(by: { ($0.route, $0.status) < ($1.route, $1.status) }) {
            s += "connect_mock_requests_total{route=\"\(key.route)\",status=\"\(key.status)\"} \(requests[key]!)\n"
        }
        s += "# HELP connect_mock_request_duration_seconds Time from a parsed request to its response.\n# TYPE connect_mock_request_duration_seconds histogram\n"
        var cumulative = 0
        for (k, b) in Metrics.buckets.enumerated() {
            cumulative += bucketCounts[k]
            s += "connect_mock_request_duration_seconds_bucket{le=\"\(b)\"} \(cumulative)\n"
        }
        s += "connect_mock_request_duration_seconds_bucket{le=\"+Inf\"} \(count)\n"
        s += "connect_mock_request_duration_seconds_sum \(sum)\nconnect_mock_request_duration_seconds_count \(count)\n"
        s += "# HELP connect_mock_contacts Contacts stored.\n# TYPE connect_mock_contacts gauge\nconnect_mock_contacts \(contacts)\n"
        return s + Metrics.webhookExposition(webhooks)
    }
}
