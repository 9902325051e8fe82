public import Foundation

/// A legal hold on a subject: while it is in force, no message about the subject is purged.
public struct LegalHold: Sendable, Equatable {
    /// The subject's token (see `SubjectTokens`), never its identifier.
    public let token: String
    public let placedAt: Date

    public init(token: String, placedAt: Date) {
        self.token = token
        self.placedAt = placedAt
    }
}
