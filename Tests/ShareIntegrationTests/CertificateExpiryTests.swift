import Foundation
import ShareServer
import ShareTesting
import Testing

/// The certificates the broker depends on (its own, the client CA's) over their lifetime: the
/// demo's broker certificate lasts 398 days, and the tests move the broker's clock.
@Suite("Certificate expiry")
struct CertificateExpiryTests {
    static let day: TimeInterval = 86_400

    @Test("a broker whose certificate has expired refuses to start and says what to do")
    func expiredCertificateRefusesToStart() async throws {
        let broker = try TestBroker(clock: TestClock(Date().addingTimeInterval(400 * Self.day)))
        defer { try? FileManager.default.removeItem(at: broker.folder) }
        do {
            try await broker.start()
            Issue.record("the broker started with an expired certificate")
            try await broker.stop()
        } catch let error as ConfigurationError {
            #expect(error.description.contains("The broker's TLS certificate"))
            #expect(error.description.contains("expired at"))
            #expect(error.description.contains("renewed certificate"))
        }
    }

    @Test("a certificate that expires within 30 days is a warning at start, and every expiry is a metric")
    func expiringSoonWarnsAndIsMeasured() async throws {
        let now = Date().addingTimeInterval(380 * Self.day)
        try await withBroker(clock: TestClock(now), configure: { $0["metrics"] = ["host": "127.0.0.1", "port": 0] }) { broker in
            let warnings = broker.logs.text.split(separator: "\n").filter { $0.contains("A certificate expires within 30 days") }
            #expect(warnings.count == 1, "the broker's certificate only; the CA lasts ten years: \(warnings)")
            #expect(warnings.first?.hasPrefix("warning ") == true)
            #expect(warnings.first?.contains("broker") == true)

            let scrape = try await Scrape(broker)
            let brokerExpiry = try #require(scrape["sharebroker_certificate_expiry_timestamp_seconds{certificate=\"broker\",index=\"0\"}"])
            #expect(abs(brokerExpiry - now.addingTimeInterval(18 * Self.day).timeIntervalSince1970) < 2 * Self.day,
                    "398 days after the demo minted it")
            #expect(scrape["sharebroker_certificate_expiry_timestamp_seconds{certificate=\"client-ca\",index=\"0\"}"] != nil)
        }
    }

    @Test("a broker with years left on its certificates starts without a warning")
    func freshCertificatesNoWarning() async throws {
        try await withBroker { broker in
            #expect(!broker.logs.text.contains("A certificate expires within 30 days"))
        }
    }
}
