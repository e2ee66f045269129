import Foundation
import JSON
import Timekeeping

/// The last N DescribeContact calls with their verdicts, for tests to assert what the code
/// under test asked for.
final class RequestJournal: @unchecked Sendable {
    private let lock = NSLock()
    struct Entry {
        var time: Instant
        var method: String
        var path: String
        var accessKeyId: String?
        var status: Int
        var errorCode: String?
        var reason: String?
        var requestId: String
        var durationMicros: Int64
    }

    private var entries: [Entry] = []
    private var head = 0
    var capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        entries.reserveCapacity(min(capacity, 4096))
    }

    func record(_ e: Entry) {
        guard capacity > 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        if entries.count < capacity {
            entries.append(e)
        } else {
            entries[head] = e
            head = (head + 1) % capacity
        }
    }

    func clear() {
        lock.withLock {
            entries.removeAll(keepingCapacity: true)
            head = 0
        }
    }

    /// Oldest first; the newest `limit` when given.
    func list(limit: Int?) -> [Entry] {
        lock.lock()
        defer { lock.unlock() }
        let ordered = Array(entries[head...]) + Array(entries[..<head])
        if let limit, limit < ordered.count { return Array(ordered.suffix(limit)) }
        return ordered
    }

    static func json(_ e: Entry) -> JSONValue {
        .fields([
            "time": .string(ISO8601.format(e.time)),
            "method": .string(e.method),
            "path": .string(e.path),
            "accessKeyId": e.accessKeyId.map(JSONValue.string) ?? .null,
            "status": .int(e.status),
            "errorCode": e.errorCode.map(JSONValue.string) ?? .null,
            "reason": e.reason.map(JSONValue.string) ?? .null,
            "requestId": .string(e.requestId),
            "durationMicros": .int64(e.durationMicros),
        ])
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
