import Foundation
public import Logging
import NIOCore
import NIOSSL
import PostgresNIO
import ShareLocking
public import ShareStore

/// The store for a cluster: every broker process of the cluster keeps its state in one
/// PostgreSQL database, through a pool of connections.
///
/// It keeps the `Store` contract across processes, not only across tasks: indexes and
/// delivery sequences are assigned under one row lock in commit order (see `LogAppend`),
/// hand-outs lock the deliveries they take (`FOR UPDATE SKIP LOCKED`), and the timers'
/// settlements check and set under row locks, so two nodes settling one item change it once.
/// Every call is one transaction; a call that throws stored nothing. A call made while the
/// server cannot be reached waits for a connection (at most `Configuration.connectionWait`)
/// and then throws `StoreError.unavailable`.
public final class PostgresStore: Store {
    /// The pool for every call but the write groups and the streams' reads.
    let client: PostgresClient
    /// The one connection the write groups run on (a node runs one group at a time), with its
    /// prepared statements always planned generically (see `plannedOnce`).
    private let writer: PostgresClient
    /// The one connection the streams' reads run on (`streamCandidates`: the broker's
    /// `StreamReads` keeps one in flight), planned as the writer's is.
    let streamReader: PostgresClient
    let logger: Logger
    /// How long a call waits for a pooled connection before it fails as unavailable, if limited.
    private let connectionWait: Duration?
    /// How long an acknowledgement waits for company in its write group.
    let acknowledgementPatience: Duration
    let gate = CallGate()
    /// The write calls waiting for their group's transaction.
    private let groups = WriteGroups()
    /// The tasks that listen for changes (`changes()`), ended by `close()`.
    let changeListeners = TaskList()
    /// The feeds `changes()` returned, for what this store must tell its own process.
    let ownFeeds = Locked<[AsyncStream<StoreChange>.Continuation]>([])
    /// Marks the notices of this store's own new deliveries (`ChangeNotice`), which its
    /// process has signalled already and so does not take back.
    let noticeSource = String(UUID().uuidString.filter(\.isHexDigit).prefix(12)).lowercased()
    private let running: Task<Void, Never>

    /// Opens the database and brings its schema up to date, then starts the connection pool.
    /// Throws `StoreError.cannotOpen` when the server cannot be reached or refuses the user,
    /// or when the database was written by a newer version. `logger` receives the pool's
    /// messages from `info` up (never a query, a row or the password).
    public static func open(configuration: Configuration, logger: Logger) async throws -> PostgresStore {
        guard configuration.poolSize > 0 else {
            throw StoreError(.cannotOpen, "The PostgreSQL pool size must be at least 1 (it is \(configuration.poolSize)).")
        }
        var logger = logger
        logger.logLevel = max(logger.logLevel, .info)
        let tls = try PostgresTLS(configuration)
        do {
            let connection = try await PostgresConnection.connect(configuration: try tls.connectionConfiguration(configuration),
                                                                  id: 0, logger: logger)
            do {
                try await PostgresSchema.migrate(on: connection, logger: logger)
                try? await connection.close()
            } catch {
                try? await connection.close()
                throw error
            }
        } catch let error as StoreError {
            throw error
        } catch {
            let reason = PostgresFailure.storeError(error).reason
            throw StoreError(.cannotOpen, "Cannot open \(configuration): \(reason)")
        }
        let (started, starting) = AsyncStream<Void>.makeStream()
        let store = PostgresStore(
            client: PostgresClient(configuration: tls.clientConfiguration(configuration), backgroundLogger: logger),
            writer: PostgresClient(configuration: tls.singleConnection(configuration, parameters: plannedOnce), backgroundLogger: logger),
            streamReader: PostgresClient(configuration: tls.singleConnection(configuration, parameters: plannedOnce),
                                         backgroundLogger: logger),
            connectionWait: configuration.connectionWait, acknowledgementPatience: configuration.acknowledgementPatience,
            logger: logger, starting: starting)
        // A pool leased before its run() has begun works, but PostgresNIO warns in the log.
        // run() marks the pool running first thing; each task announces itself just before
        // calling it, and the yield gives the tasks that moment.
        for await _ in started.prefix(3) {}
        await Task.yield()
        return store
    }

