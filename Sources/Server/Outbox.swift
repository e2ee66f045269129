import ASCII
import HTTP1

/// What a loop's connections answered during one turn of the loop, sent together once the
/// turn's reads are done (`HTTPServer.flushOutbox`).
///
/// Sending each response the moment it is ready woke a waiting client once per response: on
/// loopback the write delivers into the client's socket and wakes its thread, and a client
/// that had caught up went back to sleep before the next. Sent back to back, the first wakes
/// it and the rest are waiting when it looks.
///
/// Heads are written into one buffer reused every turn; a body stays where it is (the
/// document cache's array, held here until sent), since copying it cost more than the
/// reference count.
struct Outbox<Peer: AnyObject> {
    private struct Entry {
        /// Not a counted reference: the server's connections outlive their entries, since the
        /// turn's queue is sent before the turn's close callbacks run (the `uv_check` after the
        /// poll phase's callbacks, the `uv_prepare` after the timers'), and only a close
        /// callback releases a connection.
        let peer: Unmanaged<Peer>
        /// Where the head is in the buffer.
        let head: Range<Int>
        let envelope: (before: StaticString, after: StaticString)
        let body: [UInt8]
    }

    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    private var count = 0
    private var draining = false
    private var entries: [Entry] = []
    /// What a quiet turn keeps; a burst that needed more gives it back when sent.
    static var keptCapacity: Int { 16 << 10 }

    init() {
        capacity = Outbox.keptCapacity
        storage = .allocate(byteCount: capacity, alignment: 16)
    }

    var isEmpty: Bool { entries.isEmpty }

    func free() {
        storage.deallocate()
    }

    /// Queues `response` for `peer`: the head, then the envelope and the body unless `headOnly`.
    mutating func add(_ response: borrowing HTTPResponse, version: HTTPVersion, date: String, closing: Bool, headOnly: Bool,
                      for peer: Peer) {
        let start = count
        let written = response.writeHead(version: version, date: date, closing: closing) { room in
            reserve(room)
            return UnsafeMutableRawBufferPointer(start: storage + start, count: room)
        }
        count += written
        entries.append(Entry(peer: Unmanaged.passUnretained(peer), head: start..<count,
                             envelope: headOnly ? ("", "") : response.envelope, body: headOnly ? [] : response.body))
    }

    /// Hands each queued response to `send` as its four parts (head, envelope before, body,
    /// envelope after; any may be empty), in the order queued, and empties the queue. `send`
    /// must not queue more: the parts it is handed point into the buffer.
    mutating func drain(_ send: (Peer, InlineArray<4, UnsafeRawBufferPointer>) -> Void) {
        draining = true
        defer { draining = false }
        for entry in entries {
            let head = UnsafeRawBufferPointer(start: storage + entry.head.lowerBound, count: entry.head.count)
            entry.body.withUnsafeBytes { body in
                entry.peer._withUnsafeGuaranteedRef { send($0, [head, entry.envelope.before.bytes, body, entry.envelope.after.bytes]) }
            }
        }
        entries.removeAll(keepingCapacity: true)
        count = 0
        if capacity > Outbox.keptCapacity {
            storage.deallocate()
            capacity = Outbox.keptCapacity
            storage = .allocate(byteCount: capacity, alignment: 16)
        }
    }

    private mutating func reserve(_ n: Int) {
        precondition(!draining, "a response queued while the outbox is being sent")
        guard count + n > capacity else { return }
        RawBytes.grow(&storage, capacity: &capacity, keeping: count, toFit: count + n, alignment: 16)
    }
}
