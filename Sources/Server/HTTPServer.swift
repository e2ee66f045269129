internal import CLibUV
import HTTP1
import Logging
import Timekeeping
#if canImport(Glibc)
import Glibc
#endif

/// What a handler answers: now, after a delay (a latency fault), or when work it starts on
/// another thread finishes; the last two without blocking the loop.
public enum HandlerResult {
    case respond(HTTPResponse)
    case respondAfter(milliseconds: UInt64, HTTPResponse)
    /// The connection calls `start` at once, on the loop, with the completion; the work calls
    /// the completion once, from any thread, and the response goes out on the loop. Later
    /// pipelined requests on the connection wait behind it; other connections do not.
    case respondLater(start: (_ completion: @escaping @Sendable (HTTPResponse) -> Void) -> Void)
}

/// Application logic the server calls for each request, on the loop thread.
public protocol HTTPHandler: AnyObject {
    func handle(_ request: HTTPRequest) -> HandlerResult
    /// The response for a request the parser refused (malformed, too large, timed out).
    func errorResponse(for error: HTTPParseError) -> HTTPResponse
}

public struct ServerOptions: Sendable {
    public var host: String
    public var port: Int
    public var limits: HTTPParserLimits
    public var idleTimeoutMilliseconds: UInt64
    /// Lets several loops bind the same port (one per worker).
    public var reusePort: Bool
    /// A connection whose unsent responses exceed this stops being read until they drain.
    public var maxPendingWriteBytes: Int
    /// How long a connection closed after refusing a request keeps reading (and dropping) what
    /// its peer still sends, so the peer gets to read the refusal (capped by the idle timeout).
    public var lingerMilliseconds: UInt64

    public init(host: String = "127.0.0.1", port: Int = 8080, limits: HTTPParserLimits = HTTPParserLimits(),
                idleTimeoutMilliseconds: UInt64 = 60_000, reusePort: Bool = false, maxPendingWriteBytes: Int = 1 << 20,
                lingerMilliseconds: UInt64 = 5_000) {
        self.host = host
        self.port = port
        self.limits = limits
        self.idleTimeoutMilliseconds = idleTimeoutMilliseconds
        self.reusePort = reusePort
        self.maxPendingWriteBytes = maxPendingWriteBytes
        self.lingerMilliseconds = lingerMilliseconds
    }
}

/// An HTTP/1.1 listener on one loop: accepts connections, feeds their bytes to the parser and
/// the handler, and on shutdown stops accepting, lets in-flight responses finish and closes.
public final class HTTPServer {
    let loop: EventLoop
    let options: ServerOptions
    let handler: HTTPHandler
    let logger: Logger
    private var listener: LoopHandle<uv_tcp_t>?
    private var connections: [ObjectIdentifier: Connection] = [:]
    private(set) var shuttingDown = false
    private var onDrained: (() -> Void)?
    /// The responses answered this turn of the loop, sent when its reads are done.
    let outbox = LoopOwned(Outbox<Connection>())
    /// Sends the outbox at the end of each turn; closed once the server has drained.
    private var turnHook: LoopTurnHook?
    /// Where responses finished on other threads come back (`respondLater`); made by `listen`,
    /// closed once the server has drained.
    private(set) var mailbox: LoopMailbox?
    /// The `Date` text and the loop time (ms) at which its second ends.
    private var cachedDate: (text: String, validUntil: UInt64) = ("", 0)
    public private(set) var boundPort: Int = 0

    public init(loop: EventLoop, options: ServerOptions, handler: HTTPHandler, logger: Logger) {
        self.loop = loop
        self.options = options
        self.handler = handler
        self.logger = logger
    }

    deinit {
        turnHook?.close()
        mailbox?.close()
        outbox.value.free()
        outbox.free()
    }

