import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// How webhooks are delivered: the queue bound, the backoff and the timeouts.
public struct WebhookDeliveryOptions: Sendable {
    /// How many events may wait behind the one being sent to a receiver; when a new event finds
    /// the queue full, the oldest waiting event is dropped (and counted in `dropped`).
    public var queueLimit: Int
    /// The wait after a receiver's first failed attempt; it doubles after each failure, up to
    /// `maxBackoffMilliseconds`, and starts over after a success.
    public var initialBackoffMilliseconds: UInt64
    public var maxBackoffMilliseconds: UInt64
    public var connectTimeoutMilliseconds: UInt64
    /// From the first byte of the request to the last of the response.
    public var responseTimeoutMilliseconds: UInt64

    public init(queueLimit: Int = 10_000, initialBackoffMilliseconds: UInt64 = 100, maxBackoffMilliseconds: UInt64 = 5_000,
                connectTimeoutMilliseconds: UInt64 = 5_000, responseTimeoutMilliseconds: UInt64 = 10_000) {
        self.queueLimit = max(1, queueLimit)
        self.initialBackoffMilliseconds = max(1, initialBackoffMilliseconds)
        self.maxBackoffMilliseconds = max(self.initialBackoffMilliseconds, maxBackoffMilliseconds)
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.responseTimeoutMilliseconds = responseTimeoutMilliseconds
    }
}

/// Why `setReceivers` refused.
public enum WebhookSetupError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidURL(url: String, problem: WebhookURLProblem)
    /// pthread_create failed (its error number); the receivers are as they were.
    case threadUnavailable(code: Int32)
    /// `shutdown()` has run.
    case shutDown

    public var description: String {
        switch self {
        case .invalidURL(let url, let problem): "webhook \(url): \(problem)"
        case .threadUnavailable(let code): "starting a webhook delivery thread: \(String(cString: strerror(code)))"
        case .shutDown: "webhook delivery has shut down"
        }
    }
}

/// One receiver's delivery, as `GET /_mock/webhooks` and the metrics show it.
public struct WebhookReceiverStatus: Equatable, Sendable {
    public var url: String
    /// Events the receiver answered with a 2xx.
    public var delivered: UInt64
    /// Attempts that failed (each retry of an event counts once).
    public var failedAttempts: UInt64
    /// Events not delivered yet: waiting, plus the one being sent or retried.
    public var pending: Int
    /// Events dropped because the queue was full.
    public var dropped: UInt64
    /// The error of the latest failed attempt, kept after later successes.
    public var lastError: WebhookDeliveryError?

    public init(url: String, delivered: UInt64 = 0, failedAttempts: UInt64 = 0, pending: Int = 0, dropped: UInt64 = 0,
                lastError: WebhookDeliveryError? = nil) {
        self.url = url
        self.delivered = delivered
        self.failedAttempts = failedAttempts
        self.pending = pending
        self.dropped = dropped
        self.lastError = lastError
    }
}

/// Delivers each event to every receiver as an HTTP POST of its JSON, at least once and in order
/// per receiver, off every event loop: each receiver has an ordered queue and a thread of its
/// own that sends one event at a time and retries a failed one with exponential backoff, the
/// event staying at the head of its queue. `enqueue` only appends under a short lock, so a
/// request handler never waits for a receiver, and a slow receiver delays only itself.
///
/// Threads, not a loop: delivery is a handful of sequential exchanges per receiver, which
/// blocking code on a thread says plainly; its waits are `poll`s with deadlines that a stop
/// request interrupts. See docs/architecture.md, "Webhook delivery".
///
/// The application makes one (`queueLimit` from `events.retain`), calls `setReceivers` with the
/// configured URLs at start and on `PUT /_mock/webhooks`, `enqueue` for each event as it is
/// made, `snapshot` for `GET /_mock/webhooks` and the metrics, and on SIGTERM, once its loops
/// have stopped, `drain` then `shutdown`.
public final class WebhookDispatcher: Sendable {
    private struct Entry: Sendable {
        let receiver: WebhookReceiver
        let thread: pthread_t
    }

    private struct State: Sendable {
        var entries: [Entry] = []
        var shutDown = false
    }

    private let options: WebhookDeliveryOptions
    private let state = Mutex(State())

    public init(options: WebhookDeliveryOptions = WebhookDeliveryOptions()) {
        self.options = options
    }

    deinit {
        // Without a `shutdown()`, the threads are told to stop and left to end on their own.
        let entries = state.withLock { s in
            defer { s.entries = [] }
            return s.entries
        }
        for e in entries {
            e.receiver.stop()
            pthread_detach(e.thread)
        }
    }

