internal import CLibUV
import ASCII
import HTTP1

/// One accepted TCP connection: reads into the parser, answers each request in order, and
/// closes on `Connection: close`, a framing error, idleness or shutdown.
///
/// The tcp handle retains this object from `start()` until its close callback; the idle timer
/// is a separate object closed alongside.
final class Connection {
    /// Where a connection is in its life; it decides what a read, a finished write and the
    /// timer do. It only moves forward, open to closed.
    enum Phase: Equatable {
        /// Reading requests and answering them.
        case open
        /// No more requests are read; the connection closes once its queued responses are
        /// written, lingering first when `linger` is set.
        case finishing(linger: Bool)
        /// The last response is written and the write side shut down (the peer reads it, then
        /// end of stream); whatever the peer still sends, such as the rest of a refused body or
        /// head, is read and dropped until it closes its side or the loop time `until`. Closing
        /// with those bytes unread made the kernel answer them with a reset, which reached a
        /// client still sending (Python's http.client) before it had read the 413 or 431.
        case lingering(until: UInt64)
        case closed
    }

    /// Not counted: the server holds every connection until its close callback has run, so it
    /// outlives them, and a checked `unowned` reference cost two atomic operations at each of
    /// the request path's several reads of it.
    private unowned(unsafe) let server: HTTPServer
    private let tcp: UnsafeMutablePointer<uv_tcp_t>
    private let parser: LoopOwned<HTTPRequestParser>
    private let idleTimer: LoopTimer
    /// When an idle connection closes, or a started request gets 408.
    private var idle = IdleDeadline(now: 0, timeout: 0)
    private var idleTimerPending = true
    private var delayTimer: LoopTimer?
    /// A delayed response is pending: later pipelined requests wait behind it, unread.
    private var awaitingResponse = false
    private(set) var phase = Phase.open
    private var reading = false
    private var pendingWrites = 0

    var stream: UnsafeMutablePointer<uv_stream_t> { CLibUV_stream(tcp) }

    init(server: HTTPServer) {
        self.server = server
        parser = LoopOwned(HTTPRequestParser(limits: server.options.limits))
        tcp = .allocate(capacity: 1)
        uv_tcp_init(server.loop.raw, tcp)
        idleTimer = LoopTimer(loop: server.loop)
        tcp.pointee.data = Unmanaged.passRetained(self).toOpaque()
    }

    deinit {
        parser.free()
    }

    func start() {
        uv_tcp_nodelay(tcp, 1)
        resumeReading()
        idle = IdleDeadline(now: server.loop.now, timeout: server.options.idleTimeoutMilliseconds)
        idleTimer.start(afterMilliseconds: server.options.idleTimeoutMilliseconds) { [unowned self] in
            self.idleTimerFired()
        }
    }

    /// Makes sure the timer will fire by the (moved) idle deadline. A running timer is not
    /// touched, since restarting it on every request cost two heap operations in libuv; when
    /// it fires early it waits for the rest.
    private func keepIdleTimerRunning() {
        if !idleTimerPending {
            idleTimerPending = true
            idleTimer.rearm(afterMilliseconds: idle.at - min(idle.at, server.loop.now))
        }
    }

    private func idleTimerFired() {
        let now = server.loop.now
        switch phase {
        case .closed:
            return
        case .lingering(let until):
            if now < until {
                idleTimer.rearm(afterMilliseconds: until - now)
                return
            }
            close()
        case .open, .finishing:
            if now < idle.at {
                idleTimer.rearm(afterMilliseconds: idle.at - now)
                return
            }
            idleTimerPending = false
            // A delayed response is still to go out; the next read or write moves things on.
            if awaitingResponse { return }
            if phase == .open, parser.value.isMidRequest {
                respondToParseError(HTTPParseError(.requestTimeout(milliseconds: server.options.idleTimeoutMilliseconds)))
            } else {
                // Idle, or final responses the peer has not read within the idle time.
                close()
            }
        }
    }

    private func resumeReading() {
        guard !reading else { return }
        switch phase {
        case .open, .lingering: break
        case .finishing, .closed: return
        }
        reading = true
        // Both callbacks borrow their object rather than take a reference: the loop is alive
        // while it runs, and the handle holds its connection until the close callback, which
        // never runs inside a read callback. A reference would cost a retain and a release.
        uv_read_start(stream, { h, suggested, buf in
            Unmanaged<EventLoop>.fromOpaque(h!.pointee.loop.pointee.data)._withUnsafeGuaranteedRef { loop in
                buf!.pointee.base = loop.readBuffer.assumingMemoryBound(to: CChar.self)
                buf!.pointee.len = loop.readBufferSize
            }
        }, { s, nread, buf in
            Unmanaged<Connection>.fromOpaque(s!.pointee.data)._withUnsafeGuaranteedRef { $0.didRead(nread, buf!.pointee.base) }
        })
    }

    private func pauseReading() {
        guard reading else { return }
        reading = false
        uv_read_stop(stream)
    }