    /// Binds and listens; returns the port (useful with port 0).
    @discardableResult
    public func listen() throws -> Int {
        // A peer that closes while we write must cost us an EPIPE, not the process.
        signal(SIGPIPE, SIG_IGN)
        var storage = sockaddr_storage()
        let isV6 = options.host.contains(":")
        let rc: Int32 = withUnsafeMutablePointer(to: &storage) { p in
            isV6
                ? uv_ip6_addr(options.host, Int32(options.port), UnsafeMutableRawPointer(p).assumingMemoryBound(to: sockaddr_in6.self))
                : uv_ip4_addr(options.host, Int32(options.port), UnsafeMutableRawPointer(p).assumingMemoryBound(to: sockaddr_in.self))
        }
        guard rc == 0 else { throw LibUVError(code: rc, context: "parsing listen address \(options.host)") }
        let fd = socket(isV6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw LibUVError(code: -errno, context: "creating a socket") }
        var one: Int32 = 1
        for (option, wanted) in [(SO_REUSEADDR, true), (SO_REUSEPORT, options.reusePort)] where wanted {
            guard setsockopt(fd, SOL_SOCKET, option, &one, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
                let e = errno
                Glibc.close(fd)
                throw LibUVError(code: -e, context: option == SO_REUSEPORT ? "setting SO_REUSEPORT" : "setting SO_REUSEADDR")
            }
        }
        let length = socklen_t(isV6 ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &storage) { bind(fd, UnsafeRawPointer($0).assumingMemoryBound(to: sockaddr.self), length) }
        guard bound == 0 else {
            let e = errno
            Glibc.close(fd)
            throw LibUVError(code: -e, context: "binding \(options.host):\(options.port)")
        }
        let tcp: LoopHandle<uv_tcp_t>
        do {
            tcp = try LoopHandle("the listening socket") { uv_tcp_init(loop.raw, $0) }
        } catch {
            Glibc.close(fd)
            throw error
        }
        tcp.hold(self)
        listener = tcp
        var r = uv_tcp_open(tcp.pointer, uv_os_sock_t(fd))
        if r != 0 {
            // The handle does not own the socket until uv_tcp_open succeeds.
            Glibc.close(fd)
        } else {
            r = uv_listen(stream(tcp.pointer), 4096) { server, status in
                LoopHandles.owner(of: server!, as: HTTPServer.self)._withUnsafeGuaranteedRef { $0.accept(status: status) }
            }
        }
        guard r == 0 else {
            closeListener()
            throw LibUVError(code: r, context: "listening on \(options.host):\(options.port)")
        }
        var name = sockaddr_storage()
        var nameLength = Int32(MemoryLayout<sockaddr_storage>.size)
        r = withUnsafeMutablePointer(to: &name) { p in
            uv_tcp_getsockname(tcp.pointer, UnsafeMutableRawPointer(p).assumingMemoryBound(to: sockaddr.self), &nameLength)
        }
        guard r == 0 else {
            closeListener()
            throw LibUVError(code: r, context: "reading the bound address of \(options.host):\(options.port)")
        }
        boundPort = withUnsafePointer(to: &name) { p in
            isV6 ? Int(UInt16(bigEndian: UnsafeRawPointer(p).assumingMemoryBound(to: sockaddr_in6.self).pointee.sin6_port))
                 : Int(UInt16(bigEndian: UnsafeRawPointer(p).assumingMemoryBound(to: sockaddr_in.self).pointee.sin_port))
        }
        do {
            mailbox = try LoopMailbox(loop: loop)
        } catch {
            closeListener()
            throw error
        }
        // Not a counted or weak reference: the hook runs twice every turn of the loop, and it is
        // closed (stopped at once) when the server drains or goes away, whichever is first.
        turnHook = LoopTurnHook(loop: loop) { [unowned(unsafe) self] in self.flushOutbox() }
        return boundPort
    }

    private func accept(status: Int32) {
        guard let listener, !shuttingDown else { return }
        guard status == 0 else {
            // Out of file descriptors, most often: libuv keeps listening and calls again.
            logger.warning("accepting a connection: \(String(cString: uv_strerror(status)))")
            return
        }
        let connection: Connection
        do {
            connection = try Connection(server: self)
        } catch {
            logger.warning("accepting a connection: \(error)")
            return
        }
        connections[ObjectIdentifier(connection)] = connection
        let rc = uv_accept(stream(listener.pointer), connection.stream)
        guard rc == 0 else {
            logger.warning("uv_accept: \(String(cString: uv_strerror(rc)))")
            // Its close callback takes it out of `connections` again.
            connection.abort()
            return
        }
        connection.start()
    }

    /// Stops accepting, closes idle connections, lets busy ones finish their response, then
    /// calls `drained` once the last connection is closed.
    public func shutdown(drained: @escaping () -> Void) {
        guard !shuttingDown else { return }
        shuttingDown = true
        onDrained = drained
        closeListener()
        for c in connections.values { c.shutdown() }
        checkDrained()
    }

    private func closeListener() {
        guard let tcp = listener else { return }
        listener = nil
        tcp.close()
    }

    func connectionClosed(_ c: Connection) {
        connections.removeValue(forKey: ObjectIdentifier(c))
        checkDrained()
    }

    private func checkDrained() {
        if shuttingDown, connections.isEmpty, let d = onDrained {
            onDrained = nil
            turnHook?.close()
            turnHook = nil
            mailbox?.close()
            mailbox = nil
            d()
        }
    }

    private func flushOutbox() {
        guard !outbox.value.isEmpty else { return }
        outbox.value.drain { connection, parts in connection.transmit(parts) }
    }

    /// The `Date` header, formatted once a second. The system clock is read only when the
    /// loop's clock (read once per loop turn) reaches the next second, so a response costs no
    /// clock call; the text can lag by as long as one turn of the loop.
    func dateHeader() -> String {
        let loopNow = loop.now
        if loopNow >= cachedDate.validUntil {
            let wall = SystemClock.now()
            cachedDate.text = HTTPDate.format(Instant(secondsSinceEpoch: wall.secondsSinceEpoch))
            cachedDate.validUntil = loopNow + UInt64(1000 - (wall.millisecondsSinceEpoch - wall.secondsSinceEpoch * 1000))
        }
        return cachedDate.text
    }
}

func stream(_ p: UnsafeMutablePointer<uv_tcp_t>) -> UnsafeMutablePointer<uv_stream_t> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: uv_stream_t.self)
}
