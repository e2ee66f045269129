internal import CSQLite

/// A failed SQLite call: the result code, SQLite's own message and what we were doing.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public var code: Int32
    public var message: String
    public var context: String

    public init(code: Int32, message: String, context: String) {
        self.code = code
        self.message = message
        self.context = context
    }

    public var description: String { "\(context): \(message) (SQLite code \(code))" }
}

extension StoreError {
    /// The case for a failed SQLite call on the file at `path`. Extended result codes are on,
    /// so the primary code is the low byte.
    static func classify(_ e: SQLiteError, path: String) -> StoreError {
        switch e.code & 0xff {
        case SQLITE_BUSY, SQLITE_LOCKED: return .busy(e)
        case SQLITE_FULL: return .full(path: path, e)
        case SQLITE_CANTOPEN: return .cannotOpen(path: path, reason: "\(e.message) (SQLite code \(e.code))")
        case SQLITE_NOTADB: return .unreadable(path: path, reason: "it is not a SQLite database (\(e.message))")
        default: return .sqlite(e)
        }
    }
}

/// The one Swift type that owns a `sqlite3*`: every C call and its return code stay in here,
/// and every failure leaves as a `StoreError` case (`StoreError.classify`).
final class SQLiteConnection {
    private var handle: OpaquePointer?
    let path: String

    init(path: String, readOnly: Bool) throws(StoreError) {
        self.path = path
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw .cannotOpen(path: path, reason: "\(message) (SQLite code \(rc))")
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, 5000)
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    func error(_ rc: Int32, _ context: String) -> StoreError {
        StoreError.classify(SQLiteError(code: rc, message: String(cString: sqlite3_errmsg(handle)), context: context), path: path)
    }

    func execute(_ sql: String) throws(StoreError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(errorMessage)
            throw StoreError.classify(SQLiteError(code: rc, message: message, context: sql), path: path)
        }
    }

    func prepare(_ sql: String) throws(StoreError) -> Statement {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error(rc, "preparing \(sql)") }
        return Statement(connection: self, handle: stmt, sql: sql)
    }

    /// How long a statement waits for another connection's lock before failing as `.busy`.
    func setBusyTimeout(milliseconds: Int32) {
        sqlite3_busy_timeout(handle, milliseconds)
    }

    var changes: Int { Int(sqlite3_changes(handle)) }
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// A prepared statement; finalized when released, reset before every use.
    final class Statement {
        private unowned let connection: SQLiteConnection
        private let handle: OpaquePointer
        let sql: String

        fileprivate init(connection: SQLiteConnection, handle: OpaquePointer, sql: String) {
            self.connection = connection
            self.handle = handle
            self.sql = sql
        }

        deinit {
            sqlite3_finalize(handle)
        }

        enum Value {
            case text(String)
            case int(Int64)
            case blob([UInt8])
            case null
        }

        /// Resets, binds `values` to ?1...?n and returns self for stepping.
        @discardableResult
        func bind(_ values: [Value]) throws(StoreError) -> Statement {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
            for (k, v) in values.enumerated() {
                let i = Int32(k + 1)
                let rc: Int32
                switch v {
                case .text(let s): rc = sqlite3_bind_text(handle, i, s, -1, SQLITE_TRANSIENT)
                case .int(let n): rc = sqlite3_bind_int64(handle, i, n)
                // An empty array has no base address, and a null pointer would bind NULL.
                case .blob(let b) where b.isEmpty: rc = sqlite3_bind_zeroblob(handle, i, 0)
                case .blob(let b): rc = b.withUnsafeBytes { sqlite3_bind_blob(handle, i, $0.baseAddress, Int32($0.count), SQLITE_TRANSIENT) }
                case .null: rc = sqlite3_bind_null(handle, i)
                }
                guard rc == SQLITE_OK else { throw connection.error(rc, "binding parameter \(i) of \(sql)") }
            }
            return self
        }

        /// True when a row is available, false when done.
        func step() throws(StoreError) -> Bool {
            let rc = sqlite3_step(handle)
            if rc == SQLITE_ROW { return true }
            if rc == SQLITE_DONE { return false }
            throw connection.error(rc, "running \(sql)")
        }

        /// Runs a statement that returns no rows.
        func run(_ values: [Value] = []) throws(StoreError) {
            try bind(values)
            while try step() {}
            sqlite3_reset(handle)
        }

        func int(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
        func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

        func text(_ column: Int32) -> String {
            guard let p = sqlite3_column_text(handle, column) else { return "" }
            return String(cString: p)
        }

        func blob(_ column: Int32) -> [UInt8] {
            let n = Int(sqlite3_column_bytes(handle, column))
            guard n > 0, let p = sqlite3_column_blob(handle, column) else { return [] }
            return Array(UnsafeRawBufferPointer(start: p, count: n))
        }

        func finishReading() {
            sqlite3_reset(handle)
        }
    }
}

private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
