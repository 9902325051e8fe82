public import Foundation
public import Logging
public import ShareModel
public import ShareCalendar
public import ShareCatalogue
public import ShareJWS
public import ShareStore
import ShareLocking

/// What the broker does, with no network in sight: identify callers, accept messages,
/// hand deliveries to recipients, and report to senders. The HTTP layer only translates.
public final class Broker: Sendable {
    /// Limits and timings; every value has a default suitable for a partnership.
    public struct Configuration: Sendable {
        /// The largest JWS accepted, in bytes.
        public var maxMessageBytes: Int = 1_048_576
        /// The most messages one batch publish may carry.
        public var maxBatchMessages: Int = 100
        /// The largest batch publish body accepted, in bytes.
        public var maxBatchBytes: Int = 8_388_608
        /// How long a fetched, unacknowledged delivery stays hidden before it is handed out again.
        public var visibilityTimeout: TimeInterval = 30
        /// The most deliveries one inbox call returns.
        public var maxInboxBatch: Int = 100
        /// The longest an inbox call may wait for a delivery.
        public var maxWaitSeconds: Int = 30
        /// How many times a delivery is handed out without an acknowledgement before it is dead-lettered.
        public var maxAttempts: Int = 10
        /// Webhook push, if the server is configured to make outbound calls; nil refuses registrations.
        public var webhooks: WebhookConfiguration?
        /// How long a delivery stream may stay silent before it is sent a heartbeat.
        public var streamHeartbeat: Duration = .seconds(15)
        /// Each area's calendar (time zone, bank holidays, school terms), by ONS area code.
        public var calendars: [String: AreaCalendar] = [:]
        /// Documents messages reference by digest: how large, of which media types, how long an
        /// upload no message references is kept.
        public var attachments = AttachmentLimits()

        public init() {}
    }

    public let configuration: Configuration
    let store: any Store
    let clock: any BrokerClock
    let logger: Logger
    let notifier = DeliveryNotifier()
    let streams = StreamRegistry()
    /// The streams' reads of the store, gathered into shared round trips.
    let streamReads: StreamReads
    /// What the broker counts (see `BrokerMetrics`).
    let metrics: BrokerMetrics
    /// The event record as a verifiable Merkle log.
    public let auditLog: AuditLog
    /// The public key that verifies signed tree heads.
    public let auditPublicKey: JWK
    /// Keyed hashing of subject identifiers, so that the log can be searched by subject.
    let subjectTokens: SubjectTokens
    /// Signs the notices the broker sends (delivery-failed/1, response-overdue/1).
    let noticeKey: BrokerSigningKey
    /// The schemas every envelope is validated against, by message type.
    public let catalogue: MessageCatalogue
    private let currentDirectory: Locked<Directory>
    private let currentRevocations = Locked(RevokedCertificates.none)
    let currentPolicy: Locked<SharingPolicy>
    /// Every subscription, loaded from the store on first use and kept in step with it.
    let subscriptionCache = StoreBackedCache<[Subscription]>()
    /// Every webhook endpoint, likewise.
    let webhookCache = StoreBackedCache<[AgencyID: String]>()
    /// The store's readiness probe, one at a time however often readiness is asked.
    let storeProbes = SharedRead<Void>()

    public init(configuration: Configuration, catalogue: MessageCatalogue, policy: SharingPolicy, directory: Directory,
                store: any Store, clock: any BrokerClock, logger: Logger, noticeKey: BrokerSigningKey,
                auditSigningKey: BrokerSigningKey, subjectTokens: SubjectTokens, metrics: BrokerMetrics = .disabled) {
        self.configuration = configuration
        self.metrics = metrics
        self.noticeKey = noticeKey
        self.catalogue = catalogue
        self.currentPolicy = Locked(policy)
        self.currentDirectory = Locked(directory)
        self.store = store
        self.clock = clock
        self.logger = logger
        self.auditLog = AuditLog(store: store, signingKey: auditSigningKey, logger: logger)
        self.auditPublicKey = auditSigningKey.publicJWK
        self.subjectTokens = subjectTokens
        self.streamReads = StreamReads { [store, clock, maxAttempts = configuration.maxAttempts] cursors in
            try await store.streamCandidates(for: cursors, limit: DeliveryStream.batchSize, now: clock.now(), maxAttempts: maxAttempts)
        }
    }

    /// The public key that verifies the broker's notices.
    public var noticePublicKey: JWK { noticeKey.publicJWK }

