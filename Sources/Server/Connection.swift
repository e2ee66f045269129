internal import CLibUV
import ASCII
import HTTP1

/// One accepted TCP connection, as the thin libuv driver of its `ConnectionStateMachine`: it
/// feeds the socket's bytes to the parser and each request to the handler, reports what happens
/// to the machine (bytes read, a request parsed, a response queued, a write done, the timer,
/// end of stream, shutdown) and performs the actions it gets back (read or not, arm the timer,
/// shut the write side down, close). Every decision about the connection's life is the
/// machine's; every libuv call is here.
///
/// The tcp handle holds this object from `init` until its close callback (`LoopHandle`); the
/// timers are separate objects closed alongside.
final class Connection {
    /// The parser and the machine, kept together behind one pointer (`LoopOwned`): both are
    /// used on every read, and a class's stored `var` would cost a run-time exclusivity check
    /// at each of the request path's several uses of them.
    struct State {
        var parser: HTTPRequestParser
        var machine: ConnectionStateMachine
    }

    /// Not counted: the server holds every connection until its close callback has run, so it
    /// outlives them, and a checked `unowned` reference cost two atomic operations at each of
    /// the request path's several reads of it.
    private unowned(unsafe) let server: HTTPServer
    /// The server's loop, for reading its clock: through `server.loop` each read retained and
    /// released the loop object, twice a request.
    private let rawLoop: UnsafeMutablePointer<uv_loop_t>
    private let tcp: LoopHandle<uv_tcp_t>
    private let state: LoopOwned<State>
    /// The idle timer, also the linger timer: the machine says when it fires.
    private let timer: LoopTimer
    private var delayTimer: LoopTimer?

    /// Milliseconds of the loop's clock.
    private var loopNow: UInt64 { uv_now(rawLoop) }

    var stream: UnsafeMutablePointer<uv_stream_t> { UnsafeMutableRawPointer(tcp.pointer).assumingMemoryBound(to: uv_stream_t.self) }

    /// Throws when libuv cannot make the tcp handle.
    init(server: HTTPServer) throws(LibUVError) {
        self.server = server
        rawLoop = server.loop.raw
        // The handle first: nothing else is made when it fails.
        tcp = try LoopHandle("a connection's socket", afterClose: { owner in
            let connection = Unmanaged<Connection>.fromOpaque(owner).takeUnretainedValue()
            connection.server.connectionClosed(connection)
        }) { uv_tcp_init(server.loop.raw, $0) }
        let options = server.options
        state = LoopOwned(State(parser: HTTPRequestParser(limits: options.limits),
                                machine: ConnectionStateMachine(configuration: .init(
                                    idleTimeout: options.idleTimeoutMilliseconds, linger: options.lingerMilliseconds,
                                    maxPendingWriteBytes: options.maxPendingWriteBytes))))
        timer = LoopTimer(loop: server.loop)
        tcp.hold(self)
        timer.onFire { [unowned self] in
            self.perform(self.state.value.machine.timerFired(now: self.loopNow, midRequest: self.state.value.parser.isMidRequest))
        }
    }

    deinit {
        state.free()
    }

    func start() {
        let rc = uv_tcp_nodelay(tcp.pointer, 1)
        // Without it small responses may wait on Nagle's algorithm: slower, still correct.
        if rc != 0 { server.logger.debug("uv_tcp_nodelay: \(String(cString: uv_strerror(rc)))") }
        perform(state.value.machine.start(now: loopNow))
    }

    // MARK: Performing actions

    private func perform(_ actions: ConnectionStateMachine.Actions) {
        if actions.close {
            closeHandles()
            return
        }
        if actions.shutdownWriteSide, !shutdownWriteSide() { return }
        switch actions.reading {
        case .unchanged: break
        case .start: if !startReading() { return }
        case .stop: stopReading()
        }
        if let at = actions.timer {
            // The machine's deadline is loop time; a past one fires on the next turn.
            timer.rearm(afterMilliseconds: at - min(at, loopNow))
        }
        if actions.refuseSlowRequest {
            respondToParseError(HTTPParseError(.requestTimeout(milliseconds: server.options.idleTimeoutMilliseconds)))
        }
    }

