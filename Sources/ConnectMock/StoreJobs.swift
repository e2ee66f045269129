import ContactStore
import Foundation
import Logging

/// The mock API's large writes (a reset, which may reseed a million synthetic contacts; a bulk
/// upsert; deleting every contact; a directory load), run one at a time, in the order asked, on
/// one thread of their own with a store connection of their own. The loop that received the
/// request goes on serving its other connections meanwhile, and answers when the job is done
/// (`HandlerResult.respondLater`). SQLite's WAL lets every worker keep reading while a job
/// writes; its commit empties every worker's document cache like any write of this process.
///
/// A `:memory:` store exists only in its one connection, so its jobs run on the loop
/// (`runsOnLoop`), as test-sized setup.
final class StoreJobs: @unchecked Sendable {
    private let path: String
    private let logger: Logger
    private let lock = NSLock()
    private var queue: [@Sendable (ContactStore?) -> Void] = []
    private var started = false
    /// The job thread's connection, opened by its first job; only that thread uses it, and it
    /// goes when the thread does.
    private var store: ContactStore?

    init(path: String, logger: Logger) {
        self.path = path
        self.logger = logger
    }

    var runsOnLoop: Bool { path == ":memory:" }

    /// The job store could not be opened (the reason is in the log).
    struct Unavailable: Error, MockAPIRenderable {
        var mockAPIError: MockAPI.APIError {
            MockAPI.APIError(status: 503, message: "the store could not be opened for this write (see the server's log); nothing was changed",
                             headers: [("Retry-After", "1")])
        }
    }

    /// Queues `job`; it runs on the job thread with the job store, or with nil when the store
    /// cannot be opened (the job answers that error).
    func run(_ job: @escaping @Sendable (ContactStore?) -> Void) {
        lock.withLock {
            queue.append(job)
            if !started {
                started = true
                startBackgroundThread { [self] in work() }
            }
        }
    }

    /// The job thread: runs the jobs in order until none is left, then ends, closing its
    /// connection (a test suite makes many applications; none keeps a thread or a file open).
    private func work() {
        while true {
            let job = lock.withLock { () -> (@Sendable (ContactStore?) -> Void)? in
                guard !queue.isEmpty else {
                    started = false
                    store = nil
                    return nil
                }
                return queue.removeFirst()
            }
            guard let job else { return }
            job(openedStore())
        }
    }

    private func openedStore() -> ContactStore? {
        if let store { return store }
        do {
            store = try ContactStore(path: path)
        } catch {
            logger.error("opening the store for the mock API's writes failed: \(error)")
        }
        return store
    }
}
