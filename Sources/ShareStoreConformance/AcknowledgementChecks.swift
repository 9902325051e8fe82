import Foundation
import ShareModel
import ShareStore
import Testing

/// `acknowledge`: only by the recipient, the first time reported, several at once.
enum AcknowledgementChecks {
    static let all = [
        StoreCheck("acknowledge accepts only the recipient; a repeat reports the first time and records nothing", byRecipientOnly),
        StoreCheck("acknowledge answers several ids in the order given, leaving out and alone other agencies' and unknown ids",
                   several),
        StoreCheck("an id given twice in one acknowledge is acknowledged once, then reported as a repeat", twiceInOneCall),
    ]

    static func byRecipientOnly(_ store: any Store) async throws {
        let message = newMessage()
        try await publishStored(message, to: store)
        let delivery = message.deliveries[0].id
        #expect(try await store.acknowledge(delivery: delivery, by: .police, at: t0 + 5) == nil)
        #expect(try await store.acknowledge(delivery: delivery, by: .hospitals, at: t0 + 5) == nil)
        #expect(try await store.acknowledge(delivery: UUID(), by: .csc, at: t0 + 5) == nil)

        let first = try await store.acknowledge(delivery: delivery, by: .csc, at: t0 + 10)
        #expect(first == Acknowledgement(deliveryID: delivery, acknowledgedAt: t0 + 10, isFirst: true))
        let second = try await store.acknowledge(delivery: delivery, by: .csc, at: t0 + 20)
        #expect(second == Acknowledgement(deliveryID: delivery, acknowledgedAt: t0 + 10, isFirst: false))
        #expect(try await store.recorded(.acknowledged) == [
            EventRecord(kind: .acknowledged, at: t0 + 10, agency: .csc, messageID: message.id, deliveryID: delivery),
        ])
    }

    static func several(_ store: any Store) async throws {
        let shared = newMessage(recipients: [.csc, .police])
        let later = newMessage(receivedAt: t0 + 1)
        try await publishStored(shared, to: store)
        try await publishStored(later, to: store)
        let (cscShared, policeShared, cscLater) = (shared.deliveries[0].id, shared.deliveries[1].id, later.deliveries[0].id)
        _ = try await store.acknowledge(delivery: cscLater, by: .csc, at: t0 + 5)

        let acknowledgements = try await store.acknowledge(deliveries: [cscLater, policeShared, UUID(), cscShared], by: .csc, at: t0 + 10)
        #expect(acknowledgements == [
            Acknowledgement(deliveryID: cscLater, acknowledgedAt: t0 + 5, isFirst: false),
            Acknowledgement(deliveryID: cscShared, acknowledgedAt: t0 + 10, isFirst: true),
        ])
        #expect(try await store.recorded(.acknowledged).map(\.deliveryID) == [cscLater, cscShared])
        #expect(try await store.fetch(.police, at: t0 + 11).map(\.id) == [policeShared], "the other agency's delivery is left alone")
        #expect(try await store.fetch(.csc, at: t0 + 11).isEmpty)
    }

    static func twiceInOneCall(_ store: any Store) async throws {
        let message = newMessage()
        try await publishStored(message, to: store)
        let delivery = message.deliveries[0].id
        let acknowledgements = try await store.acknowledge(deliveries: [delivery, delivery], by: .csc, at: t0 + 10)
        #expect(acknowledgements == [
            Acknowledgement(deliveryID: delivery, acknowledgedAt: t0 + 10, isFirst: true),
            Acknowledgement(deliveryID: delivery, acknowledgedAt: t0 + 10, isFirst: false),
        ])
        #expect(try await store.recorded(.acknowledged).map(\.deliveryID) == [delivery])
    }
}
