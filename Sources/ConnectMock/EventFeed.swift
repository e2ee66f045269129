import ContactModel
import Foundation
import JSON

/// The contact events made so far (SPEC §9), oldest first, the last `events.retain` of them:
/// what `GET /_mock/events` pages through by cursor and what webhooks are handed. Cursors are
/// the events' sequence numbers as decimal strings, so a cursor stays valid while its event is
/// retained and a client can tell a gap (events dropped before it read them) from the end.
final class EventFeed: @unchecked Sendable {
    struct Entry {
        var sequence: UInt64
        var event: ContactEvent
    }

    private let lock = NSLock()
    private var entries: [Entry] = []
    /// Index of the oldest retained entry in `entries` (a ring once full).
    private var head = 0
    private var nextSequence: UInt64 = 1
    private let capacity: Int
    /// Called with each event appended, in order, outside the lock (webhook delivery).
    var onAppend: (@Sendable ([ContactEvent]) -> Void)?

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func append(_ events: [ContactEvent]) {
        guard !events.isEmpty else { return }
        lock.withLock {
            for e in events {
                let entry = Entry(sequence: nextSequence, event: e)
                nextSequence += 1
                if entries.count < capacity {
                    entries.append(entry)
                } else {
                    entries[head] = entry
                    head = (head + 1) % capacity
                }
            }
        }
        onAppend?(events)
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
                if let contactId, e.event.contactId != contactId { continue }
                if let eventType, e.event.type.rawValue != eventType { continue }
                out.append(e)
                if out.count == limit { break }
            }
            return (out, max(last, cursor ?? 0))
        }
    }

    /// `POST /_mock/reset`: an empty feed; sequence numbers go on, so an old cursor finds nothing.
    func clear() {
        lock.withLock {
            entries = []
            head = 0
        }
    }

    static func json(_ e: Entry) -> JSONValue {
        .fields(["cursor": .string(String(e.sequence)), "event": e.event.json])
    }
}
