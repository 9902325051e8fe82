public import Foundation
public import ShareModel
public import ShareStore

/// What an auditor asks the log for. Every field is optional; given fields must all match.
public struct AuditQuery: Sendable {
    public var nhsNumber: String?
    /// A subject token as it stands in a `published` entry's `subjects`.
    public var subjectToken: String?
    public var localSystem: String?
    public var localValue: String?
    public var agency: AgencyID?
    public var messageID: UUID?
    public var kind: EventRecord.Kind?
    public var from: Date?
    public var to: Date?
    public var fromIndex: Int
    public var limit: Int

    public init(nhsNumber: String? = nil, subjectToken: String? = nil, localSystem: String? = nil, localValue: String? = nil, agency: AgencyID? = nil,
                messageID: UUID? = nil, kind: EventRecord.Kind? = nil, from: Date? = nil, to: Date? = nil,
                fromIndex: Int = 0, limit: Int = 100) {
        self.nhsNumber = nhsNumber
        self.subjectToken = subjectToken
        self.localSystem = localSystem
        self.localValue = localValue
        self.agency = agency
        self.messageID = messageID
        self.kind = kind
        self.from = from
        self.to = to
        self.fromIndex = fromIndex
        self.limit = limit
    }

    /// The query as recorded in the log: the subject only as its keyed token.
    func described(subjectToken: String?) -> String {
        var parts: [String] = []
        if let subjectToken { parts.append("subject=\(subjectToken)") }
        if let agency { parts.append("agency=\(agency)") }
        if let messageID { parts.append("messageId=\(messageID.lowercasedString)") }
        if let kind { parts.append("kind=\(kind)") }
        if let from { parts.append("from=\(Timestamp.format(from))") }
        if let to { parts.append("to=\(Timestamp.format(to))") }
        parts.append("fromIndex=\(fromIndex)")
        parts.append("limit=\(limit)")
        return parts.joined(separator: " ")
    }
}
