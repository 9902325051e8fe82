import Foundation
import ShareBroker
import ShareClient
import ShareModel
import ShareServer
import ShareTesting
import Testing

@Suite("Delivery by stream (Server-Sent Events)", .timeLimit(.minutes(3 * TestLimits.factor)))
struct StreamTests {
    @Test("a delivery published while the stream is open arrives at once, and counts as delivered")
    func livePush() async throws {
        try await withBroker { broker in
            let reader = StreamReader(try await broker.client(as: "northshire-csc").stream())
            defer { reader.stop() }
            #expect(try await eventually { broker.streamsOpened(1) })
            let envelope = EnvelopeBuilder()
            let jws = try broker.signer(for: "northshire-hospitals").sign(envelope: envelope.data)
            let answer = try await broker.client(as: "northshire-hospitals").publish(jws: jws)

            #expect(try await eventually(within: 5) { reader.deliveries.count == 1 }, "pushed within seconds of the publish")
            let streamed = try #require(reader.deliveries.first)
            #expect(streamed.delivery.messageId == answer.id)
            #expect(streamed.delivery.type == "unborn-baby-referral/1")
            #expect(streamed.delivery.sender == "northshire-hospitals")
            #expect(streamed.delivery.jws == jws, "the exact bytes the sender signed")
            #expect(streamed.delivery.attempt == 1)
            #expect(streamed.eventID > 0)
            #expect(streamed.delivery.expiresAt.flatMap(Timestamp.parse) != nil)
            #expect(Timestamp.parse(streamed.delivery.createdAt) != nil && Timestamp.parse(streamed.delivery.deliveredAt) != nil)
            let status = try await broker.client(as: "northshire-hospitals").status(message: answer.id)
            #expect(status.recipients.first?.state == "delivered")
            #expect(status.recipients.first?.deliveryId == streamed.delivery.id)
            #expect(try await broker.eventCount("delivered") == 1)
            #expect(try await broker.client(as: "northshire-csc").inbox().isEmpty,
                    "hidden from the inbox for the visibility timeout, as after an inbox fetch")
        }
    }

    @Test("deliveries published at once by six concurrent publishers reach an open stream once each, in event id order, exactly as a stream reading them from the store sends them")
    func concurrentPublishesStreamInOrder() async throws {
        try await withBroker { broker in
            let socialCare = try broker.client(as: "northshire-csc")
            let live = StreamReader(try await socialCare.stream())
            defer { live.stop() }
            #expect(try await eventually { broker.streamsOpened(1) })
            let published = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        var ids: [String] = []
                        for _ in 0..<15 {
                            let envelope = EnvelopeBuilder()
                            let status = try await broker.publish(envelope).status
                            #expect(status == 201)
                            ids.append(envelope.id)
                        }
                        return ids
                    }
                }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }
            #expect(try await eventually { live.deliveries.count >= published.count })
            let eventIDs = live.deliveries.map(\.eventID)
            #expect(eventIDs == eventIDs.sorted() && Set(eventIDs).count == eventIDs.count, "in increasing event id order, none twice")
            #expect(Set(live.messageIDs) == Set(published) && live.deliveries.count == published.count, "every message once")

            // A second stream opened now reads the same deliveries from the store (still within
            // their hand-out's visibility period): what the first was sent as they were published
            // must be what the store holds, field for field.
            let fromStore = StreamReader(try await socialCare.stream())
            defer { fromStore.stop() }
            #expect(try await eventually { fromStore.deliveries.count >= published.count })
            #expect(fromStore.deliveries == live.deliveries)
        }
    }

    @Test("reconnecting with Last-Event-ID sends exactly the rest; acknowledged deliveries are never sent again")
    func resumeAfterLastEventID() async throws {
        try await withBroker { broker in
            let envelopes = (0..<4).map { _ in EnvelopeBuilder() }
            for envelope in envelopes { try await broker.publish(envelope) }
            let socialCare = try broker.client(as: "northshire-csc")
            let ids: [String] = envelopes.map(\.id)
            var firstTwo: [StreamedDelivery] = []
            do {
                var iterator = try await socialCare.stream().makeAsyncIterator()
                for _ in 0..<2 {
                    let next: StreamedDelivery? = try await iterator.next()
                    firstTwo.append(try #require(next))
                }
            }
            let firstIDs: [String] = firstTwo.map { $0.delivery.messageId.uuidString.lowercased() }
            #expect(firstIDs == [ids[0], ids[1]])
            _ = try await socialCare.acknowledge(delivery: firstTwo[0].delivery.id)

            // A message published after each stream opened comes after everything the stream
            // owes: once it has arrived, a delivery sent twice would have arrived too.
            let resumed = StreamReader(try await socialCare.stream(after: firstTwo[1].eventID))
            defer { resumed.stop() }
            #expect(try await eventually { broker.streamsOpened(2) })
            let marker = EnvelopeBuilder()
            try await broker.publish(marker)
            #expect(try await eventually { resumed.messageIDs.contains(marker.id) })
            #expect(resumed.messageIDs == [ids[2], ids[3], marker.id], "the remaining two, once each, then the new one")

            let fromStart = StreamReader(try await socialCare.stream())
            defer { fromStart.stop() }
            #expect(try await eventually { broker.streamsOpened(3) })
            let secondMarker = EnvelopeBuilder()
            try await broker.publish(secondMarker)
            #expect(try await eventually { fromStart.messageIDs.contains(secondMarker.id) })
            #expect(fromStart.messageIDs == [ids[1], ids[2], ids[3], marker.id, secondMarker.id], "all but the acknowledged one")
            let attempts: [Int] = fromStart.deliveries.map(\.delivery.attempt)
            #expect(attempts.first == 1, "sent again under the same attempt: it is still within its visibility period")
        }
    }

    @Test("two streams of one agency each receive every delivery")
    func concurrentStreamsEachReceiveAll() async throws {
        try await withBroker { broker in
            let socialCare = try broker.client(as: "northshire-csc")
            let first = StreamReader(try await socialCare.stream())
            let second = StreamReader(try await socialCare.stream())
            defer {
                first.stop()
                second.stop()
            }
            #expect(try await eventually { broker.streamsOpened(2) })
            let envelopes = (0..<3).map { _ in EnvelopeBuilder() }
            for envelope in envelopes { try await broker.publish(envelope) }
            let ids: [String] = envelopes.map(\.id)
            let bothReceived = try await eventually { first.deliveries.count == 3 && second.deliveries.count == 3 }
            #expect(bothReceived)
            #expect(first.messageIDs == ids)
            #expect(second.messageIDs == ids)
            let attempts: [Int] = (first.deliveries + second.deliveries).map { $0.delivery.attempt }
            #expect(attempts == [1, 1, 1, 1, 1, 1])
            #expect(try await broker.eventCount("delivered") == 3,
                    "each delivery is handed out once to the agency, however many of its streams carry it")
        }
    }

    @Test("a delivery published while a stream is open is handed out in the publish transaction itself")
    func handedOutAtPublish() async throws {
        try await withBroker { broker in
            let reader = StreamReader(try await broker.client(as: "northshire-csc").stream())
            defer { reader.stop() }
            #expect(try await eventually { broker.streamsOpened(1) })
            try await broker.publish(EnvelopeBuilder())
            #expect(try await eventually(within: 5) { reader.deliveries.count == 1 })
            #expect(try await broker.eventKinds().suffix(3) == ["published", "routed", "delivered"],
                    "the hand-out is recorded with the message, in the same transaction")
            // Anything recorded for reading the delivery would be recorded before it was sent, so
            // before the acknowledgement that follows it.
            _ = try await broker.client(as: "northshire-csc").acknowledge(delivery: try #require(reader.deliveries.first).delivery.id)
            #expect(try await broker.eventKinds().suffix(4) == ["published", "routed", "delivered", "acknowledged"],
                    "reading it from the stream records nothing more")
        }
    }

    @Test("once an agency's stream has ended, its new deliveries go to its inbox at once, not handed out to the ended stream")
    func endedStreamLeavesDeliveriesToTheInbox() async throws {
        // The broker notices a client gone from an idle stream at its next heartbeat.
        try await withBroker(configure: { $0["delivery"] = ["visibilityTimeoutSeconds": 30, "streamHeartbeatSeconds": 1] }) { broker in
            let socialCare = try broker.client(as: "northshire-csc")
            let reader = StreamReader(try await socialCare.stream())
            #expect(try await eventually { broker.streamsOpened(1) })
            reader.stop()
            #expect(try await eventually { broker.streamsEnded(1) })
            #expect(try await eventually { broker.server.broker.openStreams == 0 }, "the ended stream has let go of the agency")
            let envelope = EnvelopeBuilder()
            try await broker.publish(envelope)
            let inbox = try await socialCare.inbox(wait: 0)
            #expect(inbox.map { $0.messageId.uuidString.lowercased() } == [envelope.id])
            #expect(inbox.first?.attempt == 1, "not already handed out")
        }
    }

    @Test("a hand-out made at publish serves streams while it stands; once it lapses a stream hands the delivery out again")
    func publishHandOutLapses() async throws {
        try await withBroker(configure: { $0["delivery"] = ["visibilityTimeoutSeconds": 30] }) { broker in
            let socialCare = try broker.client(as: "northshire-csc")
            let envelope = EnvelopeBuilder()
            let first = StreamReader(try await socialCare.stream())
            #expect(try await eventually { broker.streamsOpened(1) })
            try await broker.publish(envelope)
            #expect(try await eventually(within: 5) { first.deliveries.count == 1 })
            first.stop()
            let whileItStands = StreamReader(try await socialCare.stream())
            #expect(try await eventually(within: 5) { whileItStands.deliveries.count == 1 })
            whileItStands.stop()
            #expect(whileItStands.deliveries.first?.delivery.attempt == 1)
            #expect(try await broker.eventCount("delivered") == 1)

            broker.clock.advance(by: 31)
            let afterItLapsed = StreamReader(try await socialCare.stream())
            defer { afterItLapsed.stop() }
            #expect(try await eventually(within: 5) { afterItLapsed.deliveries.count == 1 })
            #expect(afterItLapsed.messageIDs == [envelope.id])
            #expect(afterItLapsed.deliveries.first?.delivery.attempt == 2, "counted as a second hand-out")
            #expect(try await broker.eventCount("delivered") == 2)
        }
    }

    // Issue 13: ten reconnects in ten seconds used up ten attempts and dead-lettered a strategy
    // discussion invitation nobody had had time to read.
    @Test("a stream that reconnects again and again within the visibility period uses one attempt, and nothing is dead-lettered")
    func reconnectsDoNotBurnAttempts() async throws {
        try await withBroker(configure: { document in
            document["delivery"] = ["visibilityTimeoutSeconds": 30, "maxAttempts": 3, "timerIntervalSeconds": 0.05]
        }) { broker in
            let envelope = EnvelopeBuilder()
            try await broker.publish(envelope)
            let socialCare = try broker.client(as: "northshire-csc")
            var attempts: [Int] = []
            var deliveredAt: [String] = []
            for _ in 0..<10 {
                var iterator = try await socialCare.stream().makeAsyncIterator()
                let next: StreamedDelivery? = try await iterator.next()
                attempts.append(try #require(next).delivery.attempt)
                deliveredAt.append(try #require(next).delivery.deliveredAt)
                broker.clock.advance(by: 1)
            }
            #expect(attempts == Array(repeating: 1, count: 10))
            #expect(Set(deliveredAt).count == 1, "each reconnect is sent the first hand-out as it was: its attempt and its time")
            try await broker.afterTimerRound()
            let id = try #require(UUID(uuidString: envelope.id))
            #expect(try await broker.client(as: "northshire-hospitals").status(message: id).recipients.map(\.state) == ["delivered"])

            broker.clock.advance(by: 25)
            var iterator = try await socialCare.stream().makeAsyncIterator()
            let afterVisibility: StreamedDelivery? = try await iterator.next()
            #expect(afterVisibility?.delivery.attempt == 2, "a new visibility period counts a new attempt")
            let handedOutNow = afterVisibility.flatMap { Timestamp.parse($0.delivery.deliveredAt) }
            #expect(handedOutNow.map { abs($0.timeIntervalSince(broker.clock.now())) < 0.001 } == true, "handed out now, to the millisecond")
            #expect(try await broker.eventCount("dead-lettered") == 0)
        }
    }

    @Test("a delivery fetched from the inbox and streamed while still hidden is sent as the fetch handed it out: its attempt and its time")
    func streamResendsAnInboxHandOut() async throws {
        // A clock between two milliseconds: the fetch must show the time as the store keeps it.
        let betweenMilliseconds = TestClock(Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down) + 0.0007))
        try await withBroker(clock: betweenMilliseconds) { broker in
            try await broker.publish(EnvelopeBuilder())
            let socialCare = try broker.client(as: "northshire-csc")
            let fetched = try #require(try await socialCare.inbox().first)
            broker.clock.advance(by: 5)
            var iterator = try await socialCare.stream().makeAsyncIterator()
            let streamed = try #require(try await iterator.next() as StreamedDelivery?)
            #expect(streamed.delivery == fetched, "the same delivery, attempt and delivery time, field for field")
            #expect(try await broker.eventCount("delivered") == 2, "the re-send is recorded all the same")
        }
    }

    @Test("a client that stops reading holds up neither another agency's stream, nor publishes, nor the shutdown")
    func stalledClientBlocksNobody() async throws {
        let broker = try await TestBroker.start()
        let stalled = try ChildProcess("curl", ["-sS", "-N", "--http1.1", "--limit-rate", "1", "-o", "/dev/null"]
            + broker.curlArguments("/v1/stream", as: "northshire-csc"))
        defer { stalled.stopFromTest() }
        #expect(try await eventually { broker.streamsOpened(1) })

        let mash = StreamReader(try await broker.client(as: "northshire-mash").stream())
        // About 7 MB of JWS for a client that reads one byte a second: more than the socket buffers hold.
        var accepted = 0
        for _ in 0..<250 {
            let answer = try await broker.publishRaw(EnvelopeBuilder(to: ["northshire-csc"]).padded(to: 20_000), as: "northshire-hospitals")
            if answer.status == 201 { accepted += 1 }
        }
        #expect(accepted == 250)
        #expect(try await eventually { try await broker.eventCount("delivered") > 0 }, "the stalled stream was being written to")

        let started = ContinuousClock.now
        let toStalled = try await broker.publishRaw(EnvelopeBuilder(to: ["northshire-csc"]), as: "northshire-hospitals")
        let urgent = EnvelopeBuilder(to: ["northshire-mash"])
        let toOther = try await broker.publishRaw(urgent, as: "northshire-hospitals")
        let publishing: Duration = ContinuousClock.now - started
        #expect(toStalled.status == 201 && toOther.status == 201)
        #expect(publishing < .seconds(5), "publishes are not held up")
        let urgentID: String = urgent.id
        let arrived = try await eventually(within: 5) { mash.messageIDs == [urgentID] }
        #expect(arrived, "the other agency's stream receives promptly")
        mash.stop()

        let stopping = ContinuousClock.now
        try await broker.stopAndRemove()
        let stopped: Duration = ContinuousClock.now - stopping
        #expect(stopped < .seconds(10), "the stalled stream does not hold the shutdown")
    }

    @Test("stopping the broker ends open streams at once and completes promptly")
    func shutdownEndsStreams() async throws {
        try await withBroker { broker in
            let reader = StreamReader(try await broker.client(as: "northshire-csc").stream())
            defer { reader.stop() }
            #expect(try await eventually { broker.streamsOpened(1) })
            let started = ContinuousClock.now
            try await broker.stop()
            let stopped: Duration = ContinuousClock.now - started
            #expect(try await eventually { reader.hasEnded }, "the client sees the stream end")
            #expect(reader.failure == nil, "the broker finished the response rather than cutting it off")
            let ended = try #require(reader.endedAt) - started
            #expect(ended < .seconds(5), "the broker ends the stream at once")
            // What follows the stream's end is the client's: HTTP/2's closing handshake after the
            // broker's GOAWAY, which the broker cuts short after five seconds.
            #expect(stopped < .seconds(10), "the open stream does not hold the shutdown to the drain's limit")
        }
    }

    @Test("curl -N receives the deliveries as Server-Sent Events")
    func curlReceivesEvents() async throws {
        try await withBroker { broker in
            let envelope = EnvelopeBuilder()
            try await broker.publish(envelope)
            let output = try await broker.curlStream("/v1/stream", as: "northshire-csc", ["-i"]) { text in
                guard let data = text.range(of: "\ndata: ") else { return false }
                return text[data.upperBound...].contains("\n\n")
            }
            let text: String = output.replacingOccurrences(of: "\r", with: "")
            let headers: String = text.lowercased()
            #expect(headers.contains("content-type: text/event-stream"), "\(text.prefix(500))")
            #expect(headers.contains("cache-control: no-store"))
            let lines: [String] = text.components(separatedBy: "\n")
            let found: Int? = lines.firstIndex { $0.hasPrefix("data: ") }
            let dataIndex: Int = try #require(found, "\(text.prefix(500))")
            try #require(dataIndex >= 2 && dataIndex + 1 < lines.count)
            let idLine: String = lines[dataIndex - 2]
            #expect(idLine.hasPrefix("id: "))
            #expect(Int(idLine.dropFirst(4)) != nil, "the event id is the delivery's sequence number")
            #expect(lines[dataIndex - 1] == "event: delivery")
            #expect(lines[dataIndex + 1] == "", "a blank line ends the event")
            let json = Data(lines[dataIndex].dropFirst(6).utf8)
            let delivery: Delivery = try JSONDecoder().decode(Delivery.self, from: json)
            #expect(delivery.messageId.uuidString.lowercased() == envelope.id)
        }
    }

    @Test("an idle stream receives heartbeat comments at the configured interval")
    func heartbeats() async throws {
        try await withBroker(configure: { $0["delivery"] = ["visibilityTimeoutSeconds": 30, "streamHeartbeatSeconds": 1] }) { broker in
            let output = try await broker.curlStream("/v1/stream", as: "northshire-csc") {
                $0.components(separatedBy: ": heartbeat\n").count > 2
            }
            let lines: [String] = output.components(separatedBy: "\n")
            let heartbeats: Int = lines.filter { $0 == ": heartbeat" }.count
            #expect(heartbeats >= 2, "\(output)")
        }
    }

    @Test("sharectl stream --count 1 --ack prints the verified delivery as one JSON line and exits 0")
    func sharectlStream() async throws {
        let sharectl = try #require(Subprocess.productPath("sharectl"), "build the sharectl product first")
        try await withBroker { broker in
            async let run = Subprocess.run(sharectl, [
                "stream", "--as", "northshire-csc", "--demo-dir", broker.folder.path, "--url", broker.baseURL.absoluteString,
                "--count", "1", "--ack",
            ])
            #expect(try await eventually(within: 30) { broker.streamsOpened(1) })
            let envelope = EnvelopeBuilder()
            try await broker.publish(envelope)
            let result = try await run
            #expect(result.status == 0, "\(result.stderr)")
            let lines: [String] = result.text.split(separator: "\n").map(String.init)
            #expect(lines.count == 1)
            let printed: PrintedLine = try JSONDecoder().decode(PrintedLine.self, from: Data((lines.first ?? "").utf8))
            #expect(printed.delivery.messageId.uuidString.lowercased() == envelope.id)
            #expect(printed.envelope.id == envelope.id, "the verified envelope")
            #expect(printed.eventId > 0)
            let messageID: UUID = printed.delivery.messageId
            let status = try await broker.client(as: "northshire-hospitals").status(message: messageID)
            #expect(status.recipients.first?.state == "acknowledged")
        }
    }

    @Test("a malformed Last-Event-ID is refused with a 400 problem document")
    func malformedLastEventID() async throws {
        try await withBroker { broker in
            let query = try await broker.client(as: "northshire-csc").send("GET", "/v1/stream?lastEventId=seven")
            #expect(query.status == 400)
            #expect(query.problem?.code == "bad-request")
            let header = try await broker.curl("/v1/stream", as: "northshire-csc", ["-H", "Last-Event-ID: -1"])
            #expect(header.status == 400)
            #expect(header.body.contains("urn:sharebroker:problem:bad-request"))
        }
    }
}

/// A line `sharectl stream` prints.
private struct PrintedLine: Decodable {
    struct Envelope: Decodable {
        let id: String
    }

    let eventId: Int
    let delivery: Delivery
    let envelope: Envelope
}
