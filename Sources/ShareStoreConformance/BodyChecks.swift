import Foundation
import ShareModel
import ShareStore
import Testing

/// `storedBodies` and `replaceBody`: walking and replacing bodies as stored, for re-wrapping.
enum BodyChecks {
    static let all = [
        StoreCheck("storedBodies reads every body as stored, in audit-index order, a page at a time", storedBodies),
        StoreCheck("replaceBody changes a body only while it is unchanged, records nothing, and the new bytes are what is read", replaceBody),
    ]

    static func storedBodies(_ store: any Store) async throws {
        let messages = (0..<3).map { newMessage(jws: Data("eyJ.body-\($0).sig".utf8)) }
        var receipts: [PublishReceipt] = []
        for message in messages { receipts.append(try await publishStored(message, to: store)) }
        let first = try await store.storedBodies(fromAuditIndex: 0, limit: 2)
        #expect(first.map(\.id) == messages.prefix(2).map(\.id))
        #expect(first.map(\.auditIndex) == receipts.prefix(2).map(\.auditIndex))
        #expect(first.map(\.body) == messages.prefix(2).map(\.jws))
        let rest = try await store.storedBodies(fromAuditIndex: first[1].auditIndex + 1, limit: 2)
        #expect(rest.map(\.id) == [messages[2].id])
        #expect(try await store.storedBodies(fromAuditIndex: receipts[2].auditIndex + 1, limit: 2).isEmpty)
    }

    static func replaceBody(_ store: any Store) async throws {
        let message = newMessage(jws: Data("eyJ.first.sig".utf8))
        try await publishStored(message, to: store)
        let recorded = try await allEvents(store).count
        let second = Data([1, 2, 3, 4])
        #expect(try await store.replaceBody(of: message.id, old: message.jws, new: second))
        #expect(try await store.replaceBody(of: message.id, old: message.jws, new: Data([9])) == false)
        #expect(try await store.replaceBody(of: UUID(), old: message.jws, new: Data([9])) == false)
        #expect(try await store.storedMessages([message.id]).map(\.jws) == [second])
        #expect(try await store.storedBodies(fromAuditIndex: 0, limit: 10).map(\.body) == [second])
        #expect(try await allEvents(store).count == recorded)
        #expect(try await store.replayedReceipt(of: message.id, digest: message.digest) != nil)
    }
}
