import Foundation
import ShareModel
import ShareStore

/// From unborn baby to child: a `birth-link/1` message's `published` entry carries the child's
/// tokens and the unborn subject's (`SubjectTokens.tokens(of:)`), so the child's token leads to
/// the unborn subject's, and what was recorded before the birth is found by the child's identifiers.
extension Broker {
    /// `token` and the tokens of every subject a birth link joins to it, sorted, without repeats.
    func tokensJoinedByBirthLinks(to token: String) async throws -> [String] {
        let links = try await store.events(matching: EventFilter(subjectToken: token, kind: .published), limit: 1000)
            .filter { $0.event.messageType == MessageType.birthLink.description }
        return Set([token] + links.flatMap { $0.event.subjects ?? [] }).sorted()
    }

    /// Events that match `filter` for any of `tokens` (each in place of its `subjectToken`), in
    /// index order without repeats, at most `limit`.
    func events(about tokens: [String], matching filter: EventFilter, limit: Int) async throws -> [StoredEvent] {
        var found: [Int: StoredEvent] = [:]
        for token in tokens {
            var each = filter
            each.subjectToken = token
            for event in try await store.events(matching: each, limit: limit) { found[event.index] = event }
        }
        return found.keys.sorted().prefix(limit).compactMap { found[$0] }
    }
}
