import ContactStore
import Foundation

extension MockConfig {
    /// The configured store, its folder created when missing, the instances and the retention
    /// months recorded in it. `serve` and every command open it this way.
    public func openStore() throws -> ContactStore {
        let path = databasePath
        if path != ":memory:" {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        }
        let store = try ContactStore(path: path)
        try store.recordInstances(instances)
        try store.useRetention(retention.policy)
        return store
    }
}
