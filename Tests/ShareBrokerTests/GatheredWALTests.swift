import CGatheredWAL
import CSQLite
import Foundation
import ShareModel
import ShareStore
import ShareStoreConformance
import ShareStoreSQLite
import Testing

/// The VFS under the SQLite store (Sources/CGatheredWAL): a commit's write-ahead-log frames are
/// written together, and are in the file before SQLite answers the commit or shows it to any
/// other connection.
@Suite("SQLite store: write-ahead-log frames written together")
struct GatheredWALTests {
    /// The VFS's counts for the whole process: other tests' stores add to both alike.
    private func counts() -> (written: Int64, requested: Int64) {
        var written: Int64 = 0
        var requested: Int64 = 0
        sharebroker_gathered_wal_counts(&written, &requested)
        return (written, requested)
    }

    @Test("each commit's frames reach the file in one write instead of two a page, and another process reads them at once")
    func framesOfACommitAreOneWrite() async throws {
        try await withStore { store, path in
            let before = counts()
            let messages = (0..<30).map { _ in newMessage(recipients: [.csc, .police], jws: Data(repeating: UInt8(ascii: "e"), count: 3_800)) }
            for message in messages { _ = try await publishStored(message, to: store) }
            let after = counts()
            let requested = after.requested - before.requested
            let written = after.written - before.written
            // A publish changes a dozen pages or more, each a header and a page: SQLite asks
            // for at least 24 writes a commit, and the file gets about one.
            #expect(requested >= 30 * 24, "SQLite wrote \(requested) times for 30 commits")
            #expect(written * 8 <= requested, "\(written) writes made for \(requested) asked")
            let stored = try await sqlite3(path, "SELECT count(*) FROM messages")
            #expect(stored.output.trimmingCharacters(in: .whitespacesAndNewlines) == "30", "\(stored.error)")
        }
    }

    @Test("with SQLite's sync turned off, another connection still never sees a commit whose frames are not yet in the file")
    func commitsArePublishedOnlyOnceWritten() throws {
        let folder = try makeTemporaryFolder()
        defer { removeTemporaryFolder(folder) }
        let path = folder.appendingPathComponent("unsynced.sqlite").path
        #expect(sharebroker_gathered_wal_register() == SQLITE_OK)
        let writer = try RawConnection(path: path, vfs: SHAREBROKER_GATHERED_WAL_VFS)
        try writer.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; CREATE TABLE t(x BLOB)")
        let reader = try RawConnection(path: path, vfs: nil)
        for count in 1...200 {
            try writer.execute("INSERT INTO t VALUES (randomblob(3000))")
            // Without a sync the commit's frames would wait in the buffer; the VFS writes them
            // at the shared-memory barrier where SQLite publishes the commit.
            #expect(try reader.integer("SELECT count(*) FROM t") == count)
        }
        #expect(try reader.text("PRAGMA integrity_check") == "ok")
    }
}

/// An SQLite connection through the C API, for what the store never does itself.
private final class RawConnection {
    let handle: OpaquePointer

    init(path: String, vfs: String?) throws {
        var db: OpaquePointer?
        let status = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs)
        guard status == SQLITE_OK, let db else {
            if let db { sqlite3_close_v2(db) }
            throw RawError(message: "open: \(String(cString: sqlite3_errstr(status)))")
        }
        handle = db
    }

    deinit { sqlite3_close_v2(handle) }

    func execute(_ sql: String) throws {
        guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else { throw RawError(message: String(cString: sqlite3_errmsg(handle))) }
    }

    func integer(_ sql: String) throws -> Int {
        try row(sql) { Int(sqlite3_column_int64($0, 0)) }
    }

    func text(_ sql: String) throws -> String {
        try row(sql) { sqlite3_column_text($0, 0).map { String(cString: $0) } ?? "" }
    }

    private func row<T>(_ sql: String, _ read: (OpaquePointer) -> T) throws -> T {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw RawError(message: String(cString: sqlite3_errmsg(handle)))
        }
        defer { sqlite3_finalize(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW else { throw RawError(message: String(cString: sqlite3_errmsg(handle))) }
        return read(statement)
    }
}

private struct RawError: Error, CustomStringConvertible {
    let message: String
    var description: String { "SQLite: \(message)" }
}
