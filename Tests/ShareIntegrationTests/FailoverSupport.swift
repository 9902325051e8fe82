import Foundation
import ShareClient
import ShareTesting

extension TestBroker {
    /// Another node for this broker's clients: a broker with its own folder and store, but
    /// this broker's PKI and agencies, so the same CA, certificates and signing keys work on
    /// both. Stop it as any broker.
    func secondNode() async throws -> TestBroker {
        let node = try TestBroker()
        let pki = node.folder.appendingPathComponent("pki")
        try FileManager.default.removeItem(at: pki)
        try FileManager.default.copyItem(at: folder.appendingPathComponent("pki"), to: pki)
        let configuration = try JSONSerialization.jsonObject(with: Data(contentsOf: configurationFile)) as? [String: Any]
        try node.editConfiguration { $0["agencies"] = configuration?["agencies"] }
        try await node.start()
        return node
    }

    /// The configuration of a client acting as `agency` with this broker's demo files, given `urls`.
    func configuration(as agency: String, urls: [URL]) -> ShareClientConfiguration {
        ShareClientConfiguration(urls: urls, caFile: pkiFile("ca.crt"), certificateFile: pkiFile("\(agency).crt"),
                                 keyFile: pkiFile("\(agency).key"))
    }

    /// Signs `envelope` as its sender.
    func jws(_ envelope: EnvelopeBuilder, as agency: String = "northshire-hospitals") throws -> String {
        try signer(for: agency).sign(envelope: envelope.data)
    }

    /// The broker's answer to the sender's status request for `envelope`: 200 once it holds the message, 404 if not.
    func statusCode(of envelope: EnvelopeBuilder) async throws -> Int {
        try await client(as: "northshire-hospitals").send("GET", "/v1/messages/\(envelope.id)/status").status
    }
}

/// Runs `body` with a client of `urls` acting as `agency` with `broker`'s files, and always closes it.
func withClient<T>(of broker: TestBroker, as agency: String, urls: [URL], _ body: (ShareClient) async throws -> T) async throws -> T {
    try await ShareClient.with(broker.configuration(as: agency, urls: urls), body)
}

/// Runs `body` with `broker` and a second node of it, and always stops and removes both.
func withTwoNodes(configure: (inout [String: Any]) -> Void = { _ in },
                  _ body: (TestBroker, TestBroker) async throws -> Void) async throws {
    try await withBroker(configure: configure) { first in
        let second = try await first.secondNode()
        do {
            try await body(first, second)
        } catch {
            try? await second.stopAndRemove()
            throw error
        }
        try await second.stopAndRemove()
    }
}