    /// Runs the three pools, telling `starting` as each is about to run.
    private init(client: PostgresClient, writer: PostgresClient, streamReader: PostgresClient, connectionWait: Duration?,
                 acknowledgementPatience: Duration, logger: Logger, starting: AsyncStream<Void>.Continuation) {
        self.client = client
        self.writer = writer
        self.streamReader = streamReader
        self.connectionWait = connectionWait
        self.acknowledgementPatience = acknowledgementPatience
        self.logger = logger
        running = Task {
            await withDiscardingTaskGroup { group in
                for pool in [client, writer, streamReader] {
                    group.addTask {
                        starting.yield()
                        await pool.run()
                    }
                }
            }
        }
    }

    /// The session settings of the write groups' and the stream readers' connections.
    /// PostgreSQL plans a prepared statement afresh for every execution while it guesses that
    /// a plan made for the values at hand is cheaper than a generic one, as it does for the
    /// append (`LogAppend`) and the streams' read: planning took longer than running them.
    /// Their statements look rows up or change them by key or by an index they alone can use
    /// (`openDeliveries`), so their plans do not depend on the values: these connections plan
    /// each once.
    static let plannedOnce = [("plan_cache_mode", "force_generic_plan")]

    /// Waits for the calls under way, then closes the pool's connections. Later calls throw
    /// `StoreError.closed`.
    public func close() async {
        await gate.close()
        await changeListeners.cancelAll()
        ownFeeds.withLock { $0 = [] }
        running.cancel()
        await running.value
    }

    /// Runs `body` as one write call, in the next group of this node's write calls (see
    /// `WriteGroups`): one read-write transaction (READ COMMITTED: a row lock waited for is then
    /// read as committed) with one append and one commit for the group. Answers once the group
    /// has committed. The group is tried again, from the start, when PostgreSQL rolled it back
    /// for a deadlock or when its connection had closed before it began (up to 4 tries in all).
    /// A call that throws is answered with its error, and the others of its group run again
    /// without it. When the group's append fails on a message id already stored (committed by
    /// another transaction, meanwhile or before), the calls that added such ids run again in
    /// the group, told so (they then look for their ids first: a replayed message is answered
    /// as such, a taken id throws); when it fails otherwise, each call runs again alone, and a
    /// call that stored a key already taken is tried once more, told so. A call that runs no
    /// statement of its own (it only adds to the append) passes `runsStatements: false` and
    /// must then not use the connection (unless it is tried again): a group of such calls sends
    /// its append alone, outside a transaction (`WriteGroups.needTransaction`).
    func write<T: Sendable>(patience: Duration? = nil, runsStatements: Bool = true,
                            indexed body: @escaping GroupedWrite<T>) async throws -> T {
        try await gate.run {
            try await withCheckedThrowingContinuation { continuation in
                let member = WriteGroups.Member(run: { connection, append, triedAgain in
                    let result = try await body(connection, &append, triedAgain)
                    return { appended in continuation.resume(returning: result(appended)) }
                }, fail: { continuation.resume(throwing: $0) }, patientUntil: patience.map { .now + $0 },
                   runsStatements: runsStatements)
                if groups.add(member) {
                    Task { await runGroups() }
                }
            }
        }
    }

    /// Runs `body` as one write call whose result does not depend on where its events are
    /// appended; see `write(indexed:)`.
    @discardableResult
    func write<T: Sendable>(patience: Duration? = nil, runsStatements: Bool = true,
                            _ body: @escaping @Sendable (PostgresConnection, inout LogAppend) async throws -> T) async throws -> T {
        try await write(patience: patience, runsStatements: runsStatements, indexed: { connection, append, _ in
            let result = try await body(connection, &append)
            return { _ in result }
        })
    }

    /// Runs groups of waiting write calls until none waits.
    private func runGroups() async {
        while let next = groups.next() {
            switch next {
            case .run(let group):
                var members = group
                while !members.isEmpty {
                    members = await run(members)
                }
            case .wait(let until):
                await groups.pause(until: until)
            }
        }
    }

