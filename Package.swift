// swift-tools-version:6.2
import PackageDescription

/// Settings for every target of ours: Swift 6 mode, strict imports, warnings are errors.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "sharebroker",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sharebroker", targets: ["sharebroker"]),
        .executable(name: "sharectl", targets: ["sharectl"]),
        .library(name: "ShareClient", targets: ["ShareClient"]),
    ],
    dependencies: [
        // HTTP/1.1 and HTTP/2 server with TLS; brings SwiftNIO, NIOSSL and service-lifecycle.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        // TLS configuration and certificate access on both sides.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        // The HTTP request and response parts Hummingbird's channels carry (already a dependency
        // of Hummingbird), for the broker's request deadlines.
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
        // ES256 signatures and SHA-256 digests.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        // Minting the development PKI in `demo` and in tests.
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        // The client library's mutual-TLS HTTP client.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        // Command lines of `sharebroker` and `sharectl`.
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // Counters, gauges and histograms the broker records (`ShareBroker` names only the API).
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        // The Prometheus registry and text format behind the metrics listener.
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // The PostgreSQL client and connection pool behind `ShareStorePostgres`.
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // The system SQLite library (Debian: libsqlite3-dev).
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        // The few GNU C library calls the tests' child processes need that Swift does not import.
        .target(name: "CSpawn"),
        // glibc's malloc.h (malloc_trim), which Swift's Glibc module does not import.
        .systemLibrary(name: "CMalloc"),
        // An SQLite VFS that writes each commit's write-ahead-log frames in one write.
        .target(name: "CGatheredWAL", dependencies: ["CSQLite"]),
        .target(
            name: "ShareModel",
            swiftSettings: strictSettings
        ),
        // The lock of every module of ours (a pthread mutex, which ThreadSanitizer understands).
        .target(
            name: "ShareLocking",
            dependencies: [.product(name: "NIOConcurrencyHelpers", package: "swift-nio")],
            swiftSettings: strictSettings
        ),
        // The JSON Schema 2020-12 validator: pure Swift, no I/O.
        .target(
            name: "ShareSchema",
            dependencies: ["ShareModel"],
            swiftSettings: strictSettings
        ),
        // The message catalogue: which schema governs each message type.
        .target(
            name: "ShareCatalogue",
            dependencies: ["ShareSchema", "ShareModel"],
            swiftSettings: strictSettings
        ),
        // Area calendars (time zone, bank holidays, school terms) and the deadlines counted in them: pure, no I/O.
        .target(
            name: "ShareCalendar",
            dependencies: ["ShareModel"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ShareJWS",
            dependencies: ["ShareModel", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ShareAudit",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ShareStore",
            dependencies: ["ShareModel", "ShareAudit", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: strictSettings
        ),
        // The Store contract as one suite of checks, run against every store by the tests.
        .target(
            name: "ShareStoreConformance",
            dependencies: ["ShareStore", "ShareModel", "ShareAudit", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ShareStoreSQLite",
            dependencies: ["CSQLite", "CGatheredWAL", "ShareLocking", "ShareStore", "ShareModel", "ShareAudit"],
            swiftSettings: strictSettings
        ),
        // The Store on PostgreSQL, for several broker processes sharing one database.
        .target(
            name: "ShareStorePostgres",
            dependencies: [
                "ShareStore", "ShareModel", "ShareAudit", "ShareLocking",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictSettings
        ),
        // Message bodies encrypted at rest: data keys, the key-encryption keys that wrap them, and
        // the store that seals and opens bodies around any other.
        .target(
            name: "ShareVault",
            dependencies: ["ShareStore", "ShareModel", "ShareAudit", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ShareBroker",
            dependencies: [
                "ShareModel", "ShareJWS", "ShareStore", "ShareAudit", "ShareCatalogue", "ShareCalendar", "ShareLocking",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ShareHTTP",
            dependencies: [
                "ShareBroker", "ShareLocking", "ShareModel", "ShareJWS", "ShareAudit", "ShareCatalogue", "ShareCalendar",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                // The issuer of a client certificate whose serial number is on the revocation list.
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ShareServer",
            dependencies: [
                "ShareHTTP", "ShareBroker", "ShareStore", "ShareStoreSQLite", "ShareStorePostgres", "ShareModel", "ShareJWS", "ShareAudit", "ShareCatalogue",
                "ShareCalendar", "ShareVault", "ShareLocking", "CMalloc",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ShareClient",
            dependencies: [
                "ShareJWS", "ShareModel", "ShareAudit", "ShareLocking",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                // Its connection error tells a refused connection from a lost one, for moving to the next URL.
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "sharebroker",
            dependencies: [
                "ShareServer", "ShareModel", "ShareStore", "ShareVault",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "sharectl",
            dependencies: [
                "ShareClient", "ShareLocking", "ShareJWS", "ShareModel", "ShareAudit", "ShareCatalogue", "ShareSchema",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        // The fuzz targets (scripts/fuzz builds them with libFuzzer); built as usual, the program
        // replays inputs through them, as the regression tests do.
        .executableTarget(
            name: "sharebroker-fuzz",
            dependencies: [
                "ShareBroker", "ShareModel", "ShareJWS", "ShareSchema", "ShareCatalogue", "ShareCalendar",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // The audit log benchmark (Benchmarks/AuditBench); not a product.
        .executableTarget(
            name: "audit-bench",
            dependencies: [
                "ShareBroker", "ShareStoreSQLite", "ShareStore", "ShareModel", "ShareAudit", "ShareCatalogue",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Benchmarks/AuditBench",
            swiftSettings: strictSettings
        ),
        // The store benchmark (Benchmarks/StoreBench); not a product.
        .executableTarget(
            name: "store-bench",
            dependencies: ["ShareBroker", "ShareStoreSQLite", "ShareStore", "ShareModel", "ShareVault"],
            path: "Benchmarks/StoreBench",
            swiftSettings: strictSettings
        ),
        // The selective disclosure benchmark (Benchmarks/DisclosureBench); not a product.
        .executableTarget(
            name: "disclosure-bench",
            dependencies: ["ShareBroker", "ShareJWS", "ShareModel", .product(name: "Crypto", package: "swift-crypto")],
            path: "Benchmarks/DisclosureBench",
            swiftSettings: strictSettings
        ),
        // The schema validation benchmark (Benchmarks/SchemaBench); not a product.
        .executableTarget(
            name: "schema-bench",
            dependencies: ["ShareSchema", "ShareModel"],
            path: "Benchmarks/SchemaBench",
            swiftSettings: strictSettings
        ),
        .target(
            name: "ShareTesting",
            dependencies: [
                "CSpawn", "ShareLocking", "ShareServer", "ShareStore", "ShareStorePostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"), "ShareClient", "ShareJWS", "ShareModel", "ShareBroker",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ShareJWSTests",
            dependencies: ["ShareJWS", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ShareSchemaTests",
            dependencies: ["ShareSchema", "ShareModel"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ShareCatalogueTests",
            dependencies: ["ShareCatalogue", "ShareSchema", "ShareModel", "ShareTesting"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ShareCalendarTests",
            dependencies: ["ShareCalendar", "ShareModel"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ShareAuditTests",
            dependencies: ["ShareAudit", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ShareBrokerTests",
            dependencies: [
                "ShareBroker", "ShareModel", "ShareJWS", "ShareStore", "ShareStoreSQLite", "ShareStoreConformance", "ShareAudit", "ShareTesting",
                "ShareLocking", "CSQLite", "CGatheredWAL",
                "ShareStorePostgres", "ShareVault",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ShareIntegrationTests",
            dependencies: [
                "ShareTesting", "ShareLocking", "ShareServer", "ShareHTTP", "ShareClient", "ShareJWS", "ShareModel", "ShareAudit",
                "ShareCatalogue", "ShareStorePostgres", "ShareVault", "ShareStore", "ShareStoreSQLite", "CMalloc",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
