import ASCII
import Foundation
import JSON
import Synchronization
import Timekeeping

/// The last N DescribeContact calls with their verdicts, for tests to assert what the code
/// under test asked for.
///
/// Each worker records into its own shard, so workers on different cores never contend for
/// one lock (with two workers that contention cost a fifth of the throughput); reading merges
/// the shards by when each call finished.
final class RequestJournal: @unchecked Sendable {
    struct Entry: Sendable {
        var time: Instant
        /// The botocore name of the operation called; nil for an unknown operation.
        var operation: String?
        var method: String
        var path: String
        var accessKeyId: String?
        var status: Int
        var errorCode: String?
        var reason: String?
        var requestId: UUID4
        var durationMicros: Int64
        /// Monotonic nanoseconds when recorded: the merge order across shards.
        var recordedAt: UInt64 = 0
    }

    /// One worker's ring of up to `capacity` entries, behind a `Mutex`: its state is reached
    /// through the lock alone, so recording costs no exclusivity check of a class property.
    final class Shard: Sendable {
        private struct Ring {
            var entries: [Entry] = []
            var head = 0
        }

        private let ring: Mutex<Ring>
        let capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            var r = Ring()
            r.entries.reserveCapacity(min(capacity, 4096))
            ring = Mutex(r)
        }

        /// Moves `e` into the ring: a copy would retain each of its strings, and the caller's
        /// release them again.
        func record(_ e: consuming Entry) {
            guard capacity > 0 else { return }
            var pending = Optional(e)
            ring.withLock { r in
                let e = pending.take()!
                if r.entries.count < capacity {
                    r.entries.append(e)
                } else {
                    r.entries[r.head] = e
                    r.head = (r.head + 1) % capacity
                }
            }
        }

        func clear() {
            ring.withLock { r in
                r.entries.removeAll(keepingCapacity: true)
                r.head = 0
            }
        }

        func snapshot() -> [Entry] {
            ring.withLock { r in Array(r.entries[r.head...]) + Array(r.entries[..<r.head]) }
        }
    }

    private let lock = NSLock()
    private var shards: [Shard] = []
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// A new shard for one worker (or for a test recording directly).
    func makeShard() -> Shard {
        let shard = Shard(capacity: capacity)
        lock.withLock { shards.append(shard) }
        return shard
    }

    func clear() {
        for shard in lock.withLock({ shards }) { shard.clear() }
    }

    /// Oldest first, at most `capacity`; the newest `limit` when given.
    /// The last `limit` entries, oldest first; only those of `operation` when it is given.
    func list(limit: Int?, operation: String? = nil) -> [Entry] {
        var merged = lock.withLock({ shards }).flatMap { $0.snapshot() }.sorted { $0.recordedAt < $1.recordedAt }
        if let operation { merged.removeAll { $0.operation != operation } }
        let kept = min(capacity, limit ?? capacity)
        return kept < merged.count ? Array(merged.suffix(kept)) : merged
    }

    /// One entry as `GET /_mock/requests` lists it; `operation` is absent for an unknown one.
    static func json(_ e: Entry) -> JSONValue {
        var members = [JSONMember(key: "time", value: .string(ISO8601.format(e.time)))]
        if let operation = e.operation { members.append(JSONMember(key: "operation", value: .string(operation))) }
        guard case .object(let rest) = JSONValue.fields([
            "method": .string(e.method),
            "path": .string(e.path),
            "accessKeyId": e.accessKeyId.map(JSONValue.string) ?? .null,
            "status": .int(e.status),
            "errorCode": e.errorCode.map(JSONValue.string) ?? .null,
            "reason": e.reason.map(JSONValue.string) ?? .null,
            "requestId": .string(e.requestId.string),
            "durationMicros": .int64(e.durationMicros),
        ]) else { preconditionFailure() }
        return .object(members + rest)
    }
}

/// Per-access-key token buckets (`throttle:`): B tokens, refilled at R a second.
final class Throttle: @unchecked Sendable {
    private let lock = NSLock()
    var ratePerSecond: Double
    var burst: Double
    private var buckets: [String: (tokens: Double, at: UInt64)] = [:]

    init(ratePerSecond: Double, burst: Int) {
        self.ratePerSecond = ratePerSecond
        self.burst = Double(burst)
    }

    var enabled: Bool { ratePerSecond > 0 || burst > 0 }

    /// Takes a token; false when the bucket is empty.
    func take(_ key: String, nowNanos: UInt64 = MonotonicClock.nanoseconds()) -> Bool {
        guard enabled else { return true }
        lock.lock()
        defer { lock.unlock() }
        var b = buckets[key] ?? (burst, nowNanos)
        b.tokens = min(burst, b.tokens + Double(nowNanos - b.at) / 1e9 * ratePerSecond)
        b.at = nowNanos
        let ok = b.tokens >= 1
        if ok { b.tokens -= 1 }
        buckets[key] = b
        return ok
    }

    func reset() { lock.withLock { buckets.removeAll() } }
}
