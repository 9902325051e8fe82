import Foundation
import ShareClient
import ShareHTTP
import ShareServer
import ShareTesting
import Testing

/// The plain-HTTP metrics and health listener, scraped with curl as Prometheus or an operator
/// would, while agencies use the broker over mutual TLS.
@Suite("Metrics and health")
struct MetricsTests {
    static func withMetrics(_ document: inout [String: Any]) {
        document["metrics"] = ["host": "127.0.0.1", "port": 0]
    }

    @Test("publishes, refusals, hand-outs and acknowledgements move the counters by exactly what happened")
    func countersFollowTraffic() async throws {
        try await withBroker(configure: Self.withMetrics) { broker in
            let before = try await Scrape(broker)
            #expect(before["sharebroker_publishes_total{outcome=\"accepted\"}"] == 0)
            #expect(before["sharebroker_open_streams"] == 0)

            let first = EnvelopeBuilder()
            let jws = try broker.signer(for: "northshire-hospitals").sign(envelope: first.data)
            #expect(try await broker.postJWS(jws, as: "northshire-hospitals").status == 201)
            let resent = try await broker.postJWS(jws, as: "northshire-hospitals")
            #expect(resent.status == 201 && resent.header("Idempotent-Replayed") == "true", "an identical resend")
            try await broker.publish(EnvelopeBuilder())
            let refused = try await broker.publishRaw(EnvelopeBuilder(from: "northshire-hospitals"), as: "northshire-police",
                                                      signedBy: "northshire-hospitals")
            #expect(refused.status == 403)

            let socialCare = try broker.client(as: "northshire-csc")
            let deliveries = try await socialCare.inbox()
            #expect(deliveries.count == 2)
            _ = try await socialCare.acknowledge(delivery: deliveries[0].id)
            _ = try await socialCare.acknowledge(delivery: deliveries[0].id)

            let after = try await Scrape(broker)
            #expect(after["sharebroker_publishes_total{outcome=\"accepted\"}"] == 2)
            #expect(after["sharebroker_publishes_total{outcome=\"replayed\"}"] == 1)
            #expect(after["sharebroker_publishes_total{outcome=\"sender-mismatch\"}"] == 1)
            #expect(after["sharebroker_publishes_total{outcome=\"policy-refused\"}"] == 0)
            #expect(after["sharebroker_deliveries_total{route=\"inbox\"}"] == 2)
            #expect(after["sharebroker_deliveries_total{route=\"stream\"}"] == 0)
            #expect(after["sharebroker_acknowledgements_total"] == 1, "a repeated acknowledgement is not counted again")
            #expect(after["sharebroker_unacknowledged_deliveries"] == 1)
            #expect(after["sharebroker_dead_letters_total"] == 0)
            #expect(after["sharebroker_expiries_total"] == 0)
            // The two new messages and the resend each went to the store (a resend is found there).
            #expect(after["sharebroker_store_publish_seconds_count"] == 3)
            #expect(after["sharebroker_audit_log_consistent"] == 1)
            #expect((after["sharebroker_audit_log_entries"] ?? 0) >= 6, "2 published, 2 routed, 2 delivered, ...")
            #expect(!after.text.contains(first.id), "no message id in any label")
            #expect(!after.text.contains("9990001235"), "no NHS number in any label")
        }
    }

    @Test("an open delivery stream is counted while it is open, and what it sends is counted by route")
    func openStreamsAndStreamDeliveries() async throws {
        // The broker notices a client gone from an idle stream at its next heartbeat.
        try await withBroker(configure: { document in
            Self.withMetrics(&document)
            document["delivery"] = ["streamHeartbeatSeconds": 1]
        }) { broker in
            let reader = StreamReader(try await broker.client(as: "northshire-csc").stream())
            #expect(try await eventually { broker.streamsOpened(1) })
            #expect(try await Scrape(broker)["sharebroker_open_streams"] == 1)
            try await broker.publish(EnvelopeBuilder())
            #expect(try await eventually { reader.deliveries.count == 1 })
            let scrape = try await Scrape(broker)
            #expect(scrape["sharebroker_deliveries_total{route=\"stream\"}"] == 1)
            #expect(scrape["sharebroker_stream_own_handouts_total"] == 0, "handed out at publish, then pushed to the stream")
            reader.stop()
            #expect(try await eventually { try await Scrape(broker)["sharebroker_open_streams"] == 0 })
        }
    }

