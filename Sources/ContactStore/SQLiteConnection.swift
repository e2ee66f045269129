internal import CSQLite

/// A failed SQLite call: the result code, SQLite's own message and what we were doing.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public var code: Int32
    public var message: String
    public var context: String
    public var description: String { "\(context): \(message) (SQLite code \(code))" }
    /// SQLITE_BUSY or SQLITE_LOCKED: another connection holds the lock.
    public var isBusy: Bool { code & 0xff == SQLITE_BUSY || code & 0xff == SQLITE_LOCKED }
}

/// The one Swift type that owns a `sqlite3*`: every C call and its return code stay in here.
final class SQLiteConnection {
    private var handle: OpaquePointer?

    init(path: String, readOnly: Bool) throws {
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw SQLiteError(code: rc, message: message, context: "opening \(path)")
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, 5000)
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    func error(_ rc: Int32, _ context: String) -> SQLiteError {
        SQLiteError(code: rc, message: String(cString: sqlite3_errmsg(handle)), context: context)
    }

    func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(errorMessage)
            throw SQLiteError(code: rc, message: message, context: sql)
        }
    }

    func prepare(_ sql: String) throws -> Statement {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error(rc, "preparing \(sql)") }
        return Statement(connection: self, handle: stmt, sql: sql)
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
        func bind(_ values: [Value]) throws -> Statement {
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
        func step() throws -> Bool {
            let rc = sqlite3_step(handle)
            if rc == SQLITE_ROW { return true }
            if rc == SQLITE_DONE { return false }
            throw connection.error(rc, "running \(sql)")
        }

        /// Runs a statement that returns no rows.
        func run(_ values: [Value] = []) throws {
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
