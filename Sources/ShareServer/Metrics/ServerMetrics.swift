import Foundation
import Prometheus
import ShareBroker
import ShareLocking

/// One broker's Prometheus registry: the counters the broker records as it works (made through
/// swift-metrics from a factory bound to this registry, so brokers in one process never share
/// counts and nothing is bootstrapped process-wide), and the gauges read from the broker at
/// each scrape.
final class ServerMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    /// What the broker records; handed to it at construction.
    let broker: BrokerMetrics
    private let unacknowledged: Gauge
    private let openStreams: Gauge
    private let auditConsistent: Gauge
    private let auditEntries: Gauge
    /// The store's reads behind the two gauges, one of each at a time however often scraped.
    private let unacknowledgedCount = SharedRead<Int>()
    private let auditCatchUp = SharedRead<Int>()

    init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        // A store commit (fsync included) usually takes a few milliseconds.
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        broker = BrokerMetrics(factory: factory)
        func gauge(_ name: String, _ help: String) -> Gauge {
            registry.makeGauge(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help))
        }
        unacknowledged = gauge("sharebroker_unacknowledged_deliveries", "Deliveries neither acknowledged nor dead-lettered.")
        openStreams = gauge("sharebroker_open_streams", "Delivery streams open now.")
        auditConsistent = gauge(
            "sharebroker_audit_log_consistent",
            "1 when the last check found the stored audit log consistent with every signed tree head, else 0.")
        auditEntries = gauge("sharebroker_audit_log_entries", "Entries in the audit log.")
    }

    /// When each certificate the broker depends on expires, as
    /// `sharebroker_certificate_expiry_timestamp_seconds{certificate, index}` (Unix seconds), so
    /// that an alert can fire well before agencies are locked out.
    func recordCertificates(_ lifetimes: [CertificateExpiry.Lifetime]) {
        var seen: [String: Int] = [:]
        for lifetime in lifetimes {
            let index = seen[lifetime.name, default: 0]
            seen[lifetime.name] = index + 1
            registry.makeGauge(
                descriptor: MetricNameDescriptor(
                    metricName: "sharebroker_certificate_expiry_timestamp_seconds", unitName: "",
                    helpText: "When a certificate the broker depends on stops being valid (Unix time): its own TLS certificate, each client CA certificate."),
                labels: [("certificate", lifetime.name), ("index", "\(index)")]
            ).set(to: lifetime.notValidAfter.timeIntervalSince1970)
        }
    }

    /// How long a scrape waits for the store's reads: a scrape answers in time, with the last
    /// value a read gave, while the store is slow or holds the counted table locked.
    static let storeReadLimit: Duration = .seconds(2)

    /// The Prometheus text exposition, after reading the gauges from `broker` (a gauge whose
    /// read fails or outlasts `storeReadLimit` keeps its last value).
    func scrape(_ broker: Broker) async -> [UInt8] {
        async let count = unacknowledgedCount.result(within: Self.storeReadLimit) { try await broker.unacknowledgedDeliveries() }
        async let entries = auditCatchUp.result(within: Self.storeReadLimit) { try await broker.auditLog.catchUp() }
        if case .success(let count) = await count { unacknowledged.set(to: Double(count)) }
        if case .success(let entries) = await entries { auditEntries.set(to: Double(entries)) }
        openStreams.set(to: Double(broker.openStreams))
        switch broker.auditLog.integrity {
        case .consistent, .provisional: auditConsistent.set(to: 1)
        case .unchecked, .inconsistent: auditConsistent.set(to: 0)
        }
        return registry.emitToBuffer()
    }
}