    @Test("a stream that hands out a backlog itself is counted apart; a delivery handed out at publish is not")
    func streamOwnHandOuts() async throws {
        try await withBroker(configure: Self.withMetrics) { broker in
            try await broker.publish(EnvelopeBuilder())
            let reader = StreamReader(try await broker.client(as: "northshire-csc").stream())
            defer { reader.stop() }
            #expect(try await eventually { reader.deliveries.count == 1 })
            let backlog = try await Scrape(broker)
            #expect(backlog["sharebroker_stream_own_handouts_total"] == 1, "published before the stream opened")
            #expect(backlog["sharebroker_deliveries_total{route=\"stream\"}"] == 1)

            try await broker.publish(EnvelopeBuilder())
            #expect(try await eventually { reader.deliveries.count == 2 })
            let live = try await Scrape(broker)
            #expect(live["sharebroker_stream_own_handouts_total"] == 1, "published while the agency streamed: handed out at publish")
            #expect(live["sharebroker_deliveries_total{route=\"stream\"}"] == 2)
        }
    }

    @Test("an expired message counts its unacknowledged deliveries and the delivery-failed notice")
    func expiriesAndNotices() async throws {
        try await withBroker(configure: { document in
            Self.withMetrics(&document)
            TimerTests.fastTimers(&document)
        }) { broker in
            let referral = TimerTests.referral(expiringIn: 3600, from: broker.clock.now())
            try await broker.publish(referral)
            broker.clock.advance(by: 7200)
            #expect(try await eventually {
                try await Scrape(broker)["sharebroker_notices_total{type=\"delivery-failed/1\"}"] == 1
            })
            let scrape = try await Scrape(broker)
            #expect(scrape["sharebroker_expiries_total"] == 1)
            #expect(scrape["sharebroker_dead_letters_total"] == 0, "an expiry is not also a dead letter")
            #expect(scrape["sharebroker_notices_total{type=\"response-overdue/1\"}"] == 0)
            #expect(scrape["sharebroker_overdue_responses_total"] == 0)
            #expect(scrape["sharebroker_unacknowledged_deliveries"] == 2,
                    "only the notice waits: for the sender and the policy's failureNoticesTo (the MASH)")
        }
    }

    @Test("a delivery handed out the maximum number of times counts as a dead letter, with its notice")
    func deadLetters() async throws {
        try await withBroker(configure: { document in
            Self.withMetrics(&document)
            TimerTests.fastTimers(&document)
            var delivery = document["delivery"] as! [String: Any]
            delivery["maxAttempts"] = 1
            document["delivery"] = delivery
        }) { broker in
            try await broker.publish(EnvelopeBuilder(sentAt: broker.clock.now()))
            #expect(try await broker.client(as: "northshire-csc").inbox().count == 1)
            broker.clock.advance(by: 31)
            #expect(try await eventually { try await Scrape(broker)["sharebroker_dead_letters_total"] == 1 })
            let scrape = try await Scrape(broker)
            #expect(scrape["sharebroker_notices_total{type=\"delivery-failed/1\"}"] == 1)
            #expect(scrape["sharebroker_expiries_total"] == 0)
            #expect(scrape["sharebroker_deliveries_total{route=\"inbox\"}"] == 1)
        }
    }

    @Test("an enquiry unanswered by its deadline counts as one overdue response, with one notice")
    func overdueResponses() async throws {
        try await withBroker(configure: { document in
            Self.withMetrics(&document)
            TimerTests.fastTimers(&document)
        }) { broker in
            let enquiry = try InformationRequestTests.example("mash-enquiry-1/valid-red-neglect.json", sentAt: broker.clock.now()) {
                $0["respondBy"] = nil
            }
            let sent = try await broker.postJWS(try broker.signer(for: "northshire-mash").sign(envelope: enquiry), as: "northshire-mash")
            #expect(sent.status == 201)
            broker.clock.advance(by: 5 * 3600)
            #expect(try await eventually { try await Scrape(broker)["sharebroker_overdue_responses_total"] == 1 })
            try await Task.sleep(for: .milliseconds(300))
            let scrape = try await Scrape(broker)
            #expect(scrape["sharebroker_overdue_responses_total"] == 1, "chased once, not on every round")
            #expect(scrape["sharebroker_notices_total{type=\"response-overdue/1\"}"] == 1)
        }
    }

    @Test("a metrics port out of range is refused at start, naming the key")
    func metricsPortValidated() async throws {
        let prepared = try TestBroker(configure: { $0["metrics"] = ["port": 70000] })
        defer { try? FileManager.default.removeItem(at: prepared.folder) }
        #expect {
            try ServerSettings.load(from: prepared.configurationFile)
        } throws: { error in
            "\(error)".contains("/metrics/port must be from 0 to 65535")
        }
    }

    @Test("/livez and /readyz answer 200 while the broker runs, and no client certificate is needed")
    func healthWhileRunning() async throws {
        try await withBroker(configure: Self.withMetrics) { broker in
            let live = try await broker.plainGet("/livez")
            #expect(live.status == 200)
            let ready = try await broker.plainGet("/readyz")
            #expect(ready.status == 200)
            #expect(ready.body == #"{"status":"ready"}"#)
            #expect(try await broker.plainGet("/nothing").status == 404)
        }
    }

    @Test("/readyz answers 503 once the stored audit log is found changed, and the gauge says so")
    func readyzWhenAuditLogInconsistent() async throws {
        try await withBroker(configure: { document in
            Self.withMetrics(&document)
            setAudit(["verifyIntervalSeconds": 0.2, "treeHeadIntervalSeconds": 0.2], in: &document)
        }) { broker in
            try await broker.publish(EnvelopeBuilder())
            _ = try await broker.auditGet("/v1/audit/tree-head") as AuditLogTests.Head
            let tampered = try await AuditLogTests().tamper(broker, "UPDATE events SET entry = CAST('{}' AS BLOB) WHERE idx = 0;")
            #expect(tampered.status == 0, "\(tampered.stderr)")
            #expect(try await eventually { try await broker.plainGet("/readyz").status == 503 })
            let ready = try await broker.plainGet("/readyz")
            #expect(ready.body.contains(#""status":"not-ready""#))
            #expect(ready.body.contains("audit log"), "\(ready.body)")
            #expect(try await broker.plainGet("/livez").status == 200, "the process still runs")
            #expect(try await Scrape(broker)["sharebroker_audit_log_consistent"] == 0)
        }
    }

    @Test("/readyz answers 503 while the broker drains at shutdown, and the listener stops with the broker")
    func readyzDuringShutdown() async throws {
        let broker = try await TestBroker.start(configure: { document in
            Self.withMetrics(&document)
            document["connections"] = ["bodyTimeoutSeconds": 10]
        })
        defer { try? FileManager.default.removeItem(at: broker.folder) }
        // An upload that never finishes keeps the drain waiting until its body times out.
        let upload = try await RawConnection.open(to: broker, tlsAs: "northshire-hospitals")
        try await upload.send("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/jose\r\nContent-Length: 100000\r\n\r\neyJ")
        #expect(try await eventually { broker.server.requestsInFlight.current == 1 })
        #expect(try await broker.plainGet("/readyz").status == 200)
        async let stopped: Void = broker.stop()
        // The answer that shows the drain is the one examined: the drain may end right after it.
        var draining = try await broker.plainGet("/readyz")
        #expect(try await eventually {
            draining = try await broker.plainGet("/readyz")
            return draining.status == 503
        })
        #expect(draining.body.contains("shutting down"), "\(draining.body)")
        try await stopped
        await upload.close()
        #expect(try await broker.plainGet("/livez").status == 0, "nothing listens once the broker has stopped")
    }
}

