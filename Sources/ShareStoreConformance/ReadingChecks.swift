import Foundation
import ShareModel
import ShareStore
import Testing

/// `messageStatus`, `isParty`, `retrieve` and `storedMessages`: who may read what, and what they see.
enum ReadingChecks {
    static let all = [
        StoreCheck("messageStatus answers the sender only", statusForSenderOnly),
        StoreCheck("messageStatus follows each delivery from pending to delivered to acknowledged, with counts and times",
                   statusFollowsDelivery),
        StoreCheck("messageStatus shows an unacknowledged delivery as expired once its message expires", statusShowsExpiry),
        StoreCheck("messageStatus shows a request's respondBy and its answers, oldest first", statusShowsAnswers),
        StoreCheck("a read sees every change committed before it, also after a status read", readsSeeEarlierWrites),
        StoreCheck("isParty is true for the sender and each recipient, handed out or not, and nobody else", isParty),
        StoreCheck("retrieve answers the sender and recipients it was handed out to, recording each read; nobody else", retrieve),
        StoreCheck("storedMessages reads messages in the order asked, leaving out unknown ids and recording nothing", storedMessages),
    ]

    static func statusForSenderOnly(_ store: any Store) async throws {
        let message = newMessage()
        try await publishStored(message, to: store)
        #expect(try await store.messageStatus(id: message.id, sender: .csc, now: t0) == nil)
        #expect(try await store.messageStatus(id: message.id, sender: .police, now: t0) == nil)
        #expect(try await store.messageStatus(id: UUID(), sender: .hospitals, now: t0) == nil)
        let status = try #require(try await store.status(of: message, at: t0))
        #expect(status.id == message.id && status.sender == .hospitals)
        #expect(status.type == "unborn-baby-referral/1")
        #expect(status.receivedAt == t0 && status.expiresAt == nil && status.respondBy == nil && status.answers.isEmpty)
    }

    static func statusFollowsDelivery(_ store: any Store) async throws {
        let message = newMessage(recipients: [.csc, .police])
        try await publishStored(message, to: store)
        let cscID = message.deliveries[0].id

        var status = try #require(try await store.status(of: message, at: t0))
        #expect(status.deliveries.map(\.id) == message.deliveries.map(\.id))
        #expect(status.deliveries.map(\.recipient) == [.csc, .police])
        #expect(status.deliveries.map(\.state) == [.pending, .pending])
        #expect(status.deliveries.map(\.attempts) == [0, 0])
        #expect(status.deliveries.allSatisfy { $0.firstDeliveredAt == nil && $0.createdAt == t0 })

        _ = try await store.fetch(.csc, at: t0 + 10)
        _ = try await store.fetch(.csc, at: t0 + 45)
        status = try #require(try await store.status(of: message, at: t0 + 46))
        let csc = try #require(status.deliveries.first { $0.id == cscID })
        #expect(csc.state == .delivered && csc.attempts == 2)
        #expect(csc.firstDeliveredAt == t0 + 10 && csc.lastDeliveredAt == t0 + 45 && csc.acknowledgedAt == nil)
        #expect(status.deliveries[1].state == .pending)

        _ = try await store.acknowledge(delivery: cscID, by: .csc, at: t0 + 50)
        status = try #require(try await store.status(of: message, at: t0 + 51))
        #expect(status.deliveries.map(\.state) == [.acknowledged, .pending])
        #expect(status.deliveries[0].acknowledgedAt == t0 + 50)
    }

    static func statusShowsExpiry(_ store: any Store) async throws {
        let message = newMessage(recipients: [.csc, .police], expiresAt: t0 + 60)
        try await publishStored(message, to: store)
        _ = try await store.acknowledge(delivery: message.deliveries[0].id, by: .csc, at: t0 + 10)
        let before = try #require(try await store.status(of: message, at: t0 + 59))
        #expect(before.deliveries.map(\.state) == [.acknowledged, .pending])
        #expect(before.expiresAt == t0 + 60)
        let after = try #require(try await store.status(of: message, at: t0 + 60))
        #expect(after.deliveries.map(\.state) == [.acknowledged, .expired])
    }