    /// Replaces the receivers. A URL already present keeps its queue, its counts and its
    /// connection; a new one starts empty (it gets the events enqueued from now on); a removed
    /// one stops at once (an attempt in flight is abandoned) and its waiting events go with it.
    /// A URL listed twice is one receiver. All the URLs are checked before anything changes.
    /// Does not wait for any thread: safe on a loop thread.
    public func setReceivers(_ urls: [String]) throws(WebhookSetupError) {
        var parsed: [WebhookURL] = []
        for text in urls where !parsed.contains(where: { $0.text == text }) {
            do {
                parsed.append(try WebhookURL(text))
            } catch {
                throw .invalidURL(url: text, problem: error)
            }
        }
        let options = options
        let result: Result<[Entry], WebhookSetupError> = state.withLock { s in
            guard !s.shutDown else { return .failure(.shutDown) }
            var kept: [Entry] = []
            var started: [Entry] = []
            for url in parsed {
                if let existing = s.entries.first(where: { $0.receiver.url.text == url.text }) {
                    kept.append(existing)
                    continue
                }
                let receiver = WebhookReceiver(url: url, options: options)
                switch startThread({ receiver.run() }) {
                case .success(let thread):
                    let entry = Entry(receiver: receiver, thread: thread)
                    kept.append(entry)
                    started.append(entry)
                case .failure(let error):
                    // Leave the receivers as they were: stop what this call started.
                    for e in started {
                        e.receiver.stop()
                        pthread_detach(e.thread)
                    }
                    return .failure(error)
                }
            }
            let removed = s.entries.filter { e in !kept.contains(where: { $0.receiver === e.receiver }) }
            s.entries = kept
            return .success(removed)
        }
        switch result {
        case .failure(let error):
            throw error
        case .success(let removed):
            for e in removed {
                e.receiver.stop()
                pthread_detach(e.thread)
            }
        }
    }

    /// Queues `eventJSON` for every receiver. Never waits for a receiver: it appends under one
    /// short lock per receiver and rings a receiver's doorbell only when its thread is idle.
    /// Safe from any thread; after `shutdown()` it does nothing.
    public func enqueue(eventJSON: [UInt8]) {
        state.withLock { s in
            guard !s.shutDown else { return }
            for e in s.entries { e.receiver.enqueue(eventJSON) }
        }
    }

    /// Each receiver's counts, in the order `setReceivers` gave them.
    public func snapshot() -> [WebhookReceiverStatus] {
        state.withLock { s in s.entries.map { $0.receiver.status() } }
    }

    /// Waits (blocking the caller: not for a loop thread) until no receiver has an event
    /// pending, or the timeout passes; true when everything was delivered.
    public func drain(timeoutMilliseconds: UInt64) -> Bool {
        let deadline = Monotonic.now() + timeoutMilliseconds * 1_000_000
        while true {
            if snapshot().allSatisfy({ $0.pending == 0 }) { return true }
            if Monotonic.now() >= deadline { return false }
            usleep(2_000)
        }
    }

    /// Stops every receiver (attempts in flight are abandoned, pending events dropped), waits for
    /// their threads to end, and makes later calls do nothing. Call `drain` first to deliver
    /// what is pending. A thread resolving a host name ends once getaddrinfo returns.
    public func shutdown() {
        let entries = state.withLock { s in
            s.shutDown = true
            defer { s.entries = [] }
            return s.entries
        }
        for e in entries { e.receiver.stop() }
        for e in entries { pthread_join(e.thread, nil) }
    }
}

/// One receiver: its queue, its counts, and the loop its thread runs.
final class WebhookReceiver: Sendable {
    private struct State: Sendable {
        var queue = EventQueue()
        /// The event being sent, or waiting to be retried: the head of the queue.
        var current: [UInt8]?
        var delivered: UInt64 = 0
        var failedAttempts: UInt64 = 0
        var dropped: UInt64 = 0
        var lastError: WebhookDeliveryError?
        /// The thread waits for the doorbell: the next enqueue rings it.
        var idle = false
        var stopping = false
    }

    let url: WebhookURL
    private let options: WebhookDeliveryOptions
    /// Rung by `enqueue` when the thread is idle, and by `stop`.
    private let doorbell: Doorbell
    private let state = Mutex(State())

    init(url: WebhookURL, options: WebhookDeliveryOptions) {
        self.url = url
        self.options = options
        // Without a doorbell (out of descriptors) the thread could never be woken.
        guard let doorbell = Doorbell() else { preconditionFailure("socketpair: \(String(cString: strerror(errno)))") }
        self.doorbell = doorbell
    }

    deinit {
        // Here and not in the thread: `enqueue` may still hold this receiver after its removal.
        doorbell.close()
    }

    func enqueue(_ event: [UInt8]) {
        let ring = state.withLock { s -> Bool in
            guard !s.stopping else { return false }
            if s.queue.count >= options.queueLimit {
                _ = s.queue.popFirst()
                s.dropped += 1
            }
            s.queue.append(event)
            guard s.idle else { return false }
            s.idle = false
            return true
        }
        if ring { doorbell.ring() }
    }

