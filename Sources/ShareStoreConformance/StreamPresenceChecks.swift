import Foundation
import ShareModel
import ShareStore
import Testing

/// `holdStreamPresence` and `streamPresence`: which agencies stream on which node, with leases.
enum StreamPresenceChecks {
    static let all = [
        StoreCheck("streamPresence answers every other node's agencies, each with its longest lease, until the node records again",
                   presenceOfOtherNodes),
        StoreCheck("a node's stream presence lapses when its lease ends unless it is renewed", presenceLapses),
    ]

    static func presenceOfOtherNodes(_ store: any Store) async throws {
        let (first, second, reader) = (UUID(), UUID(), UUID())
        #expect(try await store.streamPresence(otherThan: reader).isEmpty)
        try await store.holdStreamPresence(node: first, agencies: [.csc, .police], lease: 60)
        let seen = try await store.streamPresence(otherThan: reader)
        #expect(Set(seen.keys) == [.csc, .police])
        #expect(seen.values.allSatisfy { $0 > 30 && $0 <= 60 }, "the lease's remaining seconds")
        #expect(try await store.streamPresence(otherThan: first).isEmpty, "a node's own presence is left out")

        try await store.holdStreamPresence(node: second, agencies: [.csc], lease: 600)
        #expect(try await store.streamPresence(otherThan: reader)[.csc].map { $0 > 300 } == true, "the longest lease of any node")
        #expect(Set(try await store.streamPresence(otherThan: second).keys) == [.csc, .police])

        try await store.holdStreamPresence(node: first, agencies: [.police], lease: 60)
        #expect(Set(try await store.streamPresence(otherThan: second).keys) == [.police], "recording again replaces")
        try await store.holdStreamPresence(node: first, agencies: [], lease: 60)
        #expect(Set(try await store.streamPresence(otherThan: reader).keys) == [.csc], "no agencies: no presence")
    }

    static func presenceLapses(_ store: any Store) async throws {
        let (lapsing, renewing, reader) = (UUID(), UUID(), UUID())
        try await store.holdStreamPresence(node: lapsing, agencies: [.csc], lease: 1)
        try await store.holdStreamPresence(node: renewing, agencies: [.police], lease: 1)
        try await store.holdStreamPresence(node: renewing, agencies: [.police], lease: 60)
        try await Task.sleep(for: .seconds(1.5))
        #expect(Set(try await store.streamPresence(otherThan: reader).keys) == [.police],
                "the node that did not renew counts as gone; the renewed lease runs on")
        try await store.holdStreamPresence(node: lapsing, agencies: [.csc], lease: 60)
        #expect(Set(try await store.streamPresence(otherThan: reader).keys) == [.csc, .police], "a lapsed node may come back")
    }
}