    /// Runs `members` in one transaction (or, when none of them runs a statement of its own,
    /// their append alone); answers the calls to run again in a new one.
    private func run(_ members: [WriteGroups.Member]) async -> [WriteGroups.Member] {
        let inTransaction = WriteGroups.needTransaction(members)
        do {
            let (results, appended) = try await transaction(inTransaction ? "BEGIN" : nil, on: writer) { [self] connection in
                var append = LogAppend()
                var results: [@Sendable (Appended) -> Void] = []
                for (position, member) in members.enumerated() {
                    append.member = position
                    do {
                        results.append(try await member.run(connection, &append, member.triedAgain))
                    } catch where !GroupFailure.isTransient(error) {
                        throw GroupFailure(position: position, error: error)
                    }
                }
                do {
                    let appended = try await append.commit(on: connection, source: noticeSource, inTransaction: inTransaction,
                                                           logger: logger)
                    return (results, appended ?? Appended(firstIndex: 0))
                } catch where !GroupFailure.isTransient(error) {
                    throw GroupFailure(position: nil, error: error, messageAdders: append.messageAdders)
                } catch is ConnectionClosed where !inTransaction {
                    // Sent alone on a connection found closed before it was sent: nothing was
                    // done on it (as with a `BEGIN` that fails so), so the group is tried again.
                    throw StaleConnection()
                } catch {
                    // Alone, an append whose connection was lost may have committed though its
                    // answer was lost (one that met contention was rolled back).
                    if !inTransaction, PostgresFailure.isConnectionLost(error) { announceUnknownCommit() }
                    throw error
                }
            }
            if appended.unplaced { announceUnknownCommit() }
            results.forEach { $0(appended) }
            return []
        } catch let failure as GroupFailure {
            if failure.position == nil, members.count > 1, PostgresFailure.isUniqueViolation(failure.error),
               let members = await resent(members, adding: failure.messageAdders) {
                return members
            }
            guard let position = failure.position ?? (members.count == 1 ? 0 : nil) else {
                for member in members {
                    var alone = [member]
                    while !alone.isEmpty { alone = await run(alone) }
                }
                return []
            }
            var members = members
            if PostgresFailure.isUniqueViolation(failure.error), !members[position].triedAgain {
                members[position].triedAgain = true
            } else {
                members.remove(at: position).fail(PostgresFailure.storeError(failure.error))
            }
            return members
        } catch {
            members.forEach { $0.fail(error) }
            return []
        }
    }

    /// `members`, whose group's append failed on a key, with the calls that added a message
    /// stored meanwhile (a resend, or the same message committed by another node) told to look
    /// for their ids first, to run again together; nil when none is found that was not told
    /// already, and the calls are to run alone instead. One statement, so that a burst of
    /// resends costs each group a transaction more, not a transaction per call.
    private func resent(_ members: [WriteGroups.Member], adding messageAdders: [UUID: Int]) async -> [WriteGroups.Member]? {
        guard !messageAdders.isEmpty else { return nil }
        var binds = PostgresBindings(capacity: 1)
        binds.append(Array(messageAdders.keys))
        let query = PostgresQuery(unsafeSQL: "SELECT id FROM messages WHERE id = ANY($1::uuid[])", binds: binds)
        guard let stored = try? await select({ [self] connection in
            try await connection.rows(query, logger: logger).map { try $0.decode(UUID.self) }
        }) else { return nil }
        var members = members
        var told = false
        for position in stored.compactMap({ messageAdders[$0] }) where !members[position].triedAgain {
            members[position].triedAgain = true
            told = true
        }
        return told ? members : nil
    }

    /// Runs `body` in one read-write transaction of its own, outside the write groups: for a
    /// change that records no event.
    func update<T: Sendable>(_ body: @escaping Body<T>) async throws -> T {
        try await gate.run {
            try await transaction("BEGIN", body)
        }
    }

    /// Runs `body` in one read-only transaction that reads one snapshot.
    func read<T: Sendable>(_ body: @escaping Body<T>) async throws -> T {
        try await gate.run {
            try await transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
        }
    }

    /// Runs `body`, one statement that commits on its own, on a connection of `pool` (by
    /// default the store's main pool).
    @discardableResult
    func select<T: Sendable>(on pool: PostgresClient? = nil, _ body: @escaping Body<T>) async throws -> T {
        try await gate.run {
            try await transaction(nil, on: pool, body)
        }
    }

    /// The work of one call on its connection.
    typealias Body<T> = @Sendable (PostgresConnection) async throws -> T

    /// Runs `body` as one transaction (or, without `begin`, one statement), inside a call that
    /// `gate` admitted. It runs to its end even when its caller's task is cancelled, as the
    /// SQLite store's calls do: it commits or rolls back whole, and its caller learns which.
    private func transaction<T: Sendable>(_ begin: PostgresQuery?, on pool: PostgresClient? = nil,
                                          _ body: @escaping Body<T>) async throws -> T {
        let wait = ConnectionWait()
        let work = Task { [client] in
            try await attempts(begin, on: pool ?? client, wait: wait, body)
        }
        let watchdog = connectionWait.map { limit in
            Task {
                try await Task.sleep(for: limit)
                if wait.abandon() { work.cancel() }
            }
        }
        defer { watchdog?.cancel() }
        do {
            return try await work.value
        } catch where wait.isAbandoned {
            throw StoreError(.unavailable, "No connection to PostgreSQL within \(connectionWait ?? .zero): it cannot be reached, or every connection is busy; nothing was stored.")
        }
    }

