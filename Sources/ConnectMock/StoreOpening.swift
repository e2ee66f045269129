import ContactStore
import Foundation

extension MockConfig {
    /// How long opening the store waits for another process's write: a seed of a million
    /// contacts into an empty file holds it for half a minute here.
    static let storeLockWaitSeconds = 300.0

    /// The configured store, its folder created when missing, the instances and the retention
    /// months recorded in it. `serve` and every command open it this way.
    ///
    /// When another process is writing the file (a `connect-mock seed` that started first; a
    /// large one into an empty file holds it exclusively until it commits), this waits for
    /// that write to finish, calling `waiting` once, rather than failing after SQLite's five
    /// seconds: a server started next to a seed then serves the seeded contacts.
    public func openStore(waiting: (String) -> Void = { _ in }) throws -> ContactStore {
        let path = databasePath
        try StoreLocation.prepareFolder(for: path)
        let deadline = Date().addingTimeInterval(MockConfig.storeLockWaitSeconds)
        var said = false
        while true {
            do {
                let store = try ContactStore(path: path)
                try store.recordInstances(instances)
                try store.useRetention(retention.policy)
                return store
            } catch StoreError.busy where Date() < deadline {
                if !said {
                    waiting("\(path) is being written by another process (a seed?); waiting up to \(Int(MockConfig.storeLockWaitSeconds)) s for it to finish")
                    said = true
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
    }
}