    /// False (and the connection closed) when libuv cannot read the socket.
    private func startReading() -> Bool {
        // Both callbacks borrow their object rather than take a reference: the loop is alive
        // while it runs, and the handle holds its connection until the close callback, which
        // never runs inside a read callback. A reference would cost a retain and a release.
        let rc = uv_read_start(stream, { h, suggested, buf in
            Unmanaged<EventLoop>.fromOpaque(h!.pointee.loop.pointee.data)._withUnsafeGuaranteedRef { loop in
                buf!.pointee.base = loop.readBuffer.assumingMemoryBound(to: CChar.self)
                buf!.pointee.len = loop.readBufferSize
            }
        }, { s, nread, buf in
            LoopHandles.owner(of: s!, as: Connection.self)._withUnsafeGuaranteedRef { $0.didRead(nread, buf!.pointee.base) }
        })
        guard rc == 0 else {
            server.logger.debug("uv_read_start: \(String(cString: uv_strerror(rc)))")
            perform(state.value.machine.ioFailed())
            return false
        }
        return true
    }

    private func stopReading() {
        // libuv stops a stream's reading without fail; a failure would leave it reading, which
        // the machine tolerates (what is read is parsed or dropped), so it is only logged.
        let rc = uv_read_stop(stream)
        if rc != 0 { server.logger.debug("uv_read_stop: \(String(cString: uv_strerror(rc)))") }
    }

    /// Ends the write side after the queued bytes (the peer reads them, then end of stream).
    /// False (and the connection closed) when libuv refuses.
    private func shutdownWriteSide() -> Bool {
        let request = UnsafeMutablePointer<uv_shutdown_t>.allocate(capacity: 1)
        // The request is freed by its callback, which libuv also calls (cancelled) when the
        // handle closes first.
        let rc = uv_shutdown(request, stream) { req, _ in req!.deallocate() }
        guard rc == 0 else {
            request.deallocate()
            server.logger.debug("uv_shutdown: \(String(cString: uv_strerror(rc)))")
            perform(state.value.machine.ioFailed())
            return false
        }
        return true
    }

    private func closeHandles() {
        timer.close()
        delayTimer?.close()
        delayTimer = nil
        tcp.close()
    }

    // MARK: Events

    private func didRead(_ n: Int, _ base: UnsafeMutablePointer<CChar>?) {
        let state = state
        if n < 0 {
            // End of stream, or a reset: the same to the machine; only the unexpected is logged.
            if n != Int(UV_EOF.rawValue), n != Int(UV_ECONNRESET.rawValue) {
                server.logger.debug("read: \(String(cString: uv_strerror(Int32(n))))")
            }
            perform(state.value.machine.readEnded())
            return
        }
        guard n > 0, let base, state.value.machine.bytesRead() else { return }
        state.value.parser.append(UnsafeRawBufferPointer(start: base, count: n))
        let now = loopNow
        let waiting = processRequests()
        perform(state.value.machine.readProcessed(now: now, midRequest: state.value.parser.isMidRequest, parserWaiting: waiting))
    }

    /// Answers every complete request in the buffer, in order, while the machine accepts them;
    /// true when the parser is left waiting for more bytes.
    private func processRequests() -> Bool {
        let state = state
        while state.value.machine.acceptsRequests {
            let event: HTTPParseEvent
            do {
                event = try state.value.parser.next()
            } catch {
                respondToParseError(error)
                return false
            }
            switch consume event {
            case .needMoreData:
                return true
            case .continueExpected:
                send(HTTPResponse(status: 100), version: .http11, keepAlive: true, headOnly: true)
            case .request(let request):
                let keepAlive = state.value.machine.requestParsed(keepAlive: request.keepAlive)
                let headOnly = request.method == "HEAD"
                switch server.handler.handle(request) {
                case .respond(let response):
                    send(response, version: request.version, keepAlive: keepAlive, headOnly: headOnly)
                case .respondLater(let start):
                    state.value.machine.responseDelayed()
                    // `listen` makes the mailbox before the first connection, and only a drained
                    // server, with no connection left, is without one.
                    let mailbox = server.mailbox!
                    let held = Held(self)
                    let version = request.version
                    start { response in
                        mailbox.post { held.connection.delayedResponseDue(response, version: version, keepAlive: keepAlive, headOnly: headOnly) }
                    }
                case .respondAfter(let ms, let response):
                    state.value.machine.responseDelayed()
                    let timer = delayTimer ?? LoopTimer(loop: server.loop)
                    delayTimer = timer
                    let version = request.version
                    timer.start(afterMilliseconds: ms) { [unowned self] in
                        self.delayedResponseDue(response, version: version, keepAlive: keepAlive, headOnly: headOnly)
                    }
                }
            }
        }
        return false
    }

