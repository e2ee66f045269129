import ASCII
import ContactModel
import ContactStore
import Foundation
import HTTP1
import JSON
import Logging
import Server
import Timekeeping

/// The whole mock wired together: config in, listening workers out. Tests build one on port 0
/// and run it on a thread; `connect-mock serve` builds one and runs it on the main thread.
///
/// `server.workers` event loops listen on the same port (SO_REUSEPORT), each on its own thread
/// with its own SQLite connection; they share the state in `MockState`.
public final class MockApplication: @unchecked Sendable {
    public let config: MockConfig
    let logger: Logger
    let state: MockState
    private var workers: [Worker] = []
    let firstStore: ContactStore
    private var signals: SignalWatcher?
    private var purgeTimer: LoopTimer?
    /// Moves the events along a system or shifted data clock, once a second.
    private var eventTimer: LoopTimer?
    public private(set) var initialSeed: SeedReport?
    /// uv_loop_close's results after `run()`: 0 for each loop when every handle was released.
    public private(set) var loopCloseResults: [Int32] = []
    public var loopCloseResult: Int32 { loopCloseResults.first(where: { $0 != 0 }) ?? (loopCloseResults.isEmpty ? -1 : 0) }

    /// Opens the store and, when it holds no contacts, seeds it from the config.
    public init(config: MockConfig, logger: Logger) throws {
        self.config = config
        self.logger = logger
        let store = try config.openStore(waiting: { logger.warning("\($0)") })
        try store.loadSynthesisRuns()
        firstStore = store
        state = MockState(config: config, logger: logger)
        if try store.count() == 0 {
            let report = try state.seedFromConfig(into: store, replace: false)
            initialSeed = report
            logger.info("seeded the empty store: \(report.summary)")
        }
        state.watchContactsAhead(store, inBackground: !state.jobs.runsOnLoop)
        try state.setWebhooks(config.events.webhooks)
    }

    /// Binds every worker's listener; returns the port. With `handleSignals`, SIGINT and SIGTERM
    /// start a graceful shutdown from here on (before the listening line is printed, so a
    /// signal sent as soon as it is read is never fatal).
    public func start(handleSignals: Bool = false) throws -> Int {
        var count = config.server.workers
        if count > 1, config.databasePath == ":memory:" {
            logger.warning("server.workers: \(count) needs a database file (each worker opens its own connection); running one worker on :memory:")
            count = 1
        }
        var options = ServerOptions(
            host: config.server.host, port: config.server.port,
            limits: HTTPParserLimits(maxHeaderBytes: config.server.maxHeaderBytes, maxBodyBytes: config.server.maxBodyBytes,
                                     maxTargetLength: config.server.maxTargetBytes, maxHeaderCount: config.server.maxHeaderCount),
            idleTimeoutMilliseconds: UInt64(config.server.idleTimeoutSeconds) * 1000, reusePort: count > 1)
        let cpus = config.server.pinWorkers ? CPUAffinity.processCPUs : []
        if config.server.pinWorkers, cpus.isEmpty {
            logger.warning("server.pinWorkers: the CPUs this process may use could not be read; the workers run unpinned")
        } else if count > cpus.count, !cpus.isEmpty {
            logger.warning("server.pinWorkers: \(count) workers on \(cpus.count) CPUs; some share one")
        }
        for k in 0..<count {
            let store = k == 0 ? firstStore : try ContactStore(path: config.databasePath)
            let worker = Worker(state: state, store: store, logger: logger, cpu: cpus.isEmpty ? nil : cpus[k % cpus.count])
            options.port = try worker.listen(options)
            workers.append(worker)
        }
        let main = workers[0]
        let interval = UInt64(config.retention.purgeIntervalSeconds) * 1000
        if interval > 0 {
            let timer = LoopTimer(loop: main.loop)
            let purge = BackgroundPurge(state: state, logger: logger)
            timer.start(afterMilliseconds: interval, repeatMilliseconds: interval) { purge.tick(loopStore: main.store) }
            purgeTimer = timer
        }
        let events = LoopTimer(loop: main.loop)
        events.start(afterMilliseconds: 1000, repeatMilliseconds: 1000) { [state] in
            if case .frozen = state.clock.setting { return }
            state.events.advance(to: state.clock.now(), store: main.store)
        }
        eventTimer = events
        main.onShutdown = { [unowned self] in
            self.eventTimer?.close()
            self.eventTimer = nil
            self.signals?.close()
            self.signals = nil
            self.purgeTimer?.close()
            self.purgeTimer = nil
        }
        if handleSignals {
            signals = try SignalWatcher(loop: main.loop, signals: [SIGINT, SIGTERM]) { [unowned self] sig in
                self.logger.info("signal \(sig): finishing requests in flight")
                self.stop()
            }
        }
        let loopback = ["127.0.0.1", "::1", "localhost"].contains(config.server.host) || config.server.host.hasPrefix("127.")
        if !loopback, config.admin.enabled, config.admin.token == nil {
            logger.warning("listening on \(config.server.host) with the mock API open and no admin.token: anyone who reaches this port can change its data")
        }
        return options.port
    }