    private func didRead(_ n: Int, _ base: UnsafeMutablePointer<CChar>?) {
        if n < 0 {
            // EOF or reset: finish what is in flight, then close. There is nothing left to
            // linger for once the peer has closed its side.
            if case .lingering = phase {
                close()
            } else if awaitingResponse || pendingWrites > 0 {
                pauseReading()
                phase = .finishing(linger: false)
            } else {
                close()
            }
            return
        }
        guard n > 0, let base else { return }
        // Lingering: the bytes of a refused request, dropped unread.
        if case .lingering = phase { return }
        parser.value.append(UnsafeRawBufferPointer(start: base, count: n))
        let completed = processRequests()
        // While a delayed response waits, what the peer pipelines behind it is not parsed, so
        // it is left in the socket rather than gathered here without bound.
        if awaitingResponse { pauseReading() }
        if idle.afterRead(now: server.loop.now, timeout: server.options.idleTimeoutMilliseconds, completed: completed,
                          midRequest: parser.value.isMidRequest) {
            keepIdleTimerRunning()
        }
    }

    /// Answers every complete request in the buffer, in order, until one must wait; true when
    /// at least one request was completed.
    @discardableResult
    private func processRequests() -> Bool {
        var completed = false
        while !awaitingResponse, case .open = phase {
            let event: HTTPParseEvent
            do {
                event = try parser.value.next()
            } catch {
                respondToParseError(error)
                return completed
            }
            switch consume event {
            case .needMoreData:
                if server.shuttingDown, !parser.value.isMidRequest { finishAfterWrites(linger: false) }
                return completed
            case .continueExpected:
                send(HTTPResponse(status: 100), version: .http11, keepAlive: true, headOnly: true)
            case .request(let request):
                completed = true
                let keepAlive = request.keepAlive && !server.shuttingDown
                let headOnly = request.method == "HEAD"
                switch server.handler.handle(request) {
                case .respond(let response):
                    send(response, version: request.version, keepAlive: keepAlive, headOnly: headOnly)
                case .respondAfter(let ms, let response):
                    awaitingResponse = true
                    let timer = delayTimer ?? LoopTimer(loop: server.loop)
                    delayTimer = timer
                    timer.start(afterMilliseconds: ms) { [unowned self] in
                        self.awaitingResponse = false
                        self.send(response, version: request.version, keepAlive: keepAlive && !self.server.shuttingDown, headOnly: headOnly)
                        // The idle time counts from the answer: the timer may have run out
                        // while it was delayed, and nothing else would start it again.
                        self.idle = IdleDeadline(now: self.server.loop.now, timeout: self.server.options.idleTimeoutMilliseconds)
                        self.keepIdleTimerRunning()
                        self.processRequests()
                    }
                }
            }
        }
        return completed
    }

    private func send(_ response: consuming HTTPResponse, version: HTTPVersion, keepAlive: Bool, headOnly: Bool, linger: Bool = false) {
        switch phase {
        case .open, .finishing: break
        case .lingering, .closed: return
        }
        if version == .http10, keepAlive { response.headers.append(("Connection", "keep-alive")) }
        pendingWrites += 1
        server.outbox.value.add(response, version: version, date: server.dateHeader(), closing: !keepAlive, headOnly: headOnly, for: self)
        if !keepAlive { finishAfterWrites(linger: linger) }
    }

    /// Answers a refused request and closes, lingering: the peer may still be sending the
    /// request it is refused for.
    private func respondToParseError(_ error: HTTPParseError) {
        send(server.handler.errorResponse(for: error), version: .http11, keepAlive: false, headOnly: false, linger: true)
    }

    private func finishAfterWrites(linger: Bool) {
        switch phase {
        case .open: phase = .finishing(linger: linger)
        case .finishing(let earlier): phase = .finishing(linger: earlier || linger)
        case .lingering, .closed: return
        }
        pauseReading()
        writesMayHaveDrained()
    }

    /// Once nothing is queued or pending: reads resume on an open connection; a finishing one
    /// closes or lingers.
    private func writesMayHaveDrained() {
        guard pendingWrites == 0, !awaitingResponse else { return }
        switch phase {
        case .open:
            resumeReading()
        case .finishing(let linger):
            // A shutdown does not wait on lingering peers: it closes at once.
            if linger, !server.shuttingDown { startLingering() } else { close() }
        case .lingering, .closed:
            break
        }
    }

    /// Shuts the write side down (after the queued bytes) and reads, dropping what comes, until
    /// the peer closes or the linger time (capped by the idle timeout) is up.
    private func startLingering() {
        let ms = min(server.options.lingerMilliseconds, server.options.idleTimeoutMilliseconds)
        phase = .lingering(until: server.loop.now + ms)
        let request = UnsafeMutablePointer<uv_shutdown_t>.allocate(capacity: 1)
        // The request is freed by its callback, which libuv also calls (cancelled) when the
        // handle closes first.
        guard uv_shutdown(request, stream, { req, _ in req!.deallocate() }) == 0 else {
            request.deallocate()
            close()
            return
        }
        idleTimerPending = true
        idleTimer.rearm(afterMilliseconds: ms)
        resumeReading()
    }

