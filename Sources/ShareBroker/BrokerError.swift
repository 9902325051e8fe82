public import ShareModel

/// Why the broker refused a request. The single source of refusal codes: the HTTP layer maps
/// each code to a problem type and status. `detail` says what to fix; it never carries payloads
/// or subject identifiers.
public struct BrokerError: Error, Sendable, CustomStringConvertible {
    /// A stable, extensible code; its `rawValue` ends the problem document's `type` URI.
    public struct Code: Sendable, Hashable, CustomStringConvertible, CaseIterable {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// No client certificate was presented (or it could not be read).
        public static let certificateRequired = Code("certificate-required")
        /// The client certificate is valid but belongs to no agency in the directory.
        public static let unknownAgency = Code("unknown-agency")
        /// The client certificate is on the partnership CA's revocation list.
        public static let certificateRevoked = Code("certificate-revoked")
        /// The agency is suspended and may not use the broker.
        public static let agencySuspended = Code("agency-suspended")
        /// The envelope names a sender other than the agency of the client certificate.
        public static let senderMismatch = Code("sender-mismatch")
        /// The body is not a compact JWS, or the signed payload is not JSON.
        public static let malformedMessage = Code("malformed-message")
        /// `alg` is not ES256, `kid` is missing, or the header has unsupported critical extensions.
        public static let unsupportedSignature = Code("unsupported-signature")
        /// `kid` names no key in the directory.
        public static let unknownKey = Code("unknown-key")
        /// The signing key was retired before this message arrived.
        public static let signingKeyRetired = Code("signing-key-retired")
        /// The signature does not verify.
        public static let badSignature = Code("bad-signature")
        /// The signing key belongs to another agency than the envelope's sender.
        public static let keyNotSenders = Code("key-not-senders")
        /// The envelope is missing fields or has badly formed values.
        public static let invalidEnvelope = Code("invalid-envelope")
        /// An SD-JWT's disclosures break RFC 9901, lie outside the envelope's `payload`, or are
        /// sent for a type whose policy says nothing about selective disclosure.
        public static let invalidDisclosures = Code("invalid-disclosures")
        /// The envelope's `type` names no schema in the broker's catalogue.
        public static let unknownMessageType = Code("unknown-message-type")
        /// The sharing policy does not allow this message or subscription.
        public static let policyRefused = Code("policy-refused")
        /// A subscription request is malformed.
        public static let invalidSubscription = Code("invalid-subscription")
        /// This broker is not configured to push deliveries to webhooks.
        public static let webhooksUnavailable = Code("webhooks-unavailable")
        /// The message names recipients the broker cannot deliver to, or none at all.
        public static let invalidRecipients = Code("invalid-recipients")
        /// The message expired before it arrived.
        public static let expired = Code("message-expired")
        /// The id was already used for a message with different content.
        public static let idConflict = Code("id-conflict")
        /// The body is larger than the configured limit.
        public static let tooLarge = Code("message-too-large")
        /// The request's content type is not the one the route takes.
        public static let unsupportedMediaType = Code("unsupported-media-type")
        /// A query parameter or path segment is not valid.
        public static let badRequest = Code("bad-request")
        /// The deadline asked for falls outside the dates the area's calendar holds.
        public static let calendarNotCovered = Code("calendar-not-covered")
        /// No such resource for this agency.
        public static let notFound = Code("not-found")
        /// The message's retention period ended and its content was destroyed.
        public static let messagePurged = Code("message-purged")
        /// Only agencies of kind auditor may use the audit API.
        public static let auditorsOnly = Code("auditors-only")
        /// The audit log cannot answer (no signing key configured, or the record is damaged).
        public static let auditUnavailable = Code("audit-unavailable")
        /// The stored audit log disagrees with a tree head the broker signed: it was changed.
        public static let auditLogInconsistent = Code("audit-log-inconsistent")
        /// An uploaded document's content does not have the digest it was uploaded under.
        public static let attachmentDigestMismatch = Code("attachment-digest-mismatch")
        /// The store cannot accept writes now.
        public static let storeUnavailable = Code("store-unavailable")
        /// The broker is shutting down.
        public static let shuttingDown = Code("shutting-down")

        public static let allCases: [Code] = [
            .certificateRequired, .unknownAgency, .certificateRevoked, .agencySuspended, .senderMismatch, .malformedMessage,
            .unsupportedSignature, .unknownKey, .signingKeyRetired, .badSignature, .keyNotSenders, .invalidEnvelope, .invalidDisclosures, .unknownMessageType,
            .policyRefused, .invalidSubscription, .webhooksUnavailable,
            .invalidRecipients,
            .expired, .idConflict, .tooLarge, .unsupportedMediaType, .badRequest, .calendarNotCovered, .notFound, .messagePurged, .auditorsOnly,
            .auditUnavailable, .auditLogInconsistent, .attachmentDigestMismatch, .storeUnavailable, .shuttingDown,
        ]
    }

    public let code: Code
    /// A sentence a person can act on.
    public let detail: String
    /// For validation failures: each problem with its JSON Pointer.
    public let problems: [ValidationProblem]

    public init(_ code: Code, _ detail: String, problems: [ValidationProblem] = []) {
        self.code = code
        self.detail = detail
        self.problems = problems
    }

    public var description: String { "\(code): \(detail)" }
}
