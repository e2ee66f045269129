import Foundation

/// Numbered batches made by several producer threads, handed to one consumer in number order:
/// the seed generates synthetic contacts on every core while one thread writes them to SQLite.
/// Producers stay at most `window` batches ahead of the consumer, so memory stays bounded
/// whatever the count.
final class BatchPipe<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var ready: [Int: [Element]] = [:]
    private var nextToClaim = 0
    private var nextToTake = 0
    private let batchCount: Int
    private let window: Int
    private var cancelled = false
    private var producers = 0

    init(batchCount: Int, window: Int) {
        self.batchCount = batchCount
        self.window = window
    }

    /// Runs `make` for every batch number on `threads` threads.
    func startProducers(threads: Int, make: @escaping @Sendable (Int) -> [Element]) {
        condition.withLock { producers = threads }
        for _ in 0..<threads {
            startBackgroundThread { [self] in
                while let k = claim() { deliver(k, make(k)) }
                condition.withLock {
                    producers -= 1
                    condition.broadcast()
                }
            }
        }
    }

    /// The next batch number to make, or nil when all are made or the consumer gave up.
    private func claim() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while nextToClaim < batchCount, nextToClaim >= nextToTake + window, !cancelled { condition.wait() }
        if cancelled || nextToClaim >= batchCount { return nil }
        nextToClaim += 1
        return nextToClaim - 1
    }

    private func deliver(_ k: Int, _ batch: [Element]) {
        condition.lock()
        ready[k] = batch
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch in order, or nil after the last.
    func take() -> [Element]? {
        condition.lock()
        defer { condition.unlock() }
        guard nextToTake < batchCount, !cancelled else { return nil }
        while ready[nextToTake] == nil { condition.wait() }
        let batch = ready.removeValue(forKey: nextToTake)!
        nextToTake += 1
        condition.broadcast()
        return batch
    }

    /// Stops the producers and waits until every one has returned.
    func cancelAndWait() {
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        condition.broadcast()
        while producers > 0 { condition.wait() }
    }

    /// Waits until every producer has returned (after the last batch was taken).
    func waitForProducers() {
        condition.lock()
        defer { condition.unlock() }
        while producers > 0 { condition.wait() }
    }
}
