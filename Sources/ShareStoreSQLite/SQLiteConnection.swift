import CGatheredWAL
import CSQLite
import Foundation
import ShareModel
import ShareStore

/// One SQLite connection with a cache of prepared statements.
/// Not thread-safe: each connection is used only by the thread of its `SQLiteWorker`.
final class SQLiteConnection {
    private let handle: OpaquePointer
    /// The store file, named in errors that the operator must act on.
    private let path: String
    private var statements: [StatementKey: Statement] = [:]
    /// The statements handed out since the last `resetStatements`, each once: only these can
    /// have been stepped, so only these need resetting.
    private var handedOut: [Statement] = []

    /// SQLite's settings for the whole process, applied once before the first connection:
    /// no memory statistics (the store never reads them, and they serialise every allocation
    /// of every connection on one mutex), and the VFS that gathers a commit's write-ahead-log
    /// frames into one write (Sources/CGatheredWAL; its registration's result code).
    private static let processSettings: Int32 = {
        _ = sharebroker_sqlite3_disable_memory_statistics()
        return sharebroker_gathered_wal_register()
    }()

    init(path: String, readOnly: Bool) throws {
        guard Self.processSettings == SQLITE_OK else {
            throw StoreError(.cannotOpen, "The SQLite library's default file layer (VFS) could not be wrapped to gather its "
                + "write-ahead log's writes (\(String(cString: sqlite3_errstr(Self.processSettings)))): sharebroker needs SQLite's "
                + "Unix VFS, as Debian 12's libsqlite3 (3.40) has; install that library.")
        }
        var db: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &db, flags, SHAREBROKER_GATHERED_WAL_VFS)
        guard status == SQLITE_OK, let db else {
            if let db { sqlite3_close_v2(db) }
            throw StoreError(.cannotOpen, "SQLite could not open the store file (\(String(cString: sqlite3_errstr(status)))).")
        }
        handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, 10_000)
    }

    deinit {
        statements.values.forEach { $0.finalize() }
        sqlite3_close_v2(handle)
    }

    /// Runs SQL text that takes no parameters (pragmas, DDL, transaction control).
    func execute(_ sql: String) throws {
        let status = sqlite3_exec(handle, sql, nil, nil, nil)
        guard status == SQLITE_OK else { throw error(status) }
    }

    /// Runs transaction control (BEGIN, COMMIT, SAVEPOINT, RELEASE) prepared once and kept:
    /// `execute` would parse the text again each time, and a message takes several.
    func control(_ sql: String) throws {
        let control = try statement(sql)
        defer { control.reset() }
        try control.run()
    }

    /// A prepared statement, reset and ready to bind.
    func statement(_ sql: String) throws -> Statement {
        let statement: Statement
        if let cached = statements[StatementKey(sql: sql)] {
            cached.reset()
            statement = cached
        } else {
            var raw: OpaquePointer?
            let status = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
            guard status == SQLITE_OK, let raw else { throw error(status) }
            statement = Statement(raw: raw, connection: self)
            statements[StatementKey(sql: sql)] = statement
        }
        if !statement.isHandedOut {
            statement.isHandedOut = true
            handedOut.append(statement)
        }
        return statement
    }

    /// Resets every statement handed out since the last call, ending any read a half-stepped
    /// statement holds open. The others were reset when last handed out, or never stepped: a
    /// job uses a few of the store's many statements.
    func resetStatements() {
        for statement in handedOut {
            statement.reset()
            statement.isHandedOut = false
        }
        handedOut.removeAll(keepingCapacity: true)
    }

    /// Whether no transaction is open (SQLite rolls a transaction back on some errors).
    var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    func error(_ status: Int32) -> SQLiteError {
        SQLiteError(status: status, message: String(cString: sqlite3_errmsg(handle)),
                    systemError: sqlite3_system_errno(handle), path: path)
    }
}

/// A statement's SQL text as the key of a connection's cache, hashed by its length and its
/// last 32 bytes only: `String` hashes every byte, and the store looks up about 18 statements
/// of a few hundred bytes for each message. Texts that agree there are told apart by the
/// synthesised `==`, which compares the whole text.
private struct StatementKey: Hashable {
    let sql: String

    func hash(into hasher: inout Hasher) {
        let utf8 = sql.utf8
        hasher.combine(utf8.count)
        if utf8.withContiguousStorageIfAvailable({
            hasher.combine(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: $0.suffix(32))))
        }) == nil {
            for byte in utf8.suffix(32) { hasher.combine(byte) }
        }
    }
}