    /// Sends a response the outbox held for this connection (counted in `pendingWrites` since
    /// it was queued): head, envelope and body together, one `writev`, the usual case; what the
    /// socket did not take is copied once into one buffer and queued with `uv_write`.
    /// (`uv_try_write` takes nothing while earlier bytes wait in libuv's queue, so the order
    /// holds.)
    func transmit(_ parts: InlineArray<4, UnsafeRawBufferPointer>) {
        defer { writeCompleted(status: 0) }
        if phase == .closed { return }
        var total = 0
        let written = withUnsafeTemporaryAllocation(of: uv_buf_t.self, capacity: 4) { bufs -> Int32 in
            var n = 0
            for k in parts.indices {
                let part = parts[k]
                total += part.count
                guard let base = part.baseAddress, part.count > 0 else { continue }
                bufs[n] = uv_buf_init(UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: CChar.self)), UInt32(part.count))
                n += 1
            }
            return uv_try_write(stream, bufs.baseAddress, UInt32(n))
        }
        if written == Int32(total) { return }
        var offset = 0
        if written > 0 { offset = Int(written) } else if written != UV_EAGAIN.rawValue {
            close()
            return
        }
        let request = WriteRequest(copying: parts, from: offset, total: total, connection: self)
        pendingWrites += 1
        let rc = request.submit(to: stream)
        if rc != 0 {
            pendingWrites -= 1
            close()
            return
        }
        if uv_stream_get_write_queue_size(stream) > server.options.maxPendingWriteBytes { pauseReading() }
    }

    fileprivate func writeCompleted(status: Int32) {
        pendingWrites -= 1
        if status != 0 {
            close()
            return
        }
        writesMayHaveDrained()
    }

    /// Closes now when nothing is in flight; otherwise after the current response. A lingering
    /// connection closes at once.
    func closeIfIdle() {
        if case .lingering = phase {
            close()
            return
        }
        // A request being received or a delayed response still completes; its response goes
        // out with `Connection: close` because the server is shutting down.
        if awaitingResponse || parser.value.isMidRequest { return }
        if pendingWrites > 0 {
            if phase == .open { phase = .finishing(linger: false) }
            return
        }
        close()
    }

    func close() {
        if phase == .closed { return }
        phase = .closed
        reading = false
        idleTimer.close()
        delayTimer?.close()
        delayTimer = nil
        uv_close(CLibUV_handle(tcp)) { h in
            let c = Unmanaged<Connection>.fromOpaque(h!.pointee.data!)
            let connection = c.takeUnretainedValue()
            UnsafeMutableRawPointer(h!).deallocate()
            connection.server.connectionClosed(connection)
            c.release()
        }
    }
}

/// A queued write: owns its bytes until libuv reports them sent.
private final class WriteRequest {
    let request: UnsafeMutablePointer<uv_write_t>
    let storage: UnsafeMutableRawPointer
    let count: Int
    let connection: Connection

    /// The bytes of `parts`, one after another, from `offset` on (what the socket already took
    /// is skipped); `total` is all the parts' length.
    init(copying parts: InlineArray<4, UnsafeRawBufferPointer>, from offset: Int, total: Int, connection: Connection) {
        request = .allocate(capacity: 1)
        let n = total - offset
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(n, 1), alignment: 1)
        var skip = offset, at = 0
        for k in parts.indices {
            let part = parts[k]
            guard skip < part.count, let base = part.baseAddress else {
                skip -= part.count
                continue
            }
            (buffer + at).copyMemory(from: base + skip, byteCount: part.count - skip)
            at += part.count - skip
            skip = 0
        }
        count = n
        storage = buffer
        self.connection = connection
    }

    deinit {
        storage.deallocate()
        request.deallocate()
    }

    func submit(to stream: UnsafeMutablePointer<uv_stream_t>) -> Int32 {
        request.pointee.data = Unmanaged.passRetained(self).toOpaque()
        var buf = uv_buf_init(storage.assumingMemoryBound(to: CChar.self), UInt32(count))
        let rc = uv_write(request, stream, &buf, 1) { req, status in
            let w = Unmanaged<WriteRequest>.fromOpaque(req!.pointee.data).takeRetainedValue()
            w.connection.writeCompleted(status: status)
        }
        if rc != 0 { Unmanaged<WriteRequest>.fromOpaque(request.pointee.data).release() }
        return rc
    }
}

func CLibUV_stream(_ p: UnsafeMutablePointer<uv_tcp_t>) -> UnsafeMutablePointer<uv_stream_t> { stream(p) }
func CLibUV_handle(_ p: UnsafeMutablePointer<uv_tcp_t>) -> UnsafeMutablePointer<uv_handle_t> { handle(p) }
