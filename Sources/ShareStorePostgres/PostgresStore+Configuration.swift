import Foundation
import ShareStore

extension PostgresStore {
    /// Where the database is and how to reach it. Its `description` and its mirror (what `dump`
    /// and test failures show) name the server, the database and the user, never the password.
    public struct Configuration: Sendable, CustomStringConvertible, CustomReflectable {
        /// How the connection to the server is protected.
        public enum TLSMode: Sendable, Equatable {
            /// Plain TCP: only for a server on the same machine or a test server.
            case disable
            /// TLS, the server's certificate not checked: protects against eavesdropping only.
            case require
            /// TLS, the server's certificate checked against the CA certificates in `caFile`
            /// (PEM) and its name against `host`.
            case verifyFull(caFile: String)
        }

        /// The server's host name (or IP address, except with `verifyFull`).
        public var host: String
        public var port: Int
        /// The database the store keeps its tables in; it must exist.
        public var database: String
        /// The PostgreSQL user; the first open needs the right to create tables in the database.
        public var username: String
        /// The user's password, read by the caller from a file (`readPassword(file:)`) or the
        /// environment; nil when the server asks none.
        public var password: String?
        /// The most connections the store's pool opens at once (at least 1).
        public var poolSize: Int
        /// How long a call waits for a connection from the pool (the server may be unreachable,
        /// or every connection busy) before it fails as `StoreError.unavailable`, having stored
        /// nothing; nil: as long as the pool makes it (its circuit breaker, about a minute, when
        /// the server cannot be reached). A call that has its connection is never interrupted.
        public var connectionWait: Duration?
        /// By default `verifyFull` against the system's CA certificates (Debian's bundle).
        public var tls: TLSMode
        /// How long an acknowledgement waits for a write without patience to share its
        /// transaction and commit, while only acknowledgements wait (`CommitSharing`).
        public var acknowledgementPatience = CommitSharing.acknowledgementPatience

        public init(host: String, port: Int = 5432, database: String, username: String, password: String? = nil,
                    poolSize: Int = 10, tls: TLSMode = .verifyFull(caFile: "/etc/ssl/certs/ca-certificates.crt")) {
            self.host = host
            self.port = port
            self.database = database
            self.username = username
            self.password = password
            self.poolSize = poolSize
            self.tls = tls
        }

        /// Reads `postgres://user@host:port/database` (the port defaults to 5432). A password in
        /// the URL is refused: give it through `password` so that it stays out of command lines
        /// and configuration files.
        public init(url: String, password: String? = nil, poolSize: Int = 10, tls: TLSMode) throws {
            guard let parts = URLComponents(string: url), ["postgres", "postgresql"].contains(parts.scheme),
                  let host = parts.host, !host.isEmpty, let username = parts.user, !username.isEmpty,
                  parts.path.count > 1, parts.query == nil, parts.fragment == nil else {
                throw StoreError(.cannotOpen, "The PostgreSQL URL must read postgres://user@host:port/database.")
            }
            guard parts.password == nil else {
                throw StoreError(.cannotOpen, "The PostgreSQL URL holds a password; give it in a password file instead.")
            }
            self.init(host: host, port: parts.port ?? 5432, database: String(parts.path.dropFirst()), username: username,
                      password: password, poolSize: poolSize, tls: tls)
        }

        /// The password in `file`: its first line, without the line break (as `.pgpass`-style
        /// secret files and container secrets hold it).
        public static func readPassword(file: String) throws -> String {
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                throw StoreError(.cannotOpen, "Cannot read the PostgreSQL password file \(file).")
            }
            return String(text.prefix { $0 != "\n" && $0 != "\r" })
        }

        public var customMirror: Mirror {
            Mirror(self, children: ["host": host, "port": port, "database": database, "username": username,
                                    "password": password == nil ? "none" : "given", "poolSize": poolSize, "tls": tls],
                   displayStyle: .struct)
        }

        public var description: String {
            "postgres://\(username)@\(host):\(port)/\(database) (tls: \(tls), pool: \(poolSize), password: \(password == nil ? "none" : "given"))"
        }
    }
}
