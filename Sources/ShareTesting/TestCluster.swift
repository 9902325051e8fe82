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

    /// Starts `count` nodes on a new database; `configure` may edit the shared configuration.
    public static func start(nodes count: Int = 2, configure: (inout [String: Any]) -> Void = { _ in }) async throws -> TestCluster {
        let database = try await TestPostgres.createDatabase()
        let first: TestBroker
        do {
            first = try TestBroker { document in
                configure(&document)
                document["store"] = ["postgres": ["url": database.url, "tls": "disable", "poolSize": 4]]
            }
        } catch {
            try? await database.drop()
            throw error
        }
        var nodes = [first] + (1..<max(count, 1)).map { _ in TestBroker(sharingFolderOf: first) }
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
