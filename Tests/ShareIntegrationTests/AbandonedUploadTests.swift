import Foundation
import ShareTesting
import Testing

/// A client that goes away part-way through an upload is the client's doing: the broker notes it
/// at info, never as an error (error lines are for faults of the broker).
@Suite("Abandoned uploads")
struct AbandonedUploadTests {
    @Test("an HTTP/1.1 upload abandoned part-way is logged at info, not as an error")
    func abandonedHTTP1Upload() async throws {
        try await withBroker { broker in
            let connection = try await RawConnection.open(to: broker, tlsAs: "northshire-hospitals")
            try await connection.send("""
                POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/jose\r\n\
                Content-Length: 100000\r\n\r\neyJhbGciOiJFUzI1NiJ9
                """)
            try await Task.sleep(for: .milliseconds(200))
            await connection.close()
            #expect(try await eventually { broker.logs.text.contains("Request body not received in full") })
            #expect(broker.logs.errorLines.isEmpty, "\(broker.logs.errorLines)")
        }
    }
}
