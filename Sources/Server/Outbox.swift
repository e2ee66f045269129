import HTTP1

/// What a loop's connections answered during one turn of the loop, in one buffer reused every
/// turn, sent together once the turn's reads are done (`HTTPServer.flushOutbox`).
///
/// Sending each response the moment it is ready woke a waiting client once per response: on
/// loopback the write delivers into the client's socket and wakes its thread, and a client
/// that had caught up went back to sleep before the next. Sent back to back, the first wakes
/// it and the rest are waiting when it looks. Pipelined responses to one connection leave in
/// one write.
struct Outbox<Peer: AnyObject> {
    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    private var count = 0
    private var draining = false
    /// Not counted references: the server's connections outlive their entries, since the
    /// turn's queue is sent before the turn's close callbacks run (the `uv_check` after the poll
    /// phase's callbacks, the `uv_prepare` after the timers'), and only a close callback
    /// releases a connection.
    private var entries: [(peer: Unmanaged<Peer>, range: Range<Int>, pieces: Int)] = []
    /// What a quiet turn keeps; a burst that needed more gives it back when sent.
    static var keptCapacity: Int { 64 << 10 }

    init() {
        capacity = Outbox.keptCapacity
        storage = .allocate(byteCount: capacity, alignment: 16)
    }

    var isEmpty: Bool { entries.isEmpty }

    func free() {
        storage.deallocate()
    }

    /// Queues `response` for `peer`: the head written in place, then the envelope and the
    /// body unless `headOnly`.
    mutating func add(_ response: borrowing HTTPResponse, version: HTTPVersion, date: String, closing: Bool, headOnly: Bool,
                      for peer: Peer) {
        let start = count
        let room = response.headRoom(date: date)
        let bodyCount = headOnly ? 0 : response.contentLength
        reserve(room + bodyCount)
        count += response.writeHead(into: UnsafeMutableRawBufferPointer(start: storage + count, count: room),
                                    version: version, date: date, closing: closing)
        if !headOnly {
            put(response.envelope.before.bytes)
            response.body.withUnsafeBytes { put($0) }
            put(response.envelope.after.bytes)
        }
        record(peer, from: start)
    }

    /// Queues `bytes` as they are for `peer`.
    mutating func add(_ bytes: UnsafeRawBufferPointer, for peer: Peer) {
        let start = count
        reserve(bytes.count)
        put(bytes)
        record(peer, from: start)
    }

    /// Notes that the bytes from `start` on are `peer`'s, joined to its previous piece when
    /// that piece ends there.
    private mutating func record(_ peer: Peer, from start: Int) {
        let c = Unmanaged.passUnretained(peer)
        if let last = entries.last, last.peer.toOpaque() == c.toOpaque(), last.range.upperBound == start {
            entries[entries.count - 1].range = last.range.lowerBound..<count
            entries[entries.count - 1].pieces += 1
        } else {
            entries.append((c, start..<count, 1))
        }
    }

    /// Hands each peer's queued bytes to `send`, in the order queued, with how many pieces
    /// (`add` calls) they join, and empties the queue. `send` must not queue more: the bytes it
    /// is handed point into the buffer.
    mutating func drain(_ send: (Peer, UnsafeRawBufferPointer, Int) -> Void) {
        draining = true
        defer { draining = false }
        var k = 0
        while k < entries.count {
            let (peer, range, pieces) = entries[k]
            peer._withUnsafeGuaranteedRef { send($0, UnsafeRawBufferPointer(start: storage + range.lowerBound, count: range.count), pieces) }
            k += 1
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
        var grown = capacity * 2
        while grown < count + n { grown *= 2 }
        let bigger = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 16)
        bigger.copyMemory(from: storage, byteCount: count)
        storage.deallocate()
        storage = bigger
        capacity = grown
    }

    /// Appends bytes there is room for.
    private mutating func put(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        (storage + count).copyMemory(from: base, byteCount: bytes.count)
        count += bytes.count
    }
}