extension MetricsTests {
    @Test("sharebroker demo --metrics-port serves the listener on 127.0.0.1 and its banner says where")
    func demoMetricsPort() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let demo = try await DemoProcess.start(["--data-dir", folder.path, "--port", "0", "--metrics-port", "0"])
        defer { demo.process.stopFromTest() }
        let banner = demo.banner.text
        let start = try #require(banner.range(of: "metrics        http://127.0.0.1:"), "\(banner)")
        let port = try #require(Int(banner[start.upperBound...].prefix { $0.isNumber }))
        #expect(banner[start.upperBound...].dropFirst(String(port).count).hasPrefix("/metrics"))
        let ready = try await Subprocess.run("curl", ["-sS", "http://127.0.0.1:\(port)/readyz"])
        #expect(ready.text == #"{"status":"ready"}"#)
        let metrics = try await Subprocess.run("curl", ["-sS", "http://127.0.0.1:\(port)/metrics"])
        #expect(metrics.text.contains("sharebroker_publishes_total{outcome=\"accepted\"} 0"))
        #expect(try await demo.stop())
    }
}

/// One scrape of `/metrics`: each sample line `name{labels} value` by `name{labels}`.
struct Scrape {
    let text: String
    let values: [String: Double]

    init(_ broker: TestBroker) async throws {
        let answer = try await broker.plainGet("/metrics")
        try #require(answer.status == 200, "\(answer.body)")
        text = answer.body
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            values[String(line[..<space])] = value
        }
        self.values = values
    }

    subscript(_ sample: String) -> Double? { values[sample] }
}

extension TestBroker {
    /// A plain-HTTP GET to the metrics listener with curl; status 0 when nothing answers.
    func plainGet(_ path: String) async throws -> (status: Int, body: String) {
        let url = try #require(metricsURL, "the broker has no metrics listener")
        // A bounded wait, so that a listener that never answers fails the test instead of holding it.
        let result = try await Subprocess.run("curl", ["-sS", "--max-time", "30", "-w", "\n%{http_code}", url.absoluteString + path])
        let lines = result.text.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }
}
