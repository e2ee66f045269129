import Timekeeping
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

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
        let deadline = MonotonicClock.nanoseconds() + milliseconds * 1_000_000
        while true {
            if isStopping { return false }
            let now = MonotonicClock.nanoseconds()
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
final class ThreadBody {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

func startThread(_ body: @escaping @Sendable () -> Void) -> Result<pthread_t, WebhookSetupError> {
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
