import ContactModel
import Foundation
import JSON
import Server

/// The contact events made so far (SPEC §9), oldest first, the last `events.retain` of them:
/// what `GET /_mock/events` pages through by cursor and what webhooks are handed. Cursors are
/// the events' sequence numbers as decimal strings, so a cursor stays valid while its event is
/// retained and a client can tell a gap (events dropped before it read them) from the end.
final class EventFeed: @unchecked Sendable {
    /// An event kept as the bytes it is sent as, with what the filters read.
    struct Entry {
        var sequence: UInt64
        var contactId: String
        var type: ContactEventType
        var bytes: [UInt8]
    }

    private let lock = NSLock()
    private var entries: [Entry] = []
    /// Index of the oldest retained entry in `entries` (a ring once full).
    private var head = 0
    private var nextSequence: UInt64 = 1
    private let capacity: Int
    /// Called with the events appended, in order (webhook delivery); nil when nobody listens,
    /// which lets a large advance skip rendering events the feed would drop at once.
    private var listener: (@Sendable ([Entry]) -> Void)?

    func setListener(_ l: (@Sendable ([Entry]) -> Void)?) { lock.withLock { listener = l } }

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func append(_ events: [ContactEvent]) {
        guard !events.isEmpty else { return }
        let (added, listener): ([Entry], (@Sendable ([Entry]) -> Void)?) = lock.withLock {
            var added: [Entry] = []
            added.reserveCapacity(events.count)
            for e in events {
                let entry = Entry(sequence: nextSequence, contactId: e.contactId, type: e.type, bytes: e.bytes)
                nextSequence += 1
                added.append(entry)
                if entries.count < capacity {
                    entries.append(entry)
                } else {
                    entries[head] = entry
                    head = (head + 1) % capacity
                }
            }
            return (added, self.listener)
        }
        listener?(added)
    }

    /// How many of `count` events about to be appended need not be rendered: those the feed
    /// would push out at once when nothing listens.
    func unseen(of count: Int) -> Int {
        lock.withLock { listener == nil ? max(0, count - capacity) : 0 }
    }

    /// Counts `n` events made but never rendered (see `unseen`): their sequence numbers are
    /// used, so cursors still show the gap.
    func skip(_ n: Int) {
        lock.withLock { nextSequence += UInt64(n) }
    }

    /// Events after `cursor` (all retained when nil), oldest first, filtered, at most `limit`.
    func list(after cursor: UInt64?, limit: Int, contactId: String?, eventType: String?) -> (events: [Entry], next: UInt64) {
        lock.withLock {
            var out: [Entry] = []
            var last = cursor ?? 0
            for k in 0..<entries.count {
                let e = entries[(head + k) % entries.count]
                if let cursor, e.sequence <= cursor { continue }
                last = e.sequence
                if let contactId, e.contactId != contactId { continue }
                if let eventType, e.type.rawValue != eventType { continue }
                out.append(e)
                if out.count == limit { break }
            }
            return (out, last)
        }
    }

    /// `POST /_mock/reset`: an empty feed; sequence numbers go on, so an old cursor finds nothing.
    func clear() {
        lock.withLock {
            entries = []
            head = 0
        }
    }

    /// `{"events":[{"cursor":"N","event":{...}}],"nextCursor":"N"}`, the events' bytes as kept.
    static func page(_ entries: [Entry], next: UInt64) -> [UInt8] {
        var out = Array(#"{"events":["#.utf8)
        for (k, e) in entries.enumerated() {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            out += Array(#"{"cursor":""#.utf8) + Array(String(e.sequence).utf8) + Array(#"","event":"#.utf8)
            out += e.bytes
            out.append(UInt8(ascii: "}"))
        }
        out += Array(#"],"nextCursor":""#.utf8) + Array(String(next).utf8) + Array(#""}"#.utf8)
        return out
    }
}

extension MockState {
    /// Replaces the webhook receivers; events go to them from the next one made. With none, the
    /// feed has no listener, and a large clock jump renders only what the feed keeps.
    func setWebhooks(_ urls: [String]) throws(WebhookSetupError) {
        try webhooks.setReceivers(urls)
        let dispatcher = webhooks
        if urls.isEmpty {
            events.feed.setListener(nil)
        } else {
            events.feed.setListener { (entries: [EventFeed.Entry]) in
                for e in entries { dispatcher.enqueue(eventJSON: e.bytes) }
            }
        }
    }

    /// A receiver as `GET /_mock/webhooks` shows it.
    static func webhookJSON(_ s: WebhookReceiverStatus) -> JSONValue {
        .fields(["url": .string(s.url), "delivered": .number(String(s.delivered)), "failedAttempts": .number(String(s.failedAttempts)),
                 "pending": .int(s.pending), "dropped": .number(String(s.dropped)),
                 "lastError": s.lastError.map { .string($0.description) } ?? .null])
    }
}

extension Metrics {
    /// Delivery counts per webhook receiver, in Prometheus' text format.
    static func webhookExposition(_ receivers: [WebhookReceiverStatus]) -> String {
        guard !receivers.isEmpty else { return "" }
        var s = "# HELP connect_mock_webhook_deliveries_total Events a webhook answered with a 2xx.\n# TYPE connect_mock_webhook_deliveries_total counter\n"
        for r in receivers { s += "connect_mock_webhook_deliveries_total{url=\"\(r.url)\"} \(r.delivered)\n" }
        s += "# HELP connect_mock_webhook_failures_total Failed delivery attempts (each retry counts).\n# TYPE connect_mock_webhook_failures_total counter\n"
        for r in receivers { s += "connect_mock_webhook_failures_total{url=\"\(r.url)\"} \(r.failedAttempts)\n" }
        s += "# HELP connect_mock_webhook_pending Events waiting for a webhook.\n# TYPE connect_mock_webhook_pending gauge\n"
        for r in receivers { s += "connect_mock_webhook_pending{url=\"\(r.url)\"} \(r.pending)\n" }
        return s
    }
}