/// An SQLite result code with its message. Messages name constraints and tables, never values.
struct SQLiteError: Error, CustomStringConvertible {
    let status: Int32
    let message: String
    /// The operating system's error number behind the failure, if there was one.
    let systemError: Int32
    /// The store file.
    let path: String

    /// Out of space: the disk is full, or the file reached the store's size limit.
    var isFull: Bool {
        status & 0xff == SQLITE_FULL || systemError == ENOSPC || systemError == EDQUOT
    }

    /// What an operator must do about a full store, naming the folder whose disk is full.
    var fullStoreAdvice: String {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return "The store is full (\(description)): free space on the disk that holds \(folder), "
            + "or raise store.maxSizeBytes if the store has reached it."
    }

    /// Out of space, I/O failure, read-only file or database locked: the write could not be made.
    var isUnavailable: Bool {
        let primary = status & 0xff
        return [SQLITE_FULL, SQLITE_IOERR, SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_BUSY, SQLITE_LOCKED,
                SQLITE_CORRUPT, SQLITE_NOTADB].contains(primary)
    }

    var description: String { "SQLite error \(status): \(message)" }
}

/// A prepared statement. Bind by 1-based position, step, and read columns by 0-based index.
final class Statement {
    private let raw: OpaquePointer
    private unowned let connection: SQLiteConnection
    /// Whether its connection has it among the statements to reset (`resetStatements`).
    fileprivate var isHandedOut = false

    init(raw: OpaquePointer, connection: SQLiteConnection) {
        self.raw = raw
        self.connection = connection
    }

    func reset() {
        sqlite3_reset(raw)
        sqlite3_clear_bindings(raw)
    }

    func finalize() {
        sqlite3_finalize(raw)
    }

    /// Binds each value in order (see `SQLiteBindable`; nil binds NULL). Generic over the
    /// values' types, so binding builds no array and makes no dynamic call.
    @discardableResult
    func bind<each Value: SQLiteBindable>(_ values: repeat each Value) throws -> Statement {
        var index: Int32 = 0
        for value in repeat each values {
            index += 1
            let status = value.bind(to: raw, at: index)
            guard status == SQLITE_OK else { throw connection.error(status) }
        }
        return self
    }

    /// Binds each value of an array in order.
    @discardableResult
    func bind(values: [(any SQLiteBindable)?]) throws -> Statement {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let status = value?.bind(to: raw, at: index) ?? sqlite3_bind_null(raw, index)
            guard status == SQLITE_OK else { throw connection.error(status) }
        }
        return self
    }

    /// Advances to the next row; false when there are no more.
    func step() throws -> Bool {
        let status = sqlite3_step(raw)
        switch status {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw connection.error(status)
        }
    }

    /// Runs a statement that returns no rows.
    func run() throws {
        while try step() {}
    }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(raw, column) == SQLITE_NULL }

    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(raw, column)) }

    func optionalInt(_ column: Int32) -> Int? { isNull(column) ? nil : int(column) }

    func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(raw, column) else { return "" }
        return String(cString: pointer)
    }

    func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }

    func data(_ column: Int32) -> Data {
        let count = Int(sqlite3_column_bytes(raw, column))
        guard count > 0, let pointer = sqlite3_column_blob(raw, column) else { return Data() }
        return Data(bytes: pointer, count: count)
    }
}

/// SQLITE_TRANSIENT: SQLite copies bound text and blobs before the call returns.
private let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

/// A Swift value that binds to a statement parameter without a dynamic cast.
protocol SQLiteBindable: Sendable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32
}

extension String: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        sqlite3_bind_text(statement, index, self, -1, transient)
    }
}

extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
    /// Binds the value, or NULL for nil.
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        self?.bind(to: statement, at: index) ?? sqlite3_bind_null(statement, index)
    }
}

extension UUID: SQLiteBindable {
    /// Binds the upper-case text form, as the store keeps ids.
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        withUppercasedText { text in
            sqlite3_bind_text(statement, index, UnsafeRawPointer(text.baseAddress!).assumingMemoryBound(to: CChar.self), 36, transient)
        }
    }
}

extension Int: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        sqlite3_bind_int64(statement, index, Int64(self))
    }
}

extension Int64: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        sqlite3_bind_int64(statement, index, self)
    }
}

extension Double: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        sqlite3_bind_double(statement, index, self)
    }
}

extension Bool: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        sqlite3_bind_int64(statement, index, self ? 1 : 0)
    }
}

extension Data: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        withUnsafeBytes { buffer in
            sqlite3_bind_blob(statement, index, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(buffer.count), transient)
        }
    }
}
