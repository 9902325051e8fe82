import Foundation
import ShareServer
import ShareStorePostgres
import ShareTesting
import Testing

/// The configuration chooses the store: a SQLite file, or a PostgreSQL database shared by the
/// nodes of a cluster. A mistake is refused at start with its place and what to give instead.
@Suite("Store configuration")
struct StoreConfigurationTests {
    /// Loads the demo configuration with `store` replaced; the settings, or the error's text.
    func load(store: [String: Any], environment: [String: String] = [:]) throws -> Result<ServerSettings, ConfigurationError> {
        let prepared = try TestBroker { $0["store"] = store }
        defer { try? FileManager.default.removeItem(at: prepared.folder) }
        do {
            return .success(try ServerSettings.load(from: prepared.configurationFile, environment: environment))
        } catch let error as ConfigurationError {
            return .failure(error)
        }
    }

    func error(store: [String: Any], environment: [String: String] = [:]) throws -> String {
        guard case .failure(let error) = try load(store: store, environment: environment) else { return "" }
        return error.description
    }

    @Test("a PostgreSQL store: the URL, the password from its file, TLS checked against the CA file, the pool and the clock")
    func postgresStore() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("store-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let passwordFile = folder.appendingPathComponent("password").path
        try "not-a-real-password\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let settings = try load(store: ["postgres": [
            "url": "postgres://sharebroker@db.example:6543/partnership", "passwordFile": passwordFile,
            "caFile": "/etc/sharebroker/database-ca.pem", "poolSize": 7, "clock": "local",
        ]]).get()
        guard case .postgres(let configuration, let followsDatabaseClock) = settings.store else {
            Issue.record("not a PostgreSQL store: \(settings.store)")
            return
        }
        #expect(configuration.host == "db.example" && configuration.port == 6543)
        #expect(configuration.database == "partnership" && configuration.username == "sharebroker")
        #expect(configuration.password == "not-a-real-password", "the file's first line")
        #expect(configuration.tls == .verifyFull(caFile: "/etc/sharebroker/database-ca.pem"), "verify-full by default")
        #expect(configuration.poolSize == 7)
        #expect(!followsDatabaseClock)
        #expect(!"\(settings.store)".contains("not-a-real-password"), "the settings never print the password")
    }

    @Test("SHAREBROKER_POSTGRES_URL puts a PostgreSQL store in place of the file's SQLite one, its password from SHAREBROKER_POSTGRES_PASSWORD")
    func environmentOverride() throws {
        let settings = try load(store: ["path": "broker.sqlite"], environment: [
            "SHAREBROKER_POSTGRES_URL": "postgres://node@127.0.0.1:5432/cluster", "SHAREBROKER_POSTGRES_TLS": "disable",
            "SHAREBROKER_POSTGRES_PASSWORD": "from-the-environment",
        ]).get()
        guard case .postgres(let configuration, let followsDatabaseClock) = settings.store else {
            Issue.record("not a PostgreSQL store: \(settings.store)")
            return
        }
        #expect(configuration.database == "cluster" && configuration.tls == .disable)
        #expect(configuration.password == "from-the-environment")
        #expect(followsDatabaseClock, "nodes follow the database's clock by default")
    }

    @Test("mistakes are refused with their place and what to give")
    func mistakes() throws {
        #expect(try error(store: ["path": "broker.sqlite", "postgres": ["url": "postgres://a@b/c"]])
            .hasPrefix("/store must give either \"path\""))
        #expect(try error(store: [:]).hasPrefix("/store must give either \"path\""))
        #expect(try error(store: ["postgres": ["url": "postgres://a@b/c", "tls": "prefer"]])
            .hasPrefix("/store/postgres/tls is \"prefer\"; give \"verify-full\""))
        #expect(try error(store: ["postgres": ["url": "postgres://a:secret@b/c"]])
            .hasPrefix("/store/postgres/url: The PostgreSQL URL holds a password"))
        #expect(try error(store: ["postgres": ["url": "postgres://a@b/c", "passwordFile": "/nonexistent/password"]])
            .hasPrefix("/store/postgres/passwordFile: Cannot read the PostgreSQL password file"))
        #expect(try error(store: ["postgres": ["url": "postgres://a@b/c", "clock": "ntp"]])
            .hasPrefix("/store/postgres/clock is \"ntp\""))
        #expect(try error(store: ["postgres": ["url": "postgres://a@b/c", "poolSize": 0]])
            .hasPrefix("/store/postgres/poolSize must be from 1 to 1000"))
    }

    @Test("the example cluster configuration names a PostgreSQL store, verified with TLS, its password in a file")
    func clusterExample() throws {
        let example = Paths.repository.appendingPathComponent("Deploy/sharebroker-cluster.example.json")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: example)) as? [String: Any])
        let postgres = try #require((document["store"] as? [String: Any])?["postgres"] as? [String: Any])
        #expect(postgres["tls"] as? String == "verify-full")
        #expect(postgres["passwordFile"] is String)
        #expect((postgres["url"] as? String)?.contains(":") == true && (postgres["url"] as? String)?.contains("@db.") == true)
    }
}
