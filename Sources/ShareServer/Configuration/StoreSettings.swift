public import Foundation
public import Logging
public import ShareStore
public import ShareStorePostgres
public import ShareStoreSQLite

/// Which store the broker keeps its state in: one SQLite file (one broker process), or a
/// PostgreSQL database that several broker processes share as the nodes of one cluster.
public enum StoreSettings: Sendable {
    case sqlite(SQLiteStore.Configuration)
    /// With `followsDatabaseClock`, the broker reads the time from its own clock corrected
    /// to the database server's (see `CorrectedClock`), so that the nodes agree on it.
    case postgres(PostgresStore.Configuration, followsDatabaseClock: Bool = true)

    /// An open store, and the clock the nodes sharing it agree on, if it has one to follow.
    public struct Opened: Sendable {
        public let store: any Store
        /// Reads the shared reference clock (the database server's).
        public let referenceTime: (@Sendable () async throws -> Date)?
    }

    /// Opens the store, bringing its schema up to date. Throws `StoreError.cannotOpen` saying what is wrong.
    public func open(logger: Logger) async throws -> Opened {
        switch self {
        case .sqlite(let configuration):
            return Opened(store: try SQLiteStore(configuration: configuration), referenceTime: nil)
        case .postgres(let configuration, let followsDatabaseClock):
            let store = try await PostgresStore.open(configuration: configuration, logger: logger)
            guard followsDatabaseClock else { return Opened(store: store, referenceTime: nil) }
            let serverTime: @Sendable () async throws -> Date = { try await store.serverTime() }
            return Opened(store: store, referenceTime: serverTime)
        }
    }

    /// The password of a PostgreSQL store when the configuration names no password file.
    static let passwordVariable = "SHAREBROKER_POSTGRES_PASSWORD"

    /// The `store` object of the configuration file, with `SHAREBROKER_STORE_PATH` (a SQLite
    /// file) or `SHAREBROKER_POSTGRES_URL` (a PostgreSQL database, with
    /// `SHAREBROKER_POSTGRES_TLS` and `SHAREBROKER_POSTGRES_CA_FILE`) from `environment` in its place.
    static func read(_ store: ConfigFile.Store, environment: [String: String],
                     resolve: (String) -> String) throws -> StoreSettings {
        if let url = environment["SHAREBROKER_POSTGRES_URL"] {
            let postgres = ConfigFile.Store.Postgres(
                url: url, tls: environment["SHAREBROKER_POSTGRES_TLS"], caFile: environment["SHAREBROKER_POSTGRES_CA_FILE"],
                clock: store.postgres?.clock)
            return try Self.postgres(postgres, environment: environment, resolve: resolve)
        }
        if let path = environment["SHAREBROKER_STORE_PATH"] {
            return .sqlite(SQLiteStore.Configuration(path: path, maxSizeBytes: store.maxSizeBytes))
        }
        switch (store.path, store.postgres) {
        case (let path?, nil):
            return .sqlite(SQLiteStore.Configuration(path: resolve(path), maxSizeBytes: store.maxSizeBytes))
        case (nil, let postgres?):
            guard store.maxSizeBytes == nil else {
                throw ConfigurationError("/store/maxSizeBytes applies to a SQLite file only; PostgreSQL's space is its operators' to manage.")
            }
            return try Self.postgres(postgres, environment: environment, resolve: resolve)
        default:
            throw ConfigurationError("/store must give either \"path\" (a SQLite file, for one broker) or \"postgres\" (a database several brokers share), not both or neither.")
        }
    }

    private static func postgres(_ postgres: ConfigFile.Store.Postgres, environment: [String: String],
                                 resolve: (String) -> String) throws -> StoreSettings {
        let tls: PostgresStore.Configuration.TLSMode
        switch postgres.tls ?? "verify-full" {
        case "verify-full": tls = .verifyFull(caFile: postgres.caFile.map(resolve) ?? "/etc/ssl/certs/ca-certificates.crt")
        case "require": tls = .require
        case "disable": tls = .disable
        case let other:
            throw ConfigurationError("/store/postgres/tls is \"\(other)\"; give \"verify-full\" (the default: the server's certificate checked against caFile), \"require\" (encrypted, not checked) or \"disable\" (only for a server on this machine).")
        }
        let poolSize = postgres.poolSize ?? 10
        guard (1...1000).contains(poolSize) else { throw ConfigurationError("/store/postgres/poolSize must be from 1 to 1000.") }
        let followsDatabaseClock: Bool
        switch postgres.clock ?? "database" {
        case "database": followsDatabaseClock = true
        case "local": followsDatabaseClock = false
        case let other:
            throw ConfigurationError("/store/postgres/clock is \"\(other)\"; give \"database\" (the default: every node follows the database server's clock) or \"local\" (each node its own).")
        }
        let password: String?
        if let file = postgres.passwordFile {
            do {
                password = try PostgresStore.Configuration.readPassword(file: resolve(file))
            } catch let error as StoreError {
                throw ConfigurationError("/store/postgres/passwordFile: \(error.reason)")
            }
        } else {
            password = environment[passwordVariable]
        }
        let connectionWait = postgres.connectionWaitSeconds ?? 10
        guard connectionWait > 0 && connectionWait <= 300 else {
            throw ConfigurationError("/store/postgres/connectionWaitSeconds must be more than 0 and at most 300.")
        }
        do {
            var configuration = try PostgresStore.Configuration(url: postgres.url, password: password, poolSize: poolSize, tls: tls)
            configuration.connectionWait = .milliseconds(Int(connectionWait * 1000))
            return .postgres(configuration, followsDatabaseClock: followsDatabaseClock)
        } catch let error as StoreError {
            throw ConfigurationError("/store/postgres/url: \(error.reason)")
        }
    }
}
