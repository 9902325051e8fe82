import Foundation
public import Logging
public import PostgresNIO
import ShareStore
public import ShareStorePostgres

/// The PostgreSQL server the tests use, named by `SHAREBROKER_TEST_POSTGRES`
/// (`postgres://user@host:port/database`, a user that may create databases), which
/// `scripts/test` sets after starting a throwaway server with `scripts/test-postgres`.
/// Without it, or when the server cannot be reached, a test that needs it fails: it is never skipped.
public enum TestPostgres {
    /// The connections each test store may open: the conformance checks run side by side,
    /// and the throwaway server allows 300 connections in all.
    public static let poolSize = 3

    /// The server's configuration, connecting to the database named in the variable.
    public static func server() throws -> PostgresStore.Configuration {
        guard let url = ProcessInfo.processInfo.environment["SHAREBROKER_TEST_POSTGRES"], !url.isEmpty else {
            throw TestPostgresError("SHAREBROKER_TEST_POSTGRES is not set. Run the tests with scripts/test, or start a "
                                    + "server with scripts/test-postgres and export the SHAREBROKER_TEST_POSTGRES line it prints.")
        }
        return try PostgresStore.Configuration(url: url, poolSize: poolSize, tls: .disable)
    }

    /// The CA certificate file (PEM) that signed the test server's certificate for `localhost`,
    /// named by `SHAREBROKER_TEST_POSTGRES_CA`, which `scripts/test` also sets.
    public static func certificateAuthority() throws -> String {
        guard let file = ProcessInfo.processInfo.environment["SHAREBROKER_TEST_POSTGRES_CA"], !file.isEmpty else {
            throw TestPostgresError("SHAREBROKER_TEST_POSTGRES_CA is not set. Run the tests with scripts/test, or start a "
                                    + "server with scripts/test-postgres and export the lines it prints.")
        }
        return file
    }

    /// A new, empty database on the test server; `drop()` it afterwards.
    public struct Database: Sendable {
        /// How to reach it.
        public let configuration: PostgresStore.Configuration

        /// Its URL, as a configuration file's `store.postgres.url` names it.
        public var url: String {
            "postgres://\(configuration.username)@\(configuration.host):\(configuration.port)/\(configuration.database)"
        }

        /// Drops it, ending the connections still open to it.
        public func drop() async throws {
            var server = configuration
            server.database = try TestPostgres.server().database
            try await TestPostgres.run("DROP DATABASE \(configuration.database) WITH (FORCE)", on: server)
        }
    }

    /// Creates a new, empty database on the test server.
    public static func createDatabase() async throws -> Database {
        let server = try server()
        let name = "sb_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await run("CREATE DATABASE \(name)", on: server)
        var configuration = server
        configuration.database = name
        return Database(configuration: configuration)
    }

    /// Runs `body` with the configuration of a new, empty database on the test server, and
    /// drops the database afterwards (also when `body` throws).
    public static func withDatabase<T>(_ body: (PostgresStore.Configuration) async throws -> T) async throws -> T {
        let database = try await createDatabase()
        do {
            let result = try await body(database.configuration)
            try await database.drop()
            return result
        } catch {
            try? await database.drop()
            throw error
        }
    }

    /// Runs `body` with a store on a new, empty database, then closes it and drops the database.
    public static func withStore<T>(_ body: (PostgresStore) async throws -> T) async throws -> T {
        try await withDatabase { configuration in
            try await withStore(on: configuration, body)
        }
    }

    /// Runs `body` with two stores on one new, empty database, standing for two nodes of a
    /// cluster; then closes them and drops the database.
    public static func withTwoNodes<T>(_ body: (PostgresStore, PostgresStore) async throws -> T) async throws -> T {
        try await withDatabase { configuration in
            try await withStore(on: configuration) { first in
                try await withStore(on: configuration) { second in try await body(first, second) }
            }
        }
    }

    /// Runs `body` with a store opened on `configuration`, then closes it.
    public static func withStore<T>(on configuration: PostgresStore.Configuration, logger: Logger = quiet,
                             _ body: (PostgresStore) async throws -> T) async throws -> T {
        let store = try await PostgresStore.open(configuration: configuration, logger: logger)
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    /// Runs `sql` (one statement, outside a transaction) on the database `configuration` names;
    /// answers its rows. With `after`, first waits (up to 10 s) until that query answers a row.
    @discardableResult
    public static func run(_ sql: String, on configuration: PostgresStore.Configuration, after condition: String? = nil) async throws
        -> [PostgresRow] {
        try await withConnection(to: configuration) { connection in
            if let condition {
                var waited = 0
                while try await connection.query(PostgresQuery(unsafeSQL: condition), logger: quiet).collect().isEmpty {
                    waited += 1
                    guard waited < 1000 else { throw TestPostgresError("Waited 10 s for: \(condition)") }
                    try await Task.sleep(for: .milliseconds(10))
                }
            }
            return try await connection.query(PostgresQuery(unsafeSQL: sql), logger: quiet).collect()
        }
    }

    /// How many other sessions on the database `configuration` names are running a statement
    /// that starts with `statement` now (from `pg_stat_activity`).
    public static func running(_ statement: String, on configuration: PostgresStore.Configuration) async throws -> Int {
        let quoted = statement.replacingOccurrences(of: "'", with: "''")
        return try await run("""
            SELECT count(*)::int FROM pg_stat_activity
            WHERE state = 'active' AND starts_with(query, '\(quoted)') AND pid <> pg_backend_pid()
            """, on: configuration).first?.decode(Int.self) ?? 0
    }

    /// Runs `body` while a transaction of its own holds the lock on the end of the event record
    /// (the `log_head` row), so that every append waits; rolls it back afterwards.
    public static func holdingTheRecord<T>(on configuration: PostgresStore.Configuration, _ body: () async throws -> T) async throws -> T {
        try await holding("SELECT * FROM log_head FOR UPDATE", on: configuration, body)
    }

    /// Runs `body` while a transaction of its own holds the lock the statement `lock` takes
    /// (such as `LOCK TABLE deliveries IN ACCESS EXCLUSIVE MODE`); rolls it back afterwards.
    public static func holding<T>(_ lock: String, on configuration: PostgresStore.Configuration,
                                  _ body: () async throws -> T) async throws -> T {
        try await withConnection(to: configuration) { connection in
            try await connection.query("BEGIN", logger: quiet)
            try await connection.query(PostgresQuery(unsafeSQL: lock), logger: quiet)
            let result = try await body()
            try await connection.query("ROLLBACK", logger: quiet)
            return result
        }
    }

    /// Runs `body` on a new connection to the database `configuration` names, then closes it.
    private static func withConnection<T>(to configuration: PostgresStore.Configuration,
                                          _ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: .init(host: configuration.host, port: configuration.port, username: configuration.username,
                                     password: configuration.password, database: configuration.database, tls: .disable),
                id: 1, logger: quiet)
        } catch {
            throw TestPostgresError("Cannot reach the test PostgreSQL server at \(configuration.host):\(configuration.port) "
                                    + "(\(String(reflecting: error))). Run the tests with scripts/test, or start a server with "
                                    + "scripts/test-postgres and export the SHAREBROKER_TEST_POSTGRES line it prints.")
        }
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            _ = try? await connection.close()
            throw error
        }
    }

    public static let quiet = Logger(label: "test-postgres") { _ in SwiftLogNoOpLogHandler() }
}

/// Why a test that needs the PostgreSQL server could not have it.
public struct TestPostgresError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
