public import CoreMetrics

/// The counters, gauges and timers the broker records, made once from one metrics factory.
///
/// Every label value is bounded and known in advance (an outcome or refusal code, a delivery
/// route, a notice type): never a message id, a subject or a payload. The hot path only
/// increments a counter made here; nothing is allocated per message.
///
/// Pass a factory that belongs to one broker (such as a Prometheus registry's) so that brokers
/// in one process do not share counts; the default records nothing.
public struct BrokerMetrics: Sendable {
    /// Publishes accepted: new messages stored.
    private let accepted: Counter
    /// Identical resends answered with the first receipt.
    private let replayed: Counter
    /// Publishes refused, by the refusal's code.
    private let refused: [BrokerError.Code: Counter]
    /// Refusals that carried no broker code (an unexpected failure).
    private let failed: Counter
    /// Deliveries handed out, by route.
    private let inboxDeliveries: Counter
    private let streamDeliveries: Counter
    private let webhookDeliveries: Counter
    /// Deliveries a stream handed out itself, because they were not handed out as they were published.
    private let streamOwnHandOuts: Counter
    /// Deliveries acknowledged for the first time.
    private let acknowledgements: Counter
    /// Deliveries dead-lettered after their last attempt.
    private let deadLetters: Counter
    /// Deliveries settled because their message expired unacknowledged.
    private let expiries: Counter
    /// Requests that passed their response deadline with recipients not answered.
    private let overdueResponses: Counter
    /// Notices sent, by type.
    private let notices: [String: Counter]
    /// Time of each store commit of a publish (a batch is one commit).
    private let storePublish: Timer
    /// Entries the running (or last) full check of the audit log has re-hashed.
    private let auditEntriesChecked: Gauge

    /// The message types of the broker's own notices.
    static let noticeTypes = ["delivery-failed/1", "delivery-overdue/1", "response-overdue/1", "flag-accessed/1"]

    /// Makes every metric from `factory`.
    public init(factory: any MetricsFactory) {
        func counter(_ name: String, _ dimensions: [(String, String)] = []) -> Counter {
            Counter(label: name, dimensions: dimensions, factory: factory)
        }
        accepted = counter("sharebroker_publishes_total", [("outcome", "accepted")])
        replayed = counter("sharebroker_publishes_total", [("outcome", "replayed")])
        refused = Dictionary(uniqueKeysWithValues: BrokerError.Code.allCases.map {
            ($0, counter("sharebroker_publishes_total", [("outcome", $0.description)]))
        })
        failed = counter("sharebroker_publishes_total", [("outcome", "internal-error")])
        inboxDeliveries = counter("sharebroker_deliveries_total", [("route", "inbox")])
        streamDeliveries = counter("sharebroker_deliveries_total", [("route", "stream")])
        webhookDeliveries = counter("sharebroker_deliveries_total", [("route", "webhook")])
        streamOwnHandOuts = counter("sharebroker_stream_own_handouts_total")
        acknowledgements = counter("sharebroker_acknowledgements_total")
        deadLetters = counter("sharebroker_dead_letters_total")
        expiries = counter("sharebroker_expiries_total")
        overdueResponses = counter("sharebroker_overdue_responses_total")
        notices = Dictionary(uniqueKeysWithValues: Self.noticeTypes.map {
            ($0, counter("sharebroker_notices_total", [("type", $0)]))
        })
        storePublish = Timer(label: "sharebroker_store_publish_seconds", factory: factory)
        auditEntriesChecked = Gauge(label: "sharebroker_audit_log_checked_entries", factory: factory)
    }

    /// Metrics that record nothing.
    public static let disabled = BrokerMetrics(factory: NOOPMetricsHandler.instance)

    /// Counts one publish answered: a new message stored, or an identical resend.
    func countPublished(replayed isReplay: Bool) {
        (isReplay ? replayed : accepted).increment()
    }

    /// Counts deliveries handed out by `route`.
    func countHandedOut(_ count: Int, by route: DeliveryRoute) {
        switch route {
        case .inbox: inboxDeliveries.increment(by: count)
        case .stream: streamDeliveries.increment(by: count)
        case .webhook: webhookDeliveries.increment(by: count)
        }
    }

    /// Counts deliveries a stream handed out itself (also counted by `countHandedOut`): a
    /// backlog, a redelivery, or a publish that did not know the agency was streaming.
    func countStreamOwnHandOuts(_ count: Int) {
        streamOwnHandOuts.increment(by: count)
    }

    /// Counts deliveries acknowledged for the first time.
    func countAcknowledged(_ count: Int) {
        acknowledgements.increment(by: count)
    }

    /// Counts deliveries dead-lettered after their last attempt.
    func countDeadLettered(_ count: Int) {
        deadLetters.increment(by: count)
    }

    /// Counts deliveries settled unacknowledged because their message expired.
    func countExpired(_ count: Int) {
        expiries.increment(by: count)
    }

    /// Counts one request whose response deadline passed with recipients not answered.
    func countOverdueResponse() {
        overdueResponses.increment()
    }

    /// Counts `count` publishes refused with `error`, under its code.
    func countRefusal(_ error: any Error, count: Int = 1) {
        if let code = (error as? BrokerError)?.code, let counter = refused[code] {
            counter.increment(by: count)
        } else {
            failed.increment(by: count)
        }
    }

    /// Records how many entries the running (or last) full check of the audit log has re-hashed.
    func recordAuditEntriesChecked(_ count: Int) {
        auditEntriesChecked.record(count)
    }

    /// Records how long a store commit of a publish took.
    func recordStorePublish(since start: ContinuousClock.Instant) {
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        storePublish.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Counts one notice sent.
    func countNotice(type: String) {
        notices[type]?.increment()
    }
}

/// How a delivery reached its recipient.
enum DeliveryRoute {
    case inbox, stream, webhook
}
