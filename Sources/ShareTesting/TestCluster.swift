import Foundation
import ShareStorePostgres

/// Several brokers sharing one fresh PostgreSQL database on the test server (see
/// `TestPostgres`) and one folder: the nodes of one partnership's cluster, each with a clock
/// of its own. Always `stop()` it: that stops every node, drops the database and removes the folder.
public final class TestCluster: Sendable {
    /// The nodes, each a running broker.
    public let nodes: [TestBroker]
    /// The database they share.
    public let database: TestPostgres.Database

    private init(nodes: [TestBroker], database: TestPostgres.Database) {
        self.nodes = nodes
        self.database = database
    }

    /// Starts `count` nodes on a new database, each with its clock from `clocks` (default: a
    /// new `TestClock` each); `configure` may edit the shared configuration. Each node follows
    /// its own clock (`"clock": "local"`), so that a test moves time by hand, unless
    /// `configure` sets `store.postgres.clock` to `"database"`.
    public static func start(nodes count: Int = 2, clocks: [TestClock] = [],
                             configure: (inout [String: Any]) -> Void = { _ in }) async throws -> TestCluster {
        let database = try await TestPostgres.createDatabase()
        let clock = { (node: Int) in node < clocks.count ? clocks[node] : TestClock() }
        let first: TestBroker
        do {
            first = try TestBroker(clock: clock(0)) { document in
                document["store"] = ["postgres": ["url": database.url, "tls": "disable", "poolSize": 4, "clock": "local"]]
                configure(&document)
            }
        } catch {
            try? await database.drop()
            throw error
        }
        var nodes = [first] + (1..<max(count, 1)).map { TestBroker(sharingFolderOf: first, clock: clock($0)) }
        var started: [TestBroker] = []
        do {
            for node in nodes {
                try await node.start()
                started.append(node)
            }
        } catch {
            for node in started.reversed() { try? await node.stop() }
            try? FileManager.default.removeItem(at: first.folder)
            try? await database.drop()
            throw error
        }
        nodes = started
        return TestCluster(nodes: nodes, database: database)
    }

    /// Stops every node still running, drops the database and removes the folder.
    public func stop() async throws {
        for node in nodes.reversed() { try? await node.stopAndRemove() }
        try await database.drop()
    }
}
