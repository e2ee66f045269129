import Foundation

/// Why a store operation failed, by cause: callers (the mock API's status codes, `openStore`'s
/// wait for another process) decide by case, never by matching SQLite's message text.
///
/// Every error `ContactStore` throws is one of these; SQLite's own code and message stay in
/// `SQLiteError` for the log.
public enum StoreError: Error, CustomStringConvertible, Sendable {
    /// Another connection (a `connect-mock seed` in another process) held the write lock past
    /// the busy timeout (SQLITE_BUSY, SQLITE_LOCKED). Nothing was changed; try again later.
    case busy(SQLiteError)
    /// The disk, or the file's page limit, is full (SQLITE_FULL). The write was rolled back
    /// whole; reads go on working.
    case full(path: String, SQLiteError)
    /// The file cannot be opened or created where it is configured (a folder on the way is a
    /// file, permissions, SQLITE_CANTOPEN); `reason` says which, in words.
    case cannotOpen(path: String, reason: String)
    /// The file holds what this build cannot read: a newer schema, a recipe it does not know,
    /// a synthetic contact whose synthesis run is missing.
    case unreadable(path: String, reason: String)
    /// The file's synthetic contacts are recipes that generator version `found` wrote, and
    /// this build's synthesizer (version `current`) would make other documents from them:
    /// serving those under the same ids would be wrong, so they are refused until re-seeded.
    case generatorMismatch(path: String, found: Int64, current: Int64)
    /// Any other SQLite failure.
    case sqlite(SQLiteError)

    public var description: String {
        switch self {
        case .busy(let e): return "the store is being written by another process: \(e)"
        case .full(let path, let e): return "the store \(path) cannot grow: the disk is full (\(e.message), SQLite code \(e.code))"
        case .cannotOpen(let path, let reason): return "cannot open the store \(path): \(reason)"
        case .unreadable(let path, let reason): return "cannot read the store \(path): \(reason)"
        case .generatorMismatch(let path, let found, let current):
            return "cannot read the store \(path): synthetic contacts in it were made by generator version \(found) and this build makes version \(current); seed them again (connect-mock seed --replace)"
        case .sqlite(let e): return e.description
        }
    }
}

/// Where a store file is to be created.
public enum StoreLocation {
    /// Creates the folders on the way to `path` that are missing, one at a time, so that a
    /// failure names the folder and the reason (Foundation's `createDirectory` answered a path
    /// under a regular file with `NSCocoaErrorDomain Code=512 "(null)"`).
    public static func prepareFolder(for path: String) throws(StoreError) {
        guard path != ":memory:", !path.hasPrefix("file:") else { return }
        let folder = (path as NSString).deletingLastPathComponent
        guard !folder.isEmpty else { return }
        var built = folder.hasPrefix("/") ? "/" : ""
        for part in folder.split(separator: "/") {
            built += (built.isEmpty || built.hasSuffix("/") ? "" : "/") + part
            var info = stat()
            if stat(built, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else {
                    throw .cannotOpen(path: path, reason: "\(built) is a file, not a folder")
                }
                continue
            }
            let statErrno = errno
            guard statErrno == ENOENT else {
                throw .cannotOpen(path: path, reason: "cannot look at \(built): \(String(cString: strerror(statErrno)))")
            }
            if mkdir(built, 0o755) != 0 && errno != EEXIST {
                throw .cannotOpen(path: path, reason: "cannot create the folder \(built): \(String(cString: strerror(errno)))")
            }
        }
    }
}