    /// The directory in force now.
    public var directory: Directory {
        currentDirectory.withLock { $0 }
    }

    /// The client certificates revoked now, from the partnership CA's revocation list.
    public var revocations: RevokedCertificates {
        currentRevocations.withLock { $0 }
    }

    /// Puts a new revocation list in force, from the next request on, on connections already open too.
    public func replaceRevocations(with list: RevokedCertificates) {
        currentRevocations.withLock { $0 = list }
    }

    /// The sharing policy in force now.
    public var policy: SharingPolicy {
        currentPolicy.withLock { $0 }
    }

    /// The agency that presented a client certificate with this SHA-256 fingerprint, checked on
    /// every request so that a suspension applies to connections already open.
    public func identify(certificateFingerprint: String?) throws -> Agency {
        guard let certificateFingerprint else {
            throw BrokerError(.certificateRequired, "Present your agency's client certificate (mutual TLS).")
        }
        guard let agency = directory.agency(certificateFingerprint: certificateFingerprint) else {
            throw BrokerError(.unknownAgency, "The client certificate is not registered to any agency in the broker's directory; ask the broker's operators to add its SHA-256 fingerprint.")
        }
        guard agency.status == .active else {
            throw BrokerError(.agencySuspended, "Agency '\(agency.id)' is suspended and may not use the broker; contact the partnership's broker operators.")
        }
        return agency
    }

    /// The agency of a request's client certificate, as `identify(certificateFingerprint:)`
    /// finds it, unless the partnership's CA has revoked the certificate: then the refusal is
    /// recorded in the event record (`certificate-revoked`) and the request is refused, while
    /// the agency's other certificates keep working.
    public func identify(_ certificate: PresentedCertificate?) async throws -> Agency {
        let agency = try identify(certificateFingerprint: certificate?.fingerprint)
        guard let certificate, revocations.revokes(certificate) else { return agency }
        let event = EventRecord(kind: .certificateRevoked, at: clock.now(), agency: agency.id, certificate: certificate.fingerprint)
        do {
            try await store.record([event])
        } catch {
            throw storeFailure(error)
        }
        logger.warning("Revoked client certificate refused", metadata: [ShareLogKey.agency: "\(agency.id)"])
        throw BrokerError(.certificateRevoked, "This client certificate has been revoked by the partnership's CA; use another certificate of your agency, or ask the broker's operators for a new one.")
    }

    /// Replaces the directory, first recording each suspension and reinstatement it brings.
    /// If the record cannot be written, the old directory stays in force.
    public func replaceDirectory(with new: Directory) async throws {
        let old = directory
        let now = clock.now()
        var events: [EventRecord] = []
        for agency in new.sortedAgencies {
            let before = old.agencies[agency.id]?.status ?? .active
            if before == .active && agency.status == .suspended {
                events.append(EventRecord(kind: .agencySuspended, at: now, agency: agency.id))
            } else if before == .suspended && agency.status == .active {
                events.append(EventRecord(kind: .agencyReinstated, at: now, agency: agency.id))
            }
        }
        if !events.isEmpty {
            try await store.record(events)
        }
        currentDirectory.withLock { $0 = new }
        for event in events {
            logger.notice("Agency status changed", metadata: [
                ShareLogKey.agency: "\(event.agency)", ShareLogKey.outcome: "\(event.kind)",
            ])
        }
    }

    /// Ends waiting inbox calls and open delivery streams, and refuses new work; the store stays open for requests in flight.
    public func beginShutdown() {
        notifier.close()
    }

    /// True once shutdown has begun.
    public var isStopping: Bool { notifier.isClosed }

    func refuseIfStopping() throws {
        if isStopping {
            throw BrokerError(.shuttingDown, "The broker is shutting down; retry in a moment (another node or the restarted broker will answer).")
        }
    }

    func storeFailure(_ error: any Error) -> any Error {
        guard let storeError = error as? StoreError else {
            logger.error("Store failure", metadata: ["share.error_type": "\(type(of: error))"])
            return error
        }
        logger.error("Store failure", metadata: [ShareLogKey.outcome: "\(storeError.code)", "share.reason": "\(storeError.reason)"])
        if storeError.code == .closed {
            return BrokerError(.shuttingDown, "The broker is shutting down; retry in a moment.")
        }
        return BrokerError(.storeUnavailable, "The broker cannot store messages right now; nothing was stored. Retry later: the same message id and bytes are safe to resend.")
    }
}
