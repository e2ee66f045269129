import ContactModel
import Foundation
import JSON

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
    var onAppend: (@Sendable ([Entry]) -> Void)?

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func append(_ events: [ContactEvent]) {
        guard !events.isEmpty else { return }
        let added: [Entry] = lock.withLock {
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
            return added
        }
        onAppend?(added)
    }

    /// How many of `count` events about to be appended need not be rendered: those the feed
    /// would push out at once when nothing listens.
    func unseen(of count: Int) -> Int {
        onAppend == nil ? max(0, count - capacity) : 0
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