    static func statusShowsAnswers(_ store: any Store) async throws {
        let request = newMessage(recipients: [.csc, .police], respondBy: t0 + 3600)
        try await publishStored(request, to: store)
        let fromPolice = newMessage(sender: .police, recipients: [.hospitals], receivedAt: t0 + 20, inReplyTo: request.id)
        let fromCSC = newMessage(sender: .csc, recipients: [.hospitals], receivedAt: t0 + 10, inReplyTo: request.id)
        try await publishStored(fromPolice, to: store)
        try await publishStored(fromCSC, to: store)
        try await publishStored(newMessage(sender: .csc, recipients: [.hospitals], receivedAt: t0 + 30), to: store)
        let status = try #require(try await store.status(of: request, at: t0 + 40))
        #expect(status.respondBy == t0 + 3600)
        #expect(status.answers == [
            MessageAnswer(messageID: fromCSC.id, agency: .csc, receivedAt: t0 + 10),
            MessageAnswer(messageID: fromPolice.id, agency: .police, receivedAt: t0 + 20),
        ])
    }

    static func readsSeeEarlierWrites(_ store: any Store) async throws {
        let first = newMessage()
        try await publishStored(first, to: store)
        #expect(try await store.status(of: first, at: t0) != nil)
        let second = newMessage(receivedAt: t0 + 1)
        try await publishStored(second, to: store)
        #expect(try await store.status(of: second, at: t0 + 2) != nil)
        #expect(try await allEvents(store).count == 4)
        _ = try await store.acknowledge(delivery: second.deliveries[0].id, by: .csc, at: t0 + 3)
        #expect(try await store.status(of: second, at: t0 + 4)?.deliveries.map(\.state) == [.acknowledged])
    }

    static func isParty(_ store: any Store) async throws {
        let message = newMessage(recipients: [.csc])
        try await publishStored(message, to: store)
        #expect(try await store.isParty(to: message.id, agency: .hospitals))
        #expect(try await store.isParty(to: message.id, agency: .csc))
        #expect(try await !store.isParty(to: message.id, agency: .police))
        #expect(try await !store.isParty(to: UUID(), agency: .hospitals))
    }

    static func retrieve(_ store: any Store) async throws {
        let message = newMessage(expiresAt: t0 + 3600, respondBy: t0 + 1800)
        try await publishStored(message, to: store)
        #expect(try await store.retrieve(message: message.id, by: .csc, at: t0 + 1) == nil, "not yet handed out")
        _ = try await store.fetch(.csc, at: t0 + 1)
        let retrieved = RetrievedMessage(id: message.id, type: message.type, sender: .hospitals, receivedAt: t0,
                                         expiresAt: t0 + 3600, respondBy: t0 + 1800, jws: message.jws)
        #expect(try await store.retrieve(message: message.id, by: .csc, at: t0 + 2) == retrieved)
        #expect(try await store.retrieve(message: message.id, by: .hospitals, at: t0 + 3) == retrieved)
        #expect(try await store.retrieve(message: message.id, by: .police, at: t0 + 4) == nil)
        #expect(try await store.retrieve(message: UUID(), by: .hospitals, at: t0 + 5) == nil)
        #expect(try await store.recorded(.retrieved) == [
            EventRecord(kind: .retrieved, at: t0 + 2, agency: .csc, messageID: message.id, deliveryID: message.deliveries[0].id),
            EventRecord(kind: .retrieved, at: t0 + 3, agency: .hospitals, messageID: message.id),
        ])
    }

    static func storedMessages(_ store: any Store) async throws {
        let first = newMessage(expiresAt: t0 + 3600, respondBy: t0 + 1800)
        let second = newMessage(recipients: [])
        try await publishStored(first, to: store)
        try await publishStored(second, to: store)
        let size = try await allEvents(store).count
        let read = try await store.storedMessages([second.id, UUID(), first.id])
        #expect(read == [
            RetrievedMessage(id: second.id, type: second.type, sender: .hospitals, receivedAt: t0, expiresAt: nil, respondBy: nil, jws: second.jws),
            RetrievedMessage(id: first.id, type: first.type, sender: .hospitals, receivedAt: t0, expiresAt: t0 + 3600, respondBy: t0 + 1800,
                             jws: first.jws),
        ])
        #expect(try await store.storedMessages([]).isEmpty)
        #expect(try await allEvents(store).count == size, "reading records nothing")
    }
}
