import ContactModel
import ContactStore
import Foundation
import HTTP1
import JSON
import Logging
import Server
import Timekeeping

/// The whole mock wired together: config in, a listening server out. Tests build one on port 0
/// and run it on a thread; `connect-mock serve` builds one and runs it on the main thread.
public final class MockApplication: @unchecked Sendable {
    public let config: MockConfig
    let logger: Logger
    let loop = EventLoop()
    let state: MockState
    private var server: HTTPServer?
    private var signals: SignalWatcher?
    private var purgeTimer: LoopTimer?
    private var wakeup: LoopWakeup?
    private var handler: MockHandler?
    public private(set) var initialSeed: SeedReport?
    /// uv_loop_close's result after `run()`: 0 when every handle was released.
    public private(set) var loopCloseResult: Int32 = -1

    /// Opens the store and, when it holds no contacts, seeds it from the config.
    public init(config: MockConfig, logger: Logger) throws {
        self.config = config
        self.logger = logger
        let path = config.databasePath
        if path != ":memory:" {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        }
        let store = try ContactStore(path: path)
        try store.recordInstances(config.instances)
        state = MockState(config: config, store: store, logger: logger)
        if try store.count() == 0 {
            let report = try state.seedFromConfig(replace: false)
            initialSeed = report
            logger.info("seeded the empty store: \(report.summary)")
        }
    }

    /// Binds the listener; returns the port.
    public func start() throws -> Int {
        let options = ServerOptions(
            host: config.server.host, port: config.server.port,
            limits: HTTPParserLimits(maxHeaderBytes: config.server.maxHeaderBytes, maxBodyBytes: config.server.maxBodyBytes),
            idleTimeoutMilliseconds: UInt64(config.server.idleTimeoutSeconds) * 1000)
        let handler = MockHandler(state: state)
        self.handler = handler
        let server = HTTPServer(loop: loop, options: options, handler: handler, logger: logger)
        let port = try server.listen()
        self.server = server
        wakeup = LoopWakeup(loop: loop) { [unowned self] in self.beginShutdown() }
        let interval = UInt64(config.retention.purgeIntervalSeconds) * 1000
        if interval > 0 {
            let timer = LoopTimer(loop: loop)
            timer.start(afterMilliseconds: interval, repeatMilliseconds: interval) { [unowned self] in
                guard self.state.clock.isSystem else { return }
                let n = self.state.purge()
                if n > 0 { self.logger.info("purged \(n) contacts past retention") }
            }
            purgeTimer = timer
        }
        let loopback = ["127.0.0.1", "::1", "localhost"].contains(config.server.host) || config.server.host.hasPrefix("127.")
        if !loopback, config.admin.enabled, config.admin.token == nil {
            logger.warning("listening on \(config.server.host) with the mock API open and no admin.token: anyone who reaches this port can change its data")
        }
        return port
    }

    /// Runs until SIGINT/SIGTERM (when `handleSignals`) or `stop()`, then drains and closes.
    public func run(handleSignals: Bool) {
        if handleSignals {
            signals = SignalWatcher(loop: loop, signals: [SIGINT, SIGTERM]) { [unowned self] sig in
                self.logger.info("signal \(sig): finishing requests in flight")
                self.beginShutdown()
            }
        }
        loop.run()
        loopCloseResult = loop.close()
    }

    /// Asks the loop to shut down; safe from any thread.
    public func stop() {
        wakeup?.send()
    }

    private func beginShutdown() {
        signals?.close()
        signals = nil
        purgeTimer?.close()
        purgeTimer = nil
        guard let server else {
            wakeup?.close()
            return
        }
        server.shutdown { [unowned self] in
            self.wakeup?.close()
            self.wakeup = nil
            self.server = nil
        }
    }
}

/// Routes each request: `/_mock/...` to the mock API, everything else to the AWS endpoint.
final class MockHandler: HTTPHandler {
    private let state: MockState
    private let endpoint: DescribeContactEndpoint
    private let api: MockAPI
    private var requestIDs = RequestIDGenerator()

    init(state: MockState) {
        self.state = state
        endpoint = DescribeContactEndpoint(state: state)
        api = MockAPI(state: state)
    }

    func handle(_ request: HTTPRequest) -> HandlerResult {
        let started = MonotonicClock.nanoseconds()
        if request.path.utf8.starts(with: "/_mock".utf8) {
            let (route, response) = api.handle(request)
            state.metrics.observe(route: route, status: response.status, seconds: Double(MonotonicClock.nanoseconds() - started) / 1e9)
            return .respond(response)
        }
        let requestId = requestIDs.next()
        let verdict = endpoint.handle(request, requestId: requestId)
        let status: Int
        switch verdict.result {
        case .respond(let r), .respondAfter(_, let r): status = r.status
        }
        let elapsed = MonotonicClock.nanoseconds() - started
        state.metrics.observe(route: verdict.errorCode == "UnknownOperationException" ? "unknown" : "DescribeContact", status: status,
                              seconds: Double(elapsed) / 1e9)
        state.journal.record(.init(time: SystemClock.now(), method: request.method, path: String(request.path),
                                   accessKeyId: verdict.accessKeyId, status: status, errorCode: verdict.errorCode,
                                   reason: verdict.reason, requestId: requestId, durationMicros: Int64(elapsed / 1000)))
        if status >= 400 {
            state.logger.debug("\(request.method) \(request.path) -> \(status) \(verdict.errorCode ?? "") (\(verdict.reason ?? ""))")
        }
        return verdict.result
    }

    func errorResponse(for error: HTTPParseError) -> HTTPResponse {
        state.logger.debug("refused a malformed request: \(error.status) \(error.reason)")
        return MockAPI.json(.fields(["message": .string(error.reason)]), status: error.status)
    }
}
