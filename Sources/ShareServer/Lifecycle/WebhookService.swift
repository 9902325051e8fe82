import AsyncHTTPClient
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL
import ServiceLifecycle
import ShareBroker
import ShareHTTP
import ShareModel
import ShareStore

/// Pushes deliveries to the agencies that registered a webhook: one POST per delivery with the
/// broker's client certificate, the endpoint's certificate verified against the configured
/// roots. A 2xx answer acknowledges the delivery; anything else is retried with backoff.
/// Deliveries are found from stored state, so a restart loses none.
struct WebhookService: Service {
    let broker: Broker
    let tls: WebhookTLS
    let interval: Duration
    let rounds: ServiceRounds
    let logger: Logger

    func run() async throws {
        guard let webhooks = broker.configuration.webhooks else { return }
        var configuration = HTTPClient.Configuration(tlsConfiguration: try Self.clientTLS(tls))
        configuration.timeout = .init(connect: .seconds(Int64(webhooks.timeout)), read: .seconds(Int64(webhooks.timeout)))
        configuration.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        await repeatUntilShutdown(every: interval) {
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (agency, url) in try await broker.webhooks() {
                        group.addTask { try await push(to: agency, at: url, with: client, timeout: webhooks.timeout) }
                    }
                    try await group.waitForAll()
                }
            } catch {
                logger.error("Webhook round failed; it is retried at the next interval", metadata: ["share.reason": "\(error)"])
            }
            rounds.complete()
        }
        try await client.shutdown()
    }

    /// Posts the agency's waiting deliveries one at a time, in order.
    private func push(to agency: AgencyID, at url: String, with client: HTTPClient, timeout: TimeInterval) async throws {
        for delivery in try await broker.webhookDeliveries(for: agency) {
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "Sharebroker-Delivery-Id", value: delivery.id.lowercasedString)
            request.body = .bytes(ByteBuffer(data: DeliveryJSON.encode(delivery)))
            let accepted: Bool
            do {
                let response = try await client.execute(request, timeout: .seconds(Int64(timeout)))
                accepted = (200..<300).contains(response.status.code)
                _ = try? await response.body.collect(upTo: 64 * 1024)
            } catch {
                accepted = false
            }
            if accepted {
                try await broker.webhookAccepted(delivery, by: agency)
            } else {
                try await broker.webhookFailed(delivery, by: agency)
            }
        }
    }

    static func clientTLS(_ tls: WebhookTLS) throws -> TLSConfiguration {
        do {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(tls.certificatePath).map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: tls.privateKeyPath, format: .pem))
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(tls.trustRootsPath))
            configuration.minimumTLSVersion = .tlsv12
            return configuration
        } catch {
            throw ConfigurationError("/webhooks: cannot read the client certificate, key or trust roots (\(tls.certificatePath), \(tls.privateKeyPath), \(tls.trustRootsPath)).")
        }
    }
}
