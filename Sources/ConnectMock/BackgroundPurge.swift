import ContactStore
import Foundation
import Logging
import Synchronization

/// Runs the purge timer's purges on a thread of their own, with a connection of their own,
/// so that a purge that deletes many contacts never holds up the requests of the loop that
/// owns the timer (deleting 400,000 contacts takes 3.4 s here). SQLite's WAL lets every
/// worker keep reading while the purge writes, and its commit empties every worker's cache
/// like any write of this process. One purge at a time: a tick that finds one still running
/// does nothing. A `:memory:` store exists only in its one connection, so its purges
/// (test-sized) stay on the loop.
final class BackgroundPurge: Sendable {
    private let state: MockState
    private let logger: Logger
    private let running = Atomic<Bool>(false)

    init(state: MockState, logger: Logger) {
        self.state = state
        self.logger = logger
    }

    /// Called on the loop that owns `loopStore`, by the purge timer.
    func tick(loopStore: ContactStore) {
        guard state.clock.isSystem else { return }
        let path = state.config.databasePath
        guard path != ":memory:" else {
            report(state.purge(loopStore))
            return
        }
        guard running.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        startBackgroundThread { [self] in
            defer { running.store(false, ordering: .releasing) }
            do {
                report(state.purge(try ContactStore(path: path)))
            } catch {
                logger.error("purge failed: \(error)")
            }
        }
    }

    private func report(_ purged: Int) {
        if purged > 0 { logger.info("purged \(purged) contacts past retention") }
    }
}