    func status() -> WebhookReceiverStatus {
        state.withLock { s in
            WebhookReceiverStatus(url: url.text, delivered: s.delivered, failedAttempts: s.failedAttempts,
                                  pending: s.queue.count + (s.current == nil ? 0 : 1), dropped: s.dropped,
                                  lastError: s.lastError)
        }
    }

    func stop() {
        state.withLock { s in
            s.stopping = true
            s.queue.removeAll()
            s.current = nil
        }
        doorbell.ring()
    }

    private var isStopping: Bool { state.withLock { $0.stopping } }

    /// The thread's loop: the head event until it succeeds, with backoff between attempts.
    func run() {
        CPUAffinity.releaseCurrentThread()
        let poster = HTTPPoster(url: url, timeouts: .init(connectMilliseconds: options.connectTimeoutMilliseconds,
                                                          responseMilliseconds: options.responseTimeoutMilliseconds),
                                doorbell: doorbell, shouldStop: { [unowned self] in isStopping })
        var backoff = options.initialBackoffMilliseconds
        while let event = next() {
            let outcome: WebhookDeliveryError?
            do {
                let status = try poster.post(event)
                outcome = (200...299).contains(status) ? nil : .status(status)
            } catch .cancelled {
                break
            } catch {
                outcome = error
            }
            state.withLock { s in
                guard !s.stopping else { return }
                if let outcome {
                    s.failedAttempts += 1
                    s.lastError = outcome
                } else {
                    s.delivered += 1
                    s.current = nil
                }
            }
            if outcome == nil {
                backoff = options.initialBackoffMilliseconds
            } else {
                guard sleep(milliseconds: backoff) else { break }
                backoff = min(backoff * 2, options.maxBackoffMilliseconds)
            }
        }
    }

    /// The event to send: the one at the head (a retry) or the next one queued, waiting for
    /// one if there is none; nil once stopping.
    private func next() -> [UInt8]? {
        enum Next { case event([UInt8]), wait, stop }
        while true {
            let step = state.withLock { s -> Next in
                if s.stopping { return .stop }
                if let event = s.current { return .event(event) }
                if let event = s.queue.popFirst() {
                    s.current = event
                    return .event(event)
                }
                s.idle = true
                return .wait
            }
            switch step {
            case .event(let event): return event
            case .stop: return nil
            case .wait: waitForDoorbell(timeoutMilliseconds: -1)
            }
        }
    }

    /// Sleeps the backoff; false when told to stop meanwhile.
    private func sleep(milliseconds: UInt64) -> Bool {
        let deadline = Monotonic.now() + milliseconds * 1_000_000
        while true {
            if isStopping { return false }
            let now = Monotonic.now()
            if now >= deadline { return true }
            waitForDoorbell(timeoutMilliseconds: Int32(min((deadline - now + 999_999) / 1_000_000, UInt64(Int32.max))))
        }
    }

    private func waitForDoorbell(timeoutMilliseconds: Int32) {
        var fds = pollfd(fd: doorbell.readFD, events: Int16(POLLIN), revents: 0)
        if poll(&fds, 1, timeoutMilliseconds) > 0 { doorbell.drain() }
    }
}

/// A FIFO of events with O(1) append and removal at the head (a ring that doubles when full).
struct EventQueue: Sendable {
    private var slots: [[UInt8]?] = Array(repeating: nil, count: 16)
    private var head = 0
    private(set) var count = 0

    mutating func append(_ event: [UInt8]) {
        if count == slots.count {
            var grown: [[UInt8]?] = Array(repeating: nil, count: slots.count * 2)
            for k in 0..<count { grown[k] = slots[(head + k) % slots.count] }
            slots = grown
            head = 0
        }
        slots[(head + count) % slots.count] = event
        count += 1
    }

    mutating func popFirst() -> [UInt8]? {
        guard count > 0 else { return nil }
        let event = slots[head]
        slots[head] = nil
        head = (head + 1) % slots.count
        count -= 1
        return event
    }

    mutating func removeAll() {
        self = EventQueue()
    }
}

/// A thread running `body`: pthreads, since this module does not use Foundation.
private final class ThreadBody {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

private func startThread(_ body: @escaping @Sendable () -> Void) -> Result<pthread_t, WebhookSetupError> {
    let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var thread = pthread_t()
    let rc = pthread_create(&thread, nil, { raw in
        Unmanaged<ThreadBody>.fromOpaque(raw!).takeRetainedValue().body()
        return nil
    }, context)
    guard rc == 0 else {
        Unmanaged<ThreadBody>.fromOpaque(context).release()
        return .failure(.threadUnavailable(code: rc))
    }
    return .success(thread)
}
