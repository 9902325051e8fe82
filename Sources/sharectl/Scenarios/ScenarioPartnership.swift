import Foundation
import ShareClient

/// The demo partnership's agencies as a scenario acts for them: each with a client on its own
/// certificate and a signer with its own signing key, from the demo folder.
actor ScenarioPartnership {
    let folder: DemoFolder
    private let urls: [URL]
    private var clients: [String: ShareClient] = [:]
    private var verifier: DeliveryVerifier?
    /// Deliveries an agency fetched that no step has taken yet: a fetch hides them from the next
    /// fetch for the visibility timeout, so they are kept here for the step that waits for them.
    private var fetched: [String: [Delivery]] = [:]

    init(folder: DemoFolder, urls: [URL]) {
        self.folder = folder
        self.urls = urls
    }

    /// The client of `agency`, made on first use; an agency the demo folder lacks is a usage error.
    func client(_ agency: String) throws -> ShareClient {
        if let client = clients[agency] { return client }
        try folder.requireAgency(agency)
        let pki = "\(folder.path)/pki"
        let client = try ShareClient(configuration: ShareClientConfiguration(
            urls: urls, caFile: "\(pki)/ca.crt", certificateFile: "\(pki)/\(agency).crt", keyFile: "\(pki)/\(agency).key"))
        clients[agency] = client
        return client
    }

    /// The message signer of `agency`.
    nonisolated func signer(_ agency: String) throws -> MessageSigner {
        try folder.requireAgency(agency)
        return try MessageSigner(keyFile: "\(folder.path)/pki/\(agency).signing.key")
    }

    /// Checks deliveries' signatures against the partnership's directory, read once.
    func deliveryVerifier() async throws -> DeliveryVerifier {
        if let verifier { return verifier }
        let directory = try await client(folder.agencies.first ?? "").directory()
        let made = try DeliveryVerifier(directory: directory)
        verifier = made
        return made
    }

    /// Keeps deliveries `agency` fetched for the steps that wait for them.
    func hold(_ deliveries: [Delivery], for agency: String) {
        fetched[agency, default: []].append(contentsOf: deliveries)
    }

    /// Takes the first delivery to `agency` that `matches`, from those fetched, if there.
    func take(for agency: String, where matches: @Sendable (Delivery) -> Bool) -> Delivery? {
        guard let index = fetched[agency]?.firstIndex(where: matches) else { return nil }
        return fetched[agency]?.remove(at: index)
    }

    /// Closes every client.
    func shutdown() async throws {
        for client in clients.values { try await client.shutdown() }
        clients = [:]
    }
}
