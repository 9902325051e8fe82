public import HTTPTypes
public import ShareBroker

/// The one table from a refusal code to its problem `type` URI, HTTP status and title.
public enum ProblemCatalogue {
    /// The prefix of every problem `type`; the code follows it.
    public static let typePrefix = "urn:sharebroker:problem:"

    public struct Entry: Sendable {
        public let status: HTTPResponse.Status
        public let title: String
    }

    public static let entries: [BrokerError.Code: Entry] = [
        .certificateRequired: Entry(status: .unauthorized, title: "Client certificate required"),
        .unknownAgency: Entry(status: .unauthorized, title: "Certificate not registered to an agency"),
        .certificateRevoked: Entry(status: .unauthorized, title: "Client certificate revoked"),
        .agencySuspended: Entry(status: .forbidden, title: "Agency suspended"),
        .senderMismatch: Entry(status: .forbidden, title: "Sender is not the calling agency"),
        .malformedMessage: Entry(status: .badRequest, title: "Malformed message"),
        .unsupportedSignature: Entry(status: .unprocessableContent, title: "Unsupported signature"),
        .unknownKey: Entry(status: .unprocessableContent, title: "Unknown signing key"),
        .signingKeyRetired: Entry(status: .unprocessableContent, title: "Signing key retired"),
        .badSignature: Entry(status: .unprocessableContent, title: "Signature does not verify"),
        .keyNotSenders: Entry(status: .unprocessableContent, title: "Signing key belongs to another agency"),
        .invalidEnvelope: Entry(status: .unprocessableContent, title: "Message does not match its schema"),
        .invalidDisclosures: Entry(status: .unprocessableContent, title: "Selective disclosures do not fit"),
        .unknownMessageType: Entry(status: .unprocessableContent, title: "Unknown message type"),
        .policyRefused: Entry(status: .forbidden, title: "Refused by the sharing policy"),
        .invalidSubscription: Entry(status: .unprocessableContent, title: "Invalid subscription"),
        .webhooksUnavailable: Entry(status: .serviceUnavailable, title: "Webhooks not configured"),
        .invalidRecipients: Entry(status: .unprocessableContent, title: "Invalid recipients"),
        .expired: Entry(status: .unprocessableContent, title: "Message already expired"),
        .idConflict: Entry(status: .conflict, title: "Message id already used"),
        .tooLarge: Entry(status: .contentTooLarge, title: "Message too large"),
        .unsupportedMediaType: Entry(status: .unsupportedMediaType, title: "Unsupported content type"),
        .badRequest: Entry(status: .badRequest, title: "Bad request"),
        .calendarNotCovered: Entry(status: .unprocessableContent, title: "Deadline beyond the area's calendar"),
        .notFound: Entry(status: .notFound, title: "Not found"),
        .messagePurged: Entry(status: .gone, title: "Message content destroyed at the end of its retention"),
        .auditorsOnly: Entry(status: .forbidden, title: "Auditors only"),
        .auditUnavailable: Entry(status: .serviceUnavailable, title: "Audit log unavailable"),
        .auditLogInconsistent: Entry(status: .serviceUnavailable, title: "Audit log inconsistent"),
        .attachmentDigestMismatch: Entry(status: .unprocessableContent, title: "Attachment does not match its digest"),
        .storeUnavailable: Entry(status: .serviceUnavailable, title: "Storage unavailable"),
        .shuttingDown: Entry(status: .serviceUnavailable, title: "Broker shutting down"),
    ]

    static func entry(for code: BrokerError.Code) -> Entry {
        entries[code] ?? Entry(status: .internalServerError, title: "Internal error")
    }
}
