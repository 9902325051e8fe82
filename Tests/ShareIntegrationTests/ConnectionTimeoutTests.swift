import Foundation
import ShareTesting
import Testing

/// Clients that connect and stall: each is cut off after the timeout under test, set to a
/// second or so; the others stay at 30 s, so a slow handshake on a busy machine cannot
/// end a test early.
@Suite("Connection timeouts")
struct ConnectionTimeoutTests {
    /// A configuration edit: every connection timeout at 30 s except those in `short`.
    static func timeouts(_ short: [String: Double]) -> (inout [String: Any]) -> Void {
        { document in
            let generous: [String: Double] = [
                "handshakeTimeoutSeconds": 30, "headerTimeoutSeconds": 30, "bodyTimeoutSeconds": 30, "idleTimeoutSeconds": 30,
            ]
            document["connections"] = generous.merging(short) { $1 }
        }
    }

    @Test("a connection that never starts TLS is closed after the handshake timeout")
    func silentConnectionIsClosed() async throws {
        try await withBroker(configure: Self.timeouts(["handshakeTimeoutSeconds": 1])) { broker in
            let opened = ContinuousClock.now
            let connection = try await RawConnection.open(to: broker)
            #expect(try await connection.closedByBroker(within: .seconds(10)))
            let closedAt = try #require(connection.closedAt)
            #expect(closedAt - opened >= .milliseconds(900), "closed by the timeout, not refused")
            await connection.close()
        }
    }

    @Test("a kept-alive HTTP/1.1 connection left unused is closed after the idle timeout")
    func idleKeepAliveIsClosed() async throws {
        try await withBroker(configure: Self.timeouts(["idleTimeoutSeconds": 1])) { broker in
            let connection = try await RawConnection.open(to: broker, tlsAs: "northshire-csc")
            try await connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            #expect(try await connection.receives("\"status\"", within: .seconds(10)), "answered first")
            #expect(try await connection.closedByBroker(within: .seconds(10)))
            await connection.close()
        }
    }

    @Test("a kept-alive connection in use for longer than the idle and body timeouts stays open, then is closed once left unused")
    func busyKeepAliveStaysOpen() async throws {
        try await withBroker(configure: Self.timeouts(["idleTimeoutSeconds": 3, "bodyTimeoutSeconds": 3])) { broker in
            let connection = try await RawConnection.open(to: broker, tlsAs: "northshire-csc")
            let started = ContinuousClock.now
            var answers = 0
            var lastAnswer = started
            // Pauses of 100 ms against timeouts of 3 s: even a loaded machine, which once made a
            // 300 ms sleep last past a 2 s timeout, keeps the connection in use. The longest
            // pause this side made is in the message, to tell a slow test from an early close.
            var longestPause = Duration.zero
            while ContinuousClock.now - started < .seconds(7), connection.closedAt == nil {
                longestPause = max(longestPause, ContinuousClock.now - lastAnswer)
                try await connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                answers += 1
                #expect(try await connection.receives(count: answers, of: "\"status\"", within: .seconds(10)), "answer \(answers)")
                lastAnswer = ContinuousClock.now
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(connection.closedAt == nil, "open while in use: \(answers) answers over 7 s, pauses up to \(longestPause)")
            #expect(try await connection.closedByBroker(within: .seconds(10)))
            let closedAt = try #require(connection.closedAt)
            // The idle timeout runs from the broker's end of the last answer, which this side
            // sees a little later: closed a second or more after it, not by an earlier deadline.
            #expect(closedAt - lastAnswer >= .seconds(2), "closed by the idle timeout after the last answer, not by an earlier deadline")
            await connection.close()
        }
    }

    @Test("a connection that sends its request head slowly is closed after the header timeout")
    func slowHeadIsClosed() async throws {
        try await withBroker(configure: Self.timeouts(["headerTimeoutSeconds": 1])) { broker in
            let connection = try await RawConnection.open(to: broker, tlsAs: "northshire-csc")
            // On a busy machine even this first part may come after the timeout: then it is closed already.
            try? await connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            try await trickle(on: connection, "X-Slow: 1\r\n")
            #expect(connection.closedAt != nil, "closed while still sending its head")
            #expect(!connection.received.contains("200"))
            await connection.close()
        }
    }

    @Test("a request body sent slowly over HTTP/1.1 is cut off after the body timeout, without an error in the log")
    func slowBodyIsClosed() async throws {
        try await withBroker(configure: Self.timeouts(["bodyTimeoutSeconds": 1])) { broker in
            let connection = try await RawConnection.open(to: broker, tlsAs: "northshire-mash")
            try await connection.send("""
                POST /v1/subscriptions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
                Content-Length: 1000\r\n\r\n{
                """)
            try await trickle(on: connection, " ")
            #expect(connection.closedAt != nil, "closed while still sending its body")
            #expect(broker.logs.errorLines.isEmpty, "\(broker.logs.errorLines)")
            await connection.close()
        }
    }

    @Test("a request body sent slowly over HTTP/2 is cut off after the body timeout")
    func slowHTTP2BodyIsCutOff() async throws {
        try await withBroker(configure: Self.timeouts(["bodyTimeoutSeconds": 1])) { broker in
            let started = ContinuousClock.now
            // curl uploads standard input as it comes, with no length; the body takes 10 s in all.
            let upload = try await Subprocess.run("sh", ["-c", """
                (printf '{'; for i in $(seq 50); do sleep 0.2; printf ' ' || exit; done; printf '}') | \
                curl -sS -o /dev/null -w '%{http_code} %{http_version}' --http2 -X POST -T - \
                  -H 'Content-Type: application/json' --cacert "$1" --cert "$2" --key "$3" "$4"
                """, "sh", broker.pkiFile("ca.crt"), broker.pkiFile("northshire-mash.crt"),
                broker.pkiFile("northshire-mash.key"), "https://127.0.0.1:\(broker.port)/v1/subscriptions"])
            #expect(ContinuousClock.now - started < .seconds(8), "cut off before the body was sent: \(upload.text) \(upload.stderr)")
            #expect(upload.status != 0, "\(upload.text)")
        }
    }
}

/// Sends `text` every 200 ms for up to 10 seconds, stopping once the broker closes the connection.
func trickle(on connection: RawConnection, _ text: String) async throws {
    for _ in 0..<50 where connection.closedAt == nil {
        try await Task.sleep(for: .milliseconds(200))
        try? await connection.send(text)
    }
}