    /// The connection a response finished on another thread goes to, held until the response
    /// has been posted back and sent, or dropped with the mailbox. Sendable only to cross to
    /// that thread and back: the connection is used on the loop thread alone, where the posted
    /// closure runs.
    private final class Held: @unchecked Sendable {
        let connection: Connection

        init(_ connection: Connection) { self.connection = connection }
    }

    private func delayedResponseDue(_ response: HTTPResponse, version: HTTPVersion, keepAlive: Bool, headOnly: Bool) {
        let now = loopNow
        let due = state.value.machine.delayedResponseDue(keepAlive: keepAlive, now: now)
        send(response, version: version, keepAlive: due.keepAlive, headOnly: headOnly)
        perform(due.actions)
        if processRequests() {
            perform(state.value.machine.parserWaiting(midRequest: state.value.parser.isMidRequest, now: now))
        }
    }

    private func send(_ response: consuming HTTPResponse, version: HTTPVersion, keepAlive: Bool, headOnly: Bool, lingerAfter: Bool = false) {
        guard let actions = state.value.machine.responseQueued(keepAlive: keepAlive, lingerAfter: lingerAfter) else { return }
        if version == .http10, keepAlive { response.headers.append(("Connection", "keep-alive")) }
        server.outbox.value.add(response, version: version, date: server.dateHeader(), closing: !keepAlive, headOnly: headOnly, for: self)
        perform(actions)
    }

    /// Answers a refused request and closes, lingering: the peer may still be sending the
    /// request it is refused for.
    private func respondToParseError(_ error: HTTPParseError) {
        send(server.handler.errorResponse(for: error), version: .http11, keepAlive: false, headOnly: false, lingerAfter: true)
    }

    /// Sends a response the outbox held for this connection (counted as pending by the machine
    /// since it was queued): head, envelope and body together, one `writev`, the usual case;
    /// what the socket did not take is copied once into one buffer and queued with `uv_write`.
    /// (`uv_try_write` takes nothing while earlier bytes wait in libuv's queue, so the order
    /// holds.)
    func transmit(_ parts: InlineArray<4, UnsafeRawBufferPointer>) {
        defer { perform(state.value.machine.writeDone(now: loopNow)) }
        if state.value.machine.isClosed { return }
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
            // The peer is gone (EPIPE, ECONNRESET) or the socket is unusable.
            if written != UV_EPIPE.rawValue, written != UV_ECONNRESET.rawValue {
                server.logger.debug("uv_try_write: \(String(cString: uv_strerror(written)))")
            }
            perform(state.value.machine.ioFailed())
            return
        }
        let request = WriteRequest(copying: parts, from: offset, total: total, connection: self)
        let rc = request.submit(to: stream)
        guard rc == 0 else {
            server.logger.debug("uv_write: \(String(cString: uv_strerror(rc)))")
            perform(state.value.machine.ioFailed())
            return
        }
        perform(state.value.machine.writeQueued(backlog: uv_stream_get_write_queue_size(stream)))
    }

    fileprivate func writeCompleted(status: Int32) {
        // Cancelled writes are those of a connection already closing; failures are the peer's.
        if status != 0, status != UV_ECANCELED.rawValue, status != UV_EPIPE.rawValue, status != UV_ECONNRESET.rawValue {
            server.logger.debug("write: \(String(cString: uv_strerror(status)))")
        }
        perform(state.value.machine.writeDone(now: loopNow, failed: status != 0))
    }

    /// The server is shutting down: the machine closes the connection now, or once what is in
    /// flight is answered.
    func shutdown() {
        perform(state.value.machine.shutdownRequested(midRequest: state.value.parser.isMidRequest))
    }

    /// The accept failed: close the handle made for it.
    func abort() {
        perform(state.value.machine.ioFailed())
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

