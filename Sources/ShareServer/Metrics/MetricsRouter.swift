import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ShareBroker

/// The plain-HTTP listener's routes: `/metrics` (Prometheus text), `/livez` and `/readyz`.
/// It carries no agency data, so scraping needs no client certificate.
enum MetricsRouter {
    static func make(broker: Broker, metrics: ServerMetrics) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("metrics") { _, _ in
            let text = await metrics.scrape(broker)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: text)))
        }
        router.get("livez") { _, _ in
            Self.answer(.ok, HealthStatus(status: "alive", reason: nil))
        }
        router.get("readyz") { _, _ in
            switch await broker.readiness() {
            case .ready: return Self.answer(.ok, HealthStatus(status: "ready", reason: nil))
            case .notReady(let reason): return Self.answer(.serviceUnavailable, HealthStatus(status: "not-ready", reason: reason))
            }
        }
        return router
    }

    private static func answer(_ status: HTTPResponse.Status, _ body: HealthStatus) -> Response {
        let data = (try? JSONEncoder().encode(body)) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The body of `/livez` and `/readyz`: `{"status": "ready"}`, or `"not-ready"` with a reason.
private struct HealthStatus: Encodable {
    let status: String
    let reason: String?
}
