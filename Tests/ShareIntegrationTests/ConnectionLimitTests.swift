import Foundation
import ShareClient
import ShareTesting
import Testing

/// Too many connections: those over a limit are closed at once, and the broker keeps serving.
/// Every 127.x.y.z address is this machine, so the tests act as other clients from 127.0.0.2 on.
@Suite("Connection limits")
struct ConnectionLimitTests {
    @Test("connections over the per-address limit are closed at once, with one warning, while an agency is served")
    func perAddressLimit() async throws {
        try await withBroker(configure: { $0["connections"] = ["maxPerAddress": 3, "handshakeTimeoutSeconds": 60] }) { broker in
            // Which three the broker takes first depends on when it accepts them, not on when
            // the kernel completed them: count, rather than name, the connections held and closed.
            var connections: [RawConnection] = []
            for _ in 0..<8 { connections.append(try await RawConnection.open(to: broker, from: "127.0.0.2")) }
            let all = connections
            #expect(try await eventually(within: 10) { all.filter { $0.closedAt != nil }.count == 5 }, "the five over the limit: closed")
            let agency = try await broker.publishRaw(EnvelopeBuilder(), as: "northshire-hospitals")
            #expect(agency.status == 201, "an agency at another address is served")
            #expect(all.filter { $0.closedAt == nil }.count == 3, "the connections within the limit stay open")
            let warnings = broker.logs.text.split(separator: "\n").filter { $0.contains("Connections refused") }
            #expect(warnings.count == 1, "one warning for five refusals: \(warnings)")
            #expect(warnings.first?.hasPrefix("warning ") == true)
            for connection in all { await connection.close() }
        }
    }

    @Test("beyond the limit on open connections new ones are closed at once, and taken again once others close")
    func totalLimit() async throws {
        try await withBroker(configure: { $0["connections"] = ["maxOpen": 4, "handshakeTimeoutSeconds": 60] }) { broker in
            // Each connection is counted on its own event loop, so which four are taken is not
            // the order they were opened in: count, rather than name, the held and the closed.
            var connections: [RawConnection] = []
            for index in 2...6 { connections.append(try await RawConnection.open(to: broker, from: "127.0.0.\(index)")) }
            let all = connections
            #expect(try await eventually(within: 10) { all.filter { $0.closedAt != nil }.count == 1 }, "the one over the limit: closed")
            #expect(all.filter { $0.closedAt == nil }.count == 4, "the four within the limit stay open")
            for connection in all { await connection.close() }
            #expect(try await eventually {
                (try? await broker.client(as: "northshire-csc").send("GET", "/v1/inbox").status) == 200
            }, "served again once the others closed")
        }
    }
}

extension ConnectionLimitTests {
    @Test("a broker whose open-file limit cannot hold connections.maxOpen warns at start")
    func warnsWhenOpenFileLimitIsTooLow() async throws {
        // Linux allows 2^20 open files per process by default (fs.nr_open) and never 2^30.
        try await withBroker(configure: { $0["connections"] = ["maxOpen": 1 << 30] }) { broker in
            #expect(broker.logs.text.contains("warning The open-file limit is too low for connections.maxOpen"))
        }
    }
}
