import ArgumentParser
import Foundation
import ShareClient

/// How sharectl reaches the broker and proves who it is. Each option falls back to an
/// environment variable; `--as` fills every file from a demo data folder.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .customLong("as"), help: "Act as this demo agency, using the files in --demo-dir (env SHARECTL_AS).")
    var agency: String?

    @Option(name: .long, help: "The demo data folder made by 'sharebroker demo' (env SHARECTL_DEMO_DIR; default ./demo-data).")
    var demoDir: String?

    @Option(name: .long, help: ArgumentHelp(
        "The broker's base URL (env SHARECTL_URL; default https://127.0.0.1:8443, or the demo's port).",
        discussion: "Repeat it, or separate URLs with commas (as SHARECTL_URL must), to name several nodes of one broker: "
            + "a request moves to the next URL when it cannot connect, and, if repeating it is harmless, when the "
            + "connection breaks before the answer or the node answers 503."))
    var url: [String] = []

    @Option(name: .long, help: "PEM file of the CA that issued the broker's certificate (env SHARECTL_CA).")
    var ca: String?

    @Option(name: .long, help: "PEM file of your agency's TLS client certificate (env SHARECTL_CERT).")
    var cert: String?

    @Option(name: .long, help: "PEM file of the client certificate's private key (env SHARECTL_KEY).")
    var key: String?

    @Option(name: .long, help: "PEM (PKCS#8) file of your agency's message signing key (env SHARECTL_SIGNING_KEY).")
    var signingKey: String?

    private var environment: [String: String] { ProcessInfo.processInfo.environment }

    private var demoFolder: String? {
        guard agencyID != nil else { return nil }
        return demoDir ?? environment["SHARECTL_DEMO_DIR"] ?? "./demo-data"
    }

    private var agencyID: String? { agency ?? environment["SHARECTL_AS"] }

    private func demoFile(_ suffix: String) -> String? {
        guard let folder = demoFolder, let agencyID else { return nil }
        return "\(folder)/pki/\(agencyID)\(suffix)"
    }

    private func require(_ value: String?, _ option: String, _ variable: String) throws -> String {
        guard let value else {
            throw ValidationError("Missing \(option) (or \(variable)); or use --as AGENCY with a demo folder.")
        }
        return value
    }

    /// With `--as` (or `SHARECTL_AS`), the demo folder must exist and hold that agency: otherwise
    /// a usage error (exit 64) says so and names the agencies it holds.
    func validate() throws {
        guard let demoFolder, let agencyID else { return }
        try DemoFolder(path: demoFolder).requireAgency(agencyID)
    }

    func clientConfiguration() throws -> ShareClientConfiguration {
        return ShareClientConfiguration(
            urls: try brokerURLs(),
            caFile: try require(ca ?? environment["SHARECTL_CA"] ?? demoFolder.map { "\($0)/pki/ca.crt" }, "--ca", "SHARECTL_CA"),
            certificateFile: try require(cert ?? environment["SHARECTL_CERT"] ?? demoFile(".crt"), "--cert", "SHARECTL_CERT"),
            keyFile: try require(key ?? environment["SHARECTL_KEY"] ?? demoFile(".key"), "--key", "SHARECTL_KEY"))
    }

    private func brokerURLs() throws -> [URL] {
        try Self.brokerURLs(given: url) { try demoFolder.flatMap { try DemoFolder(path: $0).url } }
    }

    /// The broker URLs from `given` (`--url`, each may list several, separated by commas), else
    /// `SHARECTL_URL`, else `demoURL()` (the demo folder's), else the default; each must be https.
    static func brokerURLs(given flags: [String], demoURL: () throws -> String?) throws -> [URL] {
        let given: [String]
        if !flags.isEmpty {
            given = flags
        } else if let variable = ProcessInfo.processInfo.environment["SHARECTL_URL"] {
            given = [variable]
        } else {
            given = [try demoURL() ?? "https://127.0.0.1:8443"]
        }
        return try given.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }.map { part in
            let text = part.trimmingCharacters(in: .whitespaces)
            guard let url = URL(string: text), url.scheme == "https" else {
                throw ValidationError("The broker URL must be https://HOST:PORT, not '\(text)'; separate several with commas.")
            }
            return url
        }
    }

    /// The agency's message signer; a key file that cannot be read or used is a usage error (exit 64).
    func signer() throws -> MessageSigner {
        let path = try require(signingKey ?? environment["SHARECTL_SIGNING_KEY"] ?? demoFile(".signing.key"),
                               "--signing-key", "SHARECTL_SIGNING_KEY")
        do {
            return try MessageSigner(keyFile: path)
        } catch let error as ShareClientError {
            throw ValidationError(error.reason)
        }
    }

    /// Runs `body` with a connected client, closing it afterwards.
    func withClient<T>(_ body: (ShareClient) async throws -> T) async throws -> T {
        try await ShareClient.with(try clientConfiguration(), body)
    }
}
