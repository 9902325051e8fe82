import Foundation
import Logging
import PostgresNIO
import ShareModel
import ShareStore
import ShareStoreConformance
import ShareStorePostgres
import ShareTesting
import Testing

/// What only a store shared by several broker processes shows: two `PostgresStore`s on one
/// database stand for two nodes of a cluster.
@Suite("PostgreSQL store")
struct PostgresStoreTests {
    @Test("two nodes opening one fresh database at once both open it, with one schema")
    func migrationsRaceSafely() async throws {
        try await TestPostgres.withDatabase { configuration in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<2 {
                    group.addTask { try await TestPostgres.withStore(on: configuration) { _ in } }
                }
                try await group.waitForAll()
            }
            let versions = try await TestPostgres.run("SELECT version FROM schema_version", on: configuration)
            #expect(try versions.map { try $0.decode(Int.self) } == [8])
        }
    }

    // A version-1 database (no delivery deadlines) upgrades on open: its deliveries have no
    // dueBy, and new ones keep theirs.
    @Test("a version-1 database upgrades to delivery deadlines, keeping what it holds")
    func upgradesFromVersion1() async throws {
        try await TestPostgres.withDatabase { configuration in
            let before = newMessage()
            _ = try await TestPostgres.withStore(on: configuration) { store in try await publishStored(before, to: store) }
            for statement in ["DROP TABLE stream_presence", "DROP TABLE attachment_chunks", "DROP TABLE attachments", "DROP TABLE message_attachments",
                              "DROP INDEX messages_retention", "ALTER TABLE messages DROP COLUMN purged_at", "DROP TABLE legal_holds",
                              "DROP INDEX deliveries_past_due", "ALTER TABLE deliveries DROP COLUMN due_by",
                              "ALTER TABLE deliveries DROP COLUMN due_handled_at", "DROP TABLE subtree_blocks", "DROP FUNCTION subtree_blocks_only_extended", "DROP FUNCTION subtree_blocks_never_deleted",
                              "ALTER TABLE log_head DROP COLUMN schema_version", "UPDATE schema_version SET version = 1"] {
                _ = try await TestPostgres.run(statement, on: configuration)
            }
            try await TestPostgres.withStore(on: configuration) { store in
                let after = newMessage(dueBy: [.csc: t0.addingTimeInterval(3600)])
                try await publishStored(after, to: store)
                #expect(try await store.messageStatus(id: before.id, sender: .hospitals, now: t0)?.deliveries.map(\.dueBy) == [nil])
                #expect(try await store.messageStatus(id: after.id, sender: .hospitals, now: t0)?.deliveries.map(\.dueBy)
                    == [t0.addingTimeInterval(3600)])
            }
            let versions = try await TestPostgres.run("SELECT version FROM schema_version", on: configuration)
            #expect(try versions.map { try $0.decode(Int.self) } == [8])
        }
    }

    @Test("a database written by a newer version is refused, saying so")
    func refusesNewerSchema() async throws {
        try await TestPostgres.withDatabase { configuration in
            try await TestPostgres.withStore(on: configuration) { _ in }
            try await TestPostgres.run("UPDATE schema_version SET version = 99", on: configuration)
            let error = await #expect(throws: StoreError.self) {
                try await TestPostgres.withStore(on: configuration) { _ in }
            }
            #expect(error?.code == .cannotOpen)
            #expect(error?.reason.contains("newer version (schema 99)") == true)
        }
    }

    // A newer node upgrades the database while this one runs: from then on this node stores
    // nothing (each write is refused as outdated, which the broker answers 503, so clients
    // move on), and still reads. The upgrade is played by the statements `migrate` ends with.
    @Test("a node whose database a newer node upgraded stores nothing more, saying to upgrade it, and still reads")
    func writesNothingAfterANewerNodeUpgrades() async throws {
        try await TestPostgres.withDatabase { configuration in
            try await TestPostgres.withStore(on: configuration) { store in
                let before = newMessage(handedOutUntil: [.csc: t0 + 30])
                try await publishStored(before, to: store)
                let heads = try await TestPostgres.run("SELECT schema_version FROM log_head", on: configuration)
                #expect(try heads.map { try $0.decode(Int.self) } == [8], "migrate sets the writers' version")
                _ = try await TestPostgres.run("UPDATE schema_version SET version = 9", on: configuration)
                _ = try await TestPostgres.run("UPDATE log_head SET schema_version = 9", on: configuration)

                let after = newMessage(subjects: ["token-after"])
                let refused = await #expect(throws: StoreError.self) { try await store.publish(after) }
                #expect(refused?.code == .outdated)
                #expect(refused?.reason.contains("upgraded to schema 9 by a newer sharebroker; this node is of schema 8") == true)
                #expect(refused?.reason.contains("Upgrade this node") == true)
                await #expect(throws: StoreError(.outdated, "")) {
                    _ = try await store.acknowledge(deliveries: [before.deliveries[0].id], by: .csc, at: t0 + 1)
                }
                await #expect(throws: StoreError(.outdated, ""), "the readiness check's read says so too") {
                    try await store.probe()
                }

                #expect(try await store.messageStatus(id: after.id, sender: .hospitals, now: t0) == nil)
                #expect(try await store.events(matching: EventFilter(subjectToken: "token-after"), limit: 10).isEmpty)
                let subjects = try await TestPostgres.run("SELECT count(*) FROM event_subjects WHERE token = 'token-after'", on: configuration)
                #expect(try subjects.map { try $0.decode(Int.self) } == [0], "no subject indexed")
                let record = try await TestPostgres.run("SELECT count(*) FROM events", on: configuration)
                #expect(try record.map { try $0.decode(Int.self) } == [before.events.count], "nothing appended")
                #expect(try await store.messageStatus(id: before.id, sender: .hospitals, now: t0)?.deliveries.count == 1,
                        "reads go on")
            }
        }
    }

    // A publish stores its message without looking for its id first; a resend makes the
    // group's append fail on the key. Resends of many stored messages at once (clients trying
    // again after a node failed over) must not make every call of the group run alone, each in
    // a transaction and a flush of its own. pg_stat_statements counts the transactions.
    @Test("resends of many stored messages, among new ones, all at once, are answered in a few transactions, not one or two each")
    func resendsAmongNewMessagesShareTransactions() async throws {
        try await TestPostgres.withDatabase { configuration in
            try await QuietAgency.countStatements(configuration)
            try await TestPostgres.withStore(on: configuration) { store in
                let stored = (0..<32).map { _ in newMessage() }
                var receipts: [UUID: PublishReceipt] = [:]
                for outcome in try await store.publish(stored) {
                    let receipt = try #require(outcome.storedReceipt)
                    receipts[receipt.id] = receipt
                }
                let fresh = (0..<32).map { _ in newMessage() }
                try await TestPostgres.run("""
                    SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)
                    """, on: configuration)
                let outcomes = try await withThrowingTaskGroup(of: (UUID, PublishOutcome).self) { group in
                    for message in zip(stored, fresh).flatMap({ [$0, $1] }) {
                        group.addTask { (message.id, try await store.publish(message)) }
                    }
                    return try await group.reduce(into: [UUID: PublishOutcome]()) { $0[$1.0] = $1.1 }
                }
                for message in stored {
                    #expect(outcomes[message.id] == .replayed(try #require(receipts[message.id])))
                }
                for message in fresh {
                    #expect(outcomes[message.id]?.storedReceipt != nil)
                }
                let ends = try await TestPostgres.run("""
                    SELECT query, calls FROM pg_stat_statements
                    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query IN ('COMMIT', 'ROLLBACK')
                    """, on: configuration).map { try $0.decode((String, Int).self) }
                let count = Dictionary(uniqueKeysWithValues: ends)
                #expect(count["ROLLBACK", default: 0] < 16, "\(count)")
                #expect(count["COMMIT", default: 0] < 16, "\(count)")
                #expect(try await store.events(from: 0, limit: 1000).count == (stored + fresh).map(\.events.count).reduce(0, +))
            }
        }
    }

    // A write group whose calls run no statement of their own (publishes without attachments,
    // events recorded) sends its append alone, committing on its own: no `BEGIN` and no
    // `COMMIT`, two round trips fewer for each. A group with statements of its own (an
    // acknowledgement) still runs in a transaction.
    @Test("publishes without attachments are each stored by one statement that commits on its own; an acknowledgement keeps its transaction")
    func appendsAloneCommitOnTheirOwn() async throws {
        try await TestPostgres.withDatabase { configuration in
            try await QuietAgency.countStatements(configuration)
            try await TestPostgres.withStore(on: configuration) { store in
                try await TestPostgres.run("""
                    SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)
                    """, on: configuration)
                let messages = (0..<5).map { _ in newMessage(recipients: [.csc, .police], subjects: ["token-alone"]) }
                var receipts: [PublishReceipt] = []
                for message in messages {
                    receipts.append(try await publishStored(message, to: store))
                }
                #expect(receipts.map(\.auditIndex) == messages.indices.map { $0 * messages[0].events.count },
                        "each message's entries follow the one before")
                #expect(try await store.events(matching: EventFilter(subjectToken: "token-alone"), limit: 100).count
                        == messages.map(\.events.count).reduce(0, +))
                #expect(try await Self.calls(of: ["BEGIN", "COMMIT"], on: configuration) == ["BEGIN": 0, "COMMIT": 0])

                let acknowledged = try await store.acknowledge(deliveries: [messages[0].deliveries[0].id], by: .csc, at: t0 + 1)
                #expect(acknowledged.map(\.isFirst) == [true])
                #expect(try await Self.calls(of: ["BEGIN", "COMMIT"], on: configuration) == ["BEGIN": 1, "COMMIT": 1])
            }
        }
    }

    /// How often each of `statements` ran in the test's database since its counts were reset.
    private static func calls(of statements: [String], on configuration: PostgresStore.Configuration) async throws -> [String: Int] {
        let rows = try await TestPostgres.run("""
            SELECT query, calls FROM pg_stat_statements
            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            """, on: configuration).map { try $0.decode((String, Int).self) }
        let counted = Dictionary(rows, uniquingKeysWith: +)
        return Dictionary(uniqueKeysWithValues: statements.map { ($0, counted[$0, default: 0]) })
    }

    @Test("two nodes see each other's messages and never hand out one delivery twice under concurrent fetches")
    func twoNodesShareDeliveries() async throws {
        try await TestPostgres.withTwoNodes { first, second in
            let messages = (0..<40).map { _ in newMessage() }
            _ = try await first.publish(Array(messages[..<20]))
            _ = try await second.publish(Array(messages[20...]))
            let fetched = try await withThrowingTaskGroup(of: [InboxDelivery].self) { group in
                for node in [first, second] {
                    for _ in 0..<6 {
                        group.addTask {
                            try await node.fetchInbox(for: .csc, limit: 5, now: t0 + 1, visibilityTimeout: 30, maxAttempts: 10)
                        }
                    }
                }
                return try await group.reduce(into: [InboxDelivery]()) { $0 += $1 }
            }
            #expect(fetched.count == Set(fetched.map(\.id)).count, "no delivery handed out twice")
            let rest = try await second.fetchInbox(for: .csc, limit: 40, now: t0 + 2, visibilityTimeout: 30, maxAttempts: 10)
            #expect(Set(fetched.map(\.id)).union(rest.map(\.id)) == Set(messages.map { $0.deliveries[0].id }))
            #expect((fetched + rest).allSatisfy { $0.attempt == 1 })
            #expect(try await first.messageStatus(id: messages[39].id, sender: .hospitals, now: t0 + 3) != nil)
        }
    }

    @Test("one message published on both nodes at once is stored once and answered as a replay on the other")
    func samePublishOnTwoNodes() async throws {
        try await TestPostgres.withTwoNodes { first, second in
            for _ in 0..<10 {
                let message = newMessage()
                // The broker builds new delivery ids for a resend; the digest tells a replay.
                let resend = newMessage(id: message.id, digest: message.digest)
                async let onFirst = first.publish(message)
                async let onSecond = second.publish(resend)
                let outcomes = try await [onFirst, onSecond]
                let receipt = try #require(outcomes.compactMap(\.storedReceipt).first, "\(outcomes)")
                #expect(outcomes.filter { $0 == .stored(receipt) }.count == 1)
                #expect(outcomes.filter { $0 == .replayed(receipt) }.count == 1)
            }
            #expect(try await allEvents(second).count == 20)
        }
    }

    @Test("concurrent publishes from two nodes leave the record contiguous, each message's entries together")
    func twoNodesKeepTheRecordContiguous() async throws {
        try await TestPostgres.withTwoNodes { first, second in
            let messages = (0..<60).map { _ in newMessage(recipients: [.csc, .police]) }
            let receipts = try await withThrowingTaskGroup(of: PublishReceipt.self) { group in
                for (offset, message) in messages.enumerated() {
                    group.addTask { try await publishStored(message, to: offset.isMultiple(of: 2) ? first : second) }
                }
                return try await group.reduce(into: [PublishReceipt]()) { $0.append($1) }
            }
            #expect(receipts.map(\.auditIndex).sorted() == Array(stride(from: 0, to: 180, by: 3)))
            let events = try await allEvents(first)
            #expect(events.map(\.index) == Array(0..<180))
            for receipt in receipts {
                #expect(events[receipt.auditIndex..<receipt.auditIndex + 3].allSatisfy { $0.event.messageID == receipt.id })
            }
            #expect(try await allEvents(second) == events)
        }
    }

    @Test("a reader on one node never meets a gap while both nodes publish")
    func readerOnOneNodeNeverMeetsAGap() async throws {
        try await TestPostgres.withTwoNodes { first, second in
            let messages = (0..<40).map { _ in newMessage() }
            var read = 0
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (offset, message) in messages.enumerated() {
                    group.addTask { try await publishStored(message, to: offset.isMultiple(of: 2) ? first : second) }
                }
                while read < messages.count * 2 {
                    let next = try await second.entryBytes(from: read, limit: 5)
                    #expect(next.map(\.index) == Array(read..<read + next.count), "a gap after index \(read - 1)")
                    read += next.count
                }
                try await group.waitForAll()
            }
            #expect(read == messages.count * 2)
        }
    }

    @Test("a stream on one node resuming after its last sequence never skips a delivery published on either node")
    func streamOnOneNodeNeverSkips() async throws {
        try await TestPostgres.withTwoNodes { first, second in
            let messages = (0..<40).map { _ in newMessage() }
            var streamed: [InboxDelivery] = []
            func streamMore() async throws -> Int {
                let next = try await second.streamDeliveries(for: .csc, after: streamed.last?.sequence ?? 0, limit: 5, now: t0 + 1,
                                                             visibilityTimeout: 30, maxAttempts: 10)
                streamed += next
                return next.count
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (offset, message) in messages.enumerated() {
                    group.addTask { try await publishStored(message, to: offset.isMultiple(of: 2) ? first : second) }
                }
                for _ in 0..<200 where streamed.count < messages.count { _ = try await streamMore() }
                try await group.waitForAll()
            }
            while try await streamMore() > 0 {}
            #expect(streamed.map(\.sequence) == streamed.map(\.sequence).sorted())
            #expect(Set(streamed.map(\.id)) == Set(messages.map { $0.deliveries[0].id }), "none passed over")
            #expect(streamed.count == messages.count)
        }
    }

    // PostgreSQL chooses how to read by its statistics of the table; a plan that reads by
    // sequence and filters on the agency makes a quiet agency's every read go through all the
    // deliveries of the others since its last one. pg_stat_statements counts the pages each
    // statement touched.
    @Test("a quiet agency's reads touch a few pages, however many deliveries a busy one has, in a database analysed")
    func quietAgencyReadsOnlyItsOwn() async throws {
        try await TestPostgres.withDatabase { configuration in
            try await QuietAgency.countStatements(configuration)
            try await TestPostgres.withStore(on: configuration) { store in
                let first = try await publishStored(newMessage(recipients: [.police]), to: store)
                let last = try await QuietAgency.beside(busyDeliveries: 10_000, on: store, configuration) {
                    try await publishStored(newMessage(recipients: [.police]), to: store)
                }
                let quietFirst = try await store.streamDeliveries(for: .police, after: 0, limit: 1, now: t0 + 1,
                                                                  visibilityTimeout: 30, maxAttempts: 10)
                let candidates = try await store.streamCandidates(for: .police, after: quietFirst[0].sequence, limit: 10,
                                                                  now: t0 + 1, maxAttempts: 10)
                let streamed = try await store.streamDeliveries(for: .police, after: quietFirst[0].sequence, limit: 10,
                                                                now: t0 + 1, visibilityTimeout: 30, maxAttempts: 10)
                let fetched = try await store.fetchInbox(for: .police, limit: 10, now: t0 + 60, visibilityTimeout: 30, maxAttempts: 10)
                #expect(quietFirst.map(\.messageID) == [first.id])
                #expect(candidates.map(\.delivery.messageID) == [last.id])
                #expect(streamed.map(\.messageID) == [last.id])
                #expect(Set(fetched.map(\.messageID)) == [first.id, last.id])

                let reads = try await QuietAgency.pagesPerCall(matching: "%FROM deliveries d JOIN messages m%", configuration)
                #expect(reads.count == 3, "the inbox's, the stream's and the streams' reads: \(reads)")
                for read in reads {
                    #expect(read.pages < 30, "\(read.pages) pages a call: \(read.query)")
                }
            }
        }
    }

    // A publish that hands a delivery out at publish places it after its recipient's latest
    // open delivery; when another node appended while it waited for the record, it reads that
    // again after the lock (`LatestUnacknowledged`). Two nodes publish while a transaction of
    // the test holds the record, the busy agency's message first: PostgreSQL grants the lock
    // in the order asked, so the quiet agency's publish takes it second and reads again, and
    // its latest open delivery is the first of all.
    @Test("a hand-out at publish placed after another node's append finds a quiet agency's latest delivery by its index")
    func placementAfterAnotherAppendReadsByIndex() async throws {
        try await TestPostgres.withDatabase { configuration in
            try await QuietAgency.countStatements(configuration)
            try await TestPostgres.withStore(on: configuration) { first in
                try await TestPostgres.withStore(on: configuration) { second in
                    let earlier = try await publishStored(newMessage(recipients: [.police]), to: first)
                    let publishes = try await QuietAgency.beside(busyDeliveries: 10_000, on: first, configuration) {
                        try await TestPostgres.holdingTheRecord(on: configuration) {
                            var publishes: [Task<PublishReceipt, any Error>] = []
                            for (node, recipient) in [(first, AgencyID.csc), (second, .police)] {
                                publishes.append(Task {
                                    try await publishStored(newMessage(recipients: [recipient], handedOutUntil: [recipient: t0 + 30]), to: node)
                                })
                                try await TestPostgres.run("SELECT 1", on: configuration, after: """
                                    SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
                                    HAVING count(*) >= \(publishes.count)
                                    """)
                            }
                            return publishes
                        }
                    }
                    for publish in publishes { _ = try await publish.value }
                    let streamed = try await first.streamDeliveries(for: .police, after: 0, limit: 10, now: t0 + 1,
                                                                    visibilityTimeout: 30, maxAttempts: 10)
                    #expect(streamed.map(\.messageID) == [earlier.id, try await publishes[1].value.id])

                    let reads = try await QuietAgency.pagesPerCall(matching: "SELECT r.recipient, (SELECT d.seq FROM deliveries d%",
                                                                   configuration)
                    #expect(reads.map(\.calls) == [1], "the second node to take the record read again: \(reads)")
                    for read in reads {
                        #expect(read.pages < 30, "\(read.pages) pages a call: \(read.query)")
                    }
                }
            }
        }
    }

    // An acknowledgement waits, up to its patience, for a publish to share its transaction
    // and commit; with nothing else to write it is committed when its patience ends, not held.
    @Test("an acknowledgement shares the commit of a publish that comes within its patience, and alone is committed after it")
    func acknowledgementsShareCommits() async throws {
        try await TestPostgres.withDatabase { configuration in
            var patient = configuration
            patient.acknowledgementPatience = .seconds(3)
            try await TestPostgres.withStore(on: patient) { store in
                let first = newMessage(recipients: [.csc])
                let second = newMessage(recipients: [.csc])
                _ = try await publishStored(first, to: store)
                let started = ContinuousClock.now
                async let acknowledged = store.acknowledge(deliveries: [first.deliveries[0].id], by: .csc, at: t0 + 1)
                try await Task.sleep(for: .milliseconds(200))
                _ = try await publishStored(second, to: store)
                #expect(try await acknowledged.map(\.isFirst) == [true])
                #expect(ContinuousClock.now - started < .seconds(3), "answered with the publish, before its patience ended")
                let transactions = try await TestPostgres.run("""
                    SELECT (SELECT xmin::text FROM deliveries WHERE id = '\(first.deliveries[0].id)'),
                           (SELECT xmin::text FROM messages WHERE id = '\(second.id)')
                    """, on: configuration)
                let (acknowledgedIn, publishedIn) = try transactions[0].decode((String, String).self)
                #expect(acknowledgedIn == publishedIn, "the acknowledgement and the publish in one transaction")

                let alone = ContinuousClock.now
                #expect(try await store.acknowledge(deliveries: [second.deliveries[0].id], by: .csc, at: t0 + 2).map(\.isFirst) == [true])
                let waited = ContinuousClock.now - alone
                #expect(waited >= .seconds(3) && waited < TestLimits.scaled(.seconds(10)), "waited its patience, then committed: \(waited)")
                let committed = try await TestPostgres.run("SELECT count(*) FROM deliveries WHERE acknowledged_at IS NOT NULL", on: configuration)
                #expect(try committed[0].decode(Int.self) == 2, "committed before it was answered")
            }
        }
    }

    @Test("hand-outs at publish from two nodes at once each follow the one before them in the recipient's sequence")
    func twoNodesPlaceHandOutsInSequence() async throws {
        try await TestPostgres.withTwoNodes { first, second in
            let messages = (0..<60).map { _ in newMessage(recipients: [.csc, .police], handedOutUntil: [.csc: t0 + 30]) }
            let handOuts = try await withThrowingTaskGroup(of: [StreamHandOut].self) { group in
                for (offset, message) in messages.enumerated() {
                    group.addTask {
                        let outcome = try await (offset.isMultiple(of: 2) ? first : second).publish(message)
                        guard case .stored(_, let handedOut) = outcome else { throw StoreError(.unavailable, "not stored: \(outcome)") }
                        return handedOut
                    }
                }
                return try await group.reduce(into: [StreamHandOut]()) { $0 += $1 }.sorted { $0.sequence < $1.sequence }
            }
            #expect(handOuts.count == messages.count, "each message's delivery to the streaming recipient, and only it")
            #expect(handOuts.map(\.previous) == [0] + handOuts.dropLast().map(\.sequence),
                    "none acknowledged, so each comes straight after the one before, whichever node stored it")
            let stored = try await second.streamCandidates(for: .csc, after: 0, limit: 100, now: t0 + 1, maxAttempts: 10)
            #expect(handOuts.map(\.sequence) == stored.map(\.delivery.sequence))
            #expect(handOuts.map(\.deliveryID) == stored.map(\.delivery.id))
        }
    }

    @Test("each node hears the other's new deliveries, and not its own, which its broker signalled as it stored them")
    func nodesSkipTheirOwnDeliveryNotices() async throws {
        try await TestPostgres.withTwoNodes { first, second in
            var firstFeed = first.changes().makeAsyncIterator()
            var secondFeed = second.changes().makeAsyncIterator()
            // Both feeds are listening once each has heard an announcement made after it started.
            let announcing = Task {
                while !Task.isCancelled {
                    try await second.announce(.webhooks)
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            while await firstFeed.next() != .webhooks {}
            while await secondFeed.next() != .webhooks {}
            announcing.cancel()
            _ = await announcing.result
            try await publishStored(newMessage(recipients: [.csc]), to: first)
            try await publishStored(newMessage(recipients: [.police]), to: second)
            func nextDeliveries(_ feed: inout AsyncStream<StoreChange>.Iterator) async -> StoreChange? {
                while let change = await feed.next() {
                    if change != .webhooks { return change }
                }
                return nil
            }
            #expect(await nextDeliveries(&firstFeed) == .deliveries([.police]), "the other node's, and not its own before it")
            #expect(await nextDeliveries(&secondFeed) == .deliveries([.csc]))
        }
    }

    @Test("a node's feed of changes begins with .unknown once it listens, so that it rereads what another node changed before")
    func feedBeginsUnknown() async throws {
        try await TestPostgres.withTwoNodes { first, second in
            // A change committed before the first node listens is announced to no one there.
            try await second.announce(.subscriptions)
            var feed = first.changes().makeAsyncIterator()
            let announcing = Task {
                while !Task.isCancelled {
                    try await second.announce(.webhooks)
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            var heard: [StoreChange] = []
            while let change = await feed.next() {
                heard.append(change)
                if change == .webhooks { break }
            }
            announcing.cancel()
            _ = await announcing.result
            #expect(heard.first == .unknown, "heard \(heard) before the first announcement made while listening")
            #expect(!heard.contains(.subscriptions))
        }
    }

    @Test("two nodes settling one expiry and dead-lettering one delivery at once do each once")
    func twoNodesSettleOnce() async throws {
        try await TestPostgres.withTwoNodes { first, second in
            let expiring = newMessage(expiresAt: t0 + 60)
            let exhausted = newMessage(recipients: [.police])
            _ = try await first.publish([expiring, exhausted])
            _ = try await first.fetchInbox(for: .police, limit: 1, now: t0 + 1, visibilityTimeout: 30, maxAttempts: 1)
            let expired = EventRecord(kind: .expired, at: t0 + 60, agency: .csc, messageID: expiring.id,
                                      deliveryID: expiring.deliveries[0].id, attempt: 0)
            let deadLettered = try await withThrowingTaskGroup(of: Bool.self) { group in
                for node in [first, second, first, second] {
                    group.addTask {
                        try await node.settleExpiry(of: expiring.id, at: t0 + 60, events: [expired], notice: nil)
                        return try await node.deadLetter(deliveries: exhausted.deliveries.map(\.id), at: t0 + 60, events: [],
                                                         notice: nil)
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(deadLettered.filter { $0 }.count == 1)
            #expect(try await second.events(matching: EventFilter(kind: .expired), limit: 10).map(\.event) == [expired])
            #expect(try await first.unsettledDeliveryCount() == 0)
        }
    }

    @Test("two nodes purging one message at once destroy its content and record it once")
    func twoNodesPurgeOnce() async throws {
        try await TestPostgres.withTwoNodes { first, second in
            let message = newMessage()
            _ = try await first.publish([message])
            _ = try await first.fetchInbox(for: .csc, limit: 1, now: t0, visibilityTimeout: 30, maxAttempts: 10)
            _ = try await first.acknowledge(deliveries: message.deliveries.map(\.id), by: .csc, at: t0 + 10)
            let purged = EventRecord(kind: .purged, at: t0 + 60, agency: .broker, messageID: message.id,
                                     messageType: message.type, rule: "retentionDays")
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for node in [first, second, first, second] {
                    group.addTask { try await node.purge(message: message.id, cutoff: t0 + 50, at: t0 + 60, event: purged) }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await second.events(matching: EventFilter(kind: .purged), limit: 10).map(\.event) == [purged])
            #expect(try await first.retrieve(message: message.id, by: .hospitals, at: t0 + 60)?.purgedAt == t0 + 60)
        }
    }

    @Test("a connection lost in the middle of a publish fails it as unavailable, having stored nothing; the store goes on")
    func lostConnectionStoresNothing() async throws {
        try await TestPostgres.withDatabase { configuration in
            try await TestPostgres.withStore(on: configuration) { store in
                let message = newMessage(subjects: ["token-a"])
                // Another transaction holds the end of the record, so the publish waits for it
                // with its other work done; then the server ends the publish's connection.
                let failure = try await TestPostgres.holdingTheRecord(on: configuration) {
                    let publish = Task { try await store.publish(message) }
                    try await TestPostgres.run("""
                        SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                        WHERE datname = current_database() AND wait_event_type = 'Lock'
                        """, on: configuration, after: "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
                    return await publish.result
                }
                #expect(throws: StoreError(.unavailable, "")) { try failure.get() }
                #expect(try await store.messageStatus(id: message.id, sender: .hospitals, now: t0) == nil)
                #expect(try await store.events(matching: EventFilter(subjectToken: "token-a"), limit: 10).isEmpty)
                #expect(try await store.publish(message).storedReceipt?.auditIndex == 0, "the store goes on with new connections")
            }
        }
    }

    @Test("a closed store refuses calls as closed")
    func closedStoreRefuses() async throws {
        try await TestPostgres.withDatabase { configuration in
            let store = try await PostgresStore.open(configuration: configuration, logger: TestPostgres.quiet)
            await store.close()
            await #expect(throws: StoreError(.closed, "")) { _ = try await store.unsettledDeliveryCount() }
        }
    }
}

/// Where the password goes: to the server, and nowhere else.
@Suite("PostgreSQL store configuration")
struct PostgresConfigurationTests {
    @Test("a URL gives the server, the database and the user; one holding a password is refused")
    func readsURL() throws {
        let configuration = try PostgresStore.Configuration(url: "postgres://broker@db.example:6543/sharebroker", password: "s3cret",
                                                            tls: .require)
        #expect(configuration.host == "db.example" && configuration.port == 6543)
        #expect(configuration.database == "sharebroker" && configuration.username == "broker" && configuration.password == "s3cret")
        #expect(try PostgresStore.Configuration(url: "postgresql://broker@db.example/sb", tls: .disable).port == 5432)
        for url in ["postgres://broker:pw@db.example/sb", "mysql://broker@db.example/sb", "postgres://db.example/sb",
                    "postgres://broker@db.example", "postgres://broker@db.example/sb?sslmode=disable"] {
            #expect(throws: StoreError.self, "\(url)") { try PostgresStore.Configuration(url: url, tls: .disable) }
        }
        let error = #expect(throws: StoreError.self) { try PostgresStore.Configuration(url: "postgres://u:pw-in-url@h/d", tls: .disable) }
        #expect(error?.description.contains("pw-in-url") == false)
    }

    @Test("a password file gives its first line")
    func readsPasswordFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sharebroker-pw-\(UUID().uuidString)")
        try Data("correct horse\nsecond line\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try PostgresStore.Configuration.readPassword(file: file.path) == "correct horse")
        #expect(throws: StoreError.self) { try PostgresStore.Configuration.readPassword(file: file.path + "-missing") }
    }

    @Test("the description and a connection failure never show the password")
    func descriptionHidesPassword() async throws {
        let password = "never-shown-\(UUID().uuidString)"
        // Port 1 (tcpmux): nothing listens there, so connecting is refused at once.
        let unreachable = PostgresStore.Configuration(host: "127.0.0.1", port: 1, database: "sb", username: "broker",
                                                      password: password, tls: .disable)
        #expect(!unreachable.description.contains(password))
        #expect(!String(reflecting: unreachable).contains(password))
        var dumped = ""
        dump(unreachable, to: &dumped)
        #expect(!dumped.contains(password) && dumped.contains("given"))
        let logs = LogCapture()
        let error = await #expect(throws: StoreError.self) {
            _ = try await PostgresStore.open(configuration: unreachable, logger: logs.logger())
        }
        #expect(error?.code == .cannotOpen)
        #expect(error.map { !$0.description.contains(password) } == true)
        #expect(!logs.text.contains(password))
    }

    @Test("TLS verify-full accepts the server's certificate from the given CA for its name, and refuses another CA or an address")
    func verifiesTheServer() async throws {
        let authority = try TestPostgres.certificateAuthority()
        try await TestPostgres.withDatabase { configuration in
            var verified = configuration
            verified.host = "localhost"
            verified.tls = .verifyFull(caFile: authority)
            try await TestPostgres.withStore(on: verified) { store in
                _ = try await store.publish(newMessage())
                let encrypted = try await TestPostgres.run("""
                    SELECT count(*), bool_and(s.ssl) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
                    WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
                    """, on: configuration)
                let (connections, allEncrypted) = try #require(encrypted.first).decode((Int, Bool?).self)
                #expect(connections > 0 && allEncrypted == true, "the store's connections use TLS")
            }
            var required = configuration
            required.tls = .require
            let count = try await TestPostgres.withStore(on: required) { try await $0.unsettledDeliveryCount() }
            #expect(count == 1, "read over TLS without checking the certificate")
            var otherAuthority = verified
            otherAuthority.tls = .verifyFull(caFile: "/etc/ssl/certs/ca-certificates.crt")
            var byAddress = verified
            byAddress.host = "127.0.0.1"
            for refused in [otherAuthority, byAddress] {
                let error = await #expect(throws: StoreError.self, "\(refused)") {
                    try await TestPostgres.withStore(on: refused) { _ in }
                }
                #expect(error?.code == .cannotOpen)
            }
        }
    }

    @Test("a user that must give a password opens with it; a wrong one is refused; neither shows in logs or errors")
    func passwordAuthentication() async throws {
        let role = "sb_role_\(UUID().uuidString.prefix(8).lowercased())"
        let password = "pw-\(UUID().uuidString)"
        do {
            try await TestPostgres.withDatabase { configuration in
                try await checkPassword(password, of: role, on: configuration)
            }
        } catch {
            _ = try? await TestPostgres.run("DROP ROLE IF EXISTS \(role)", on: TestPostgres.server())
            throw error
        }
        try await TestPostgres.run("DROP ROLE \(role)", on: TestPostgres.server())
    }

    /// Makes `role`, a member of the roles the test server asks a password of, and checks its
    /// store opens with `password` and is refused another, neither showing in logs or errors.
    private func checkPassword(_ password: String, of role: String, on configuration: PostgresStore.Configuration) async throws {
        try await TestPostgres.run("""
            DO $$ BEGIN CREATE ROLE sharebroker_scram_roles NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$
            """, on: configuration)
        try await TestPostgres.run("CREATE ROLE \(role) LOGIN PASSWORD '\(password)' IN ROLE sharebroker_scram_roles", on: configuration)
        try await TestPostgres.run("GRANT ALL ON DATABASE \(configuration.database) TO \(role)", on: configuration)
        try await TestPostgres.run("GRANT ALL ON SCHEMA public TO \(role)", on: configuration)
        var asRole = configuration
        asRole.username = role
        asRole.password = password
        let logs = LogCapture()
        try await TestPostgres.withStore(on: asRole, logger: logs.logger()) { store in
            _ = try await store.publish(newMessage())
            #expect(try await store.unsettledDeliveryCount() == 1)
        }
        var wrong = asRole
        wrong.password = "wrong-\(password)"
        let error = await #expect(throws: StoreError.self, "the server must ask \(role) for its password (see scripts/test-postgres)") {
            _ = try await PostgresStore.open(configuration: wrong, logger: logs.logger())
        }
        #expect(error?.code == .cannotOpen)
        #expect(error.map { !$0.description.contains(password) } == true)
        #expect(!logs.text.contains(password))
    }
}

/// A quiet agency (the police) beside a busy one (social care) with many open deliveries, in
/// a database analysed, as autovacuum would: a plan that reads by sequence and filters on the
/// agency goes through all the busy agency's deliveries.
private enum QuietAgency {
    /// Makes PostgreSQL count the statements of connections opened to the database from now
    /// on (the test server loads pg_stat_statements but counts nothing unless told).
    static func countStatements(_ configuration: PostgresStore.Configuration) async throws {
        try await TestPostgres.run("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", on: configuration)
        try await TestPostgres.run("""
            DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET pg_stat_statements.track = top', current_database()); END $$
            """, on: configuration)
    }

    /// Publishes `busyDeliveries` messages to the busy agency, then analyses the database,
    /// starts counting each statement's pages afresh (`countStatements` first) and runs `body`.
    static func beside<T>(busyDeliveries: Int, on store: PostgresStore, _ configuration: PostgresStore.Configuration,
                          _ body: () async throws -> T) async throws -> T {
        for _ in 0..<(busyDeliveries / 1000) {
            _ = try await store.publish((0..<1000).map { _ in newMessage(recipients: [.csc]) })
        }
        try await TestPostgres.run("ANALYZE", on: configuration)
        let pages = try await TestPostgres.run("SELECT pg_relation_size('deliveries') / 8192", on: configuration)[0].decode(Int.self)
        #expect(pages > 100, "the busy agency's deliveries fill \(pages) pages")
        try await TestPostgres.run("""
            SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)
            """, on: configuration)
        return try await body()
    }

    /// The pages (shared buffers hit or read) a call of each statement like `pattern` touched
    /// since `beside` began counting, with the statement's start and its calls.
    static func pagesPerCall(matching pattern: String, _ configuration: PostgresStore.Configuration) async throws
        -> [(query: Substring, pages: Int, calls: Int)] {
        try await TestPostgres.run("""
            SELECT query, calls, shared_blks_hit + shared_blks_read FROM pg_stat_statements
            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query LIKE '\(pattern)'
            """, on: configuration).map { row in
            let (query, calls, pages) = try row.decode((String, Int, Int).self)
            return (query.prefix(60), pages / calls, calls)
        }
    }
}