    /// Runs `body` on a pooled connection, inside `begin` and a commit unless `begin` is nil,
    /// trying again as `write(indexed:)` says.
    private func attempts<T: Sendable>(_ begin: PostgresQuery?, on pool: PostgresClient, wait: ConnectionWait,
                                       _ body: Body<T>) async throws -> T {
        var tries = 0
        while true {
            tries += 1
            do {
                return try await pool.withConnection { connection in
                    // The pool may lease a connection the server has just closed: nothing was
                    // done on it, so the call is tried again on another.
                    guard !connection.isClosed else { throw StaleConnection() }
                    try wait.leased()
                    guard let begin else { return try await body(connection) }
                    do {
                        try await connection.rows(begin, logger: logger)
                    } catch let error where PostgresFailure.isConnectionLost(error) {
                        throw StaleConnection()
                    }
                    do {
                        let result = try await body(connection)
                        do {
                            try await connection.rows("COMMIT", logger: logger)
                        } catch {
                            announceUnknownCommit()
                            throw error
                        }
                        return result
                    } catch {
                        await connection.rollBack(after: error, logger: logger)
                        throw error
                    }
                }
            } catch let error where tries < 4 && PostgresFailure.isContention(error) {
                continue
            } catch is StaleConnection where tries < 4 {
                // The pool learns that a connection closed only when its channel does; a moment's
                // wait keeps the next try from being handed the same dead connection. The call
                // waits for a connection again, within the limit of its first wait.
                try wait.released()
                try await Task.sleep(for: .milliseconds(20 * tries))
                continue
            } catch let failure as GroupFailure {
                throw failure
            } catch {
                throw PostgresFailure.storeError(error)
            }
        }
    }
}

extension PostgresStore {
    /// Tells this process's feeds that a transaction may have committed though its answer was
    /// lost: whatever it announced may never reach this process, which skips its own notices of
    /// new deliveries, so its streams read the store instead.
    private func announceUnknownCommit() {
        ownFeeds.withLock { $0.forEach { $0.yield(.unknown) } }
    }
}

/// A leased connection was closed before the call did anything on it.
private struct StaleConnection: Error {}

/// The TLS settings of a `PostgresStore.Configuration` as postgres-nio takes them.
private struct PostgresTLS {
    let settings: TLSConfiguration?

    init(_ configuration: PostgresStore.Configuration) throws {
        switch configuration.tls {
        case .disable:
            settings = nil
        case .require:
            var settings = TLSConfiguration.makeClientConfiguration()
            settings.certificateVerification = .none
            self.settings = settings
        case .verifyFull(let caFile):
            // A name to check the certificate against: NIOSSL checks no name for an IP address.
            guard (try? SocketAddress(ipAddress: configuration.host, port: 0)) == nil else {
                throw StoreError(.cannotOpen, "TLS verify-full needs the PostgreSQL server's host name, not an IP address.")
            }
            var settings = TLSConfiguration.makeClientConfiguration()
            settings.certificateVerification = .fullVerification
            settings.trustRoots = .file(caFile)
            self.settings = settings
        }
    }

    func clientConfiguration(_ configuration: PostgresStore.Configuration) -> PostgresClient.Configuration {
        var client = PostgresClient.Configuration(
            host: configuration.host, port: configuration.port, username: configuration.username, password: configuration.password,
            database: configuration.database, tls: settings.map { .require($0) } ?? .disable)
        client.options.maximumConnections = configuration.poolSize
        return client
    }

    /// The configuration of a pool of one connection, with `parameters` set.
    func singleConnection(_ configuration: PostgresStore.Configuration, parameters: [(String, String)]) -> PostgresClient.Configuration {
        var single = clientConfiguration(configuration)
        single.options.maximumConnections = 1
        single.options.additionalStartupParameters = parameters
        return single
    }

    func connectionConfiguration(_ configuration: PostgresStore.Configuration) throws -> PostgresConnection.Configuration {
        PostgresConnection.Configuration(
            host: configuration.host, port: configuration.port, username: configuration.username, password: configuration.password,
            database: configuration.database, tls: try settings.map { .require(try NIOSSLContext(configuration: $0)) } ?? .disable)
    }
}