    /// Runs until a signal (see `start`) or `stop()`, then drains and closes. The first worker
    /// runs on the calling thread, the others on threads of their own.
    public func run() {
        let done = DispatchSemaphore(value: 0)
        for worker in workers.dropFirst() {
            let t = Thread {
                worker.run()
                done.signal()
            }
            t.start()
        }
        workers[0].run()
        for _ in workers.dropFirst() { done.wait() }
        loopCloseResults = workers.map(\.loopCloseResult)
        // Events made before the stop still reach their receivers, for a little while.
        if !state.webhooks.drain(timeoutMilliseconds: 2000) { logger.warning("webhook events still pending at exit were dropped") }
        state.webhooks.shutdown()
    }

    /// Asks every worker to finish; safe from any thread.
    public func stop() {
        for w in workers { w.stop() }
    }
}

/// One event loop with its listener, its handler and its own store connection.
final class Worker: @unchecked Sendable {
    let loop = EventLoop()
    let store: ContactStore
    private let handler: MockHandler
    private let logger: Logger
    private var server: HTTPServer?
    private var wakeup: LoopWakeup?
    /// Runs on the loop thread when shutdown begins (the main worker closes its extra handles).
    var onShutdown: (() -> Void)?
    /// The one CPU this worker's thread runs on (`server.pinWorkers`), or nil for any.
    private let cpu: Int?

    init(state: MockState, store: ContactStore, logger: Logger, cpu: Int?) {
        self.store = store
        self.logger = logger
        self.cpu = cpu
        handler = MockHandler(state: state, store: store)
    }

    func listen(_ options: ServerOptions) throws -> Int {
        let server = HTTPServer(loop: loop, options: options, handler: handler, logger: logger)
        let port = try server.listen()
        self.server = server
        wakeup = try LoopWakeup(loop: loop) { [unowned self] in self.beginShutdown() }
        return port
    }

    /// uv_loop_close's result once `run()` returns.
    private(set) var loopCloseResult: Int32 = -1

    /// Runs the loop to its end, then closes it.
    func run() {
        if let cpu {
            do {
                try CPUAffinity.restrictCurrentThread(to: [cpu])
                logger.debug("worker on CPU \(cpu)")
            } catch {
                logger.warning("server.pinWorkers: \(error); this worker runs unpinned")
            }
        }
        loop.run()
        loopCloseResult = loop.close()
    }

    func stop() {
        wakeup?.send()
    }

    private func beginShutdown() {
        onShutdown?()
        onShutdown = nil
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
    private let pipeline: AWSPipeline
    private let api: MockAPI
    private var requestIDs = RequestIDGenerator()
    private var wallClock = WallClockEstimate()
    private let metrics: Metrics.Shard
    private let journal: RequestJournal.Shard

    init(state: MockState, store: ContactStore) {
        self.state = state
        metrics = state.metrics.makeShard()
        journal = state.journal.makeShard()
        pipeline = AWSPipeline(state: state, operations: [
            .describeContact(state: state, store: store), .searchContacts(state: state, store: store),
            .getContactAttributes(state: state, store: store), .updateContactAttributes(state: state, store: store),
            .startOutboundVoiceContact(state: state, store: store),
            .stopContact(state: state, store: store),
            .describeUser(state: state, store: store), .describeQueue(state: state, store: store),
            .listUsers(state: state, store: store), .listQueues(state: state, store: store),
        ])
        api = MockAPI(state: state, store: store)
    }

    func handle(_ request: HTTPRequest) -> HandlerResult {
        let started = MonotonicClock.nanoseconds()
        let path = request.path.utf8.span
        if ASCIIBytes.equals(path, 0..<path.count, "/_mock") || ASCIIBytes.hasPrefix(path, "/_mock/") {
            let (route, answer) = api.handle(request)
            switch answer {
            case .now(let response):
                metrics.observe(route: route, status: response.status, seconds: Double(MonotonicClock.nanoseconds() - started) / 1e9)
                return .respond(response)
            case .job(let work):
                let (metrics, state, method, path) = (metrics, state, request.method, request.path)
                return .respondLater { complete in
                    state.jobs.run { store in
                        var response: HTTPResponse
                        do {
                            guard let store else { throw StoreJobs.Unavailable() }
                            response = try work(store)
                        } catch {
                            response = MockAPI.response(for: error, method: method, path: path, state: state)
                        }
                        metrics.observe(route: route, status: response.status, seconds: Double(MonotonicClock.nanoseconds() - started) / 1e9)
                        complete(response)
                    }
                }
            }
        }
        let requestId = requestIDs.next()
        let wall = wallClock.now(monotonic: started)
        let verdict = pipeline.handle(request, requestId: requestId, now: wall, arrived: started)
        let status = verdict.status
        let elapsed = MonotonicClock.nanoseconds() - started
        metrics.observe(route: verdict.operation ?? "unknown", status: status, seconds: Double(elapsed) / 1e9)
        journal.record(.init(time: wall, operation: verdict.operation, method: request.method,
                             path: request.query.isEmpty ? request.target : String(request.path),
                             accessKeyId: verdict.accessKeyId, status: status, errorCode: verdict.errorCode,
                             reason: verdict.reason, requestId: requestId, durationMicros: Int64(elapsed / 1000),
                             recordedAt: started + elapsed))
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
