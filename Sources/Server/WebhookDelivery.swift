import Timekeeping
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
        let deadline = MonotonicClock.nanoseconds() + timeoutMilliseconds * 1_000_000
        while true {
            if snapshot().allSatisfy({ $0.pending == 0 }) { return true }
            if MonotonicClock.nanoseconds() >= deadline { return false }
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
