public import ShareModel
import ShareStore

/// What an auditor asks the log for: the store's event conditions, plus the subject named by
/// an identifier (turned into its keyed token by the broker) and a page size.
public struct AuditQuery: Sendable {
    public var nhsNumber: String?
    /// A subject token as it stands in a `published` entry's `subjects`.
    public var subjectToken: String?
    public var localSystem: String?
    public var localValue: String?
    /// Agency, message, kind, time and index conditions; its `subjectToken` is set by the broker.
    public var conditions: EventFilter
    public var limit: Int

    public init(nhsNumber: String? = nil, subjectToken: String? = nil, localSystem: String? = nil, localValue: String? = nil,
                conditions: EventFilter = EventFilter(), limit: Int = 100) {
        self.nhsNumber = nhsNumber
        self.subjectToken = subjectToken
        self.localSystem = localSystem
        self.localValue = localValue
        self.conditions = conditions
        self.limit = limit
    }
}

extension EventFilter {
    /// The conditions as recorded in the log: the subject only as its keyed token.
    var recordedForm: String {
        var parts: [String] = []
        if let subjectToken { parts.append("subject=\(subjectToken)") }
        if let agency { parts.append("agency=\(agency)") }
        if let messageID { parts.append("messageId=\(messageID.lowercasedString)") }
        if let kind { parts.append("kind=\(kind)") }
        if let from { parts.append("from=\(Timestamp.format(from))") }
        if let to { parts.append("to=\(Timestamp.format(to))") }
        parts.append("fromIndex=\(fromIndex)")
        return parts.joined(separator: " ")
    }
}
