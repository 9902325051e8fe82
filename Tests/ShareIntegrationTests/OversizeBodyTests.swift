import Foundation
import ShareTesting
import Testing

/// A body over its limit is refused with 413 and a problem document, however it is framed.
@Suite("Bodies over the limit")
struct OversizeBodyTests {
    /// How a body reaches the broker.
    enum Framing: String, CaseIterable, CustomTestStringConvertible {
        case contentLength = "HTTP/1.1 with Content-Length"
        case chunked = "HTTP/1.1 chunked"
        case http2 = "HTTP/2 without Content-Length"

        var testDescription: String { rawValue }

        var curlArguments: [String] {
            switch self {
            case .contentLength: ["--http1.1"]
            case .chunked: ["--http1.1", "-H", "Transfer-Encoding: chunked"]
            case .http2: ["--http2", "-H", "Transfer-Encoding: chunked"]
            }
        }

        var httpVersion: String { self == .http2 ? "2" : "1.1" }
    }

    /// Every route that reads a body, with the content type it takes; each limit is 1 MiB here.
    static let routes: [(method: String, path: String, contentType: String)] = [
        ("POST", "/v1/messages", "application/jose"),
        ("POST", "/v1/messages/batch", "application/json"),
        ("POST", "/v1/deliveries/ack", "application/json"),
        ("POST", "/v1/subscriptions", "application/json"),
        ("PUT", "/v1/webhook", "application/json"),
    ]

    @Test("a body over the limit is answered 413 with a problem document on every route", arguments: Framing.allCases)
    func bodyOverLimitIs413(framing: Framing) async throws {
        try await withBroker(configure: { document in
            var limits = document["limits"] as? [String: Any] ?? [:]
            limits["maxBatchBytes"] = 1_048_576
            document["limits"] = limits
        }) { broker in
            let body = broker.folder.appendingPathComponent("over-limit.body")
            try Data(repeating: UInt8(ascii: "a"), count: 1_048_577).write(to: body)
            let answerFile = broker.folder.appendingPathComponent("answer.json")
            for route in Self.routes {
                let result = try await Subprocess.run("curl", [
                    "-sS", "--cacert", broker.pkiFile("ca.crt"), "--cert", broker.pkiFile("northshire-hospitals.crt"),
                    "--key", broker.pkiFile("northshire-hospitals.key"), "-X", route.method,
                    "-H", "Content-Type: \(route.contentType)", "--data-binary", "@\(body.path)",
                    "-o", answerFile.path, "-w", "%{http_code} %{http_version} %{content_type}",
                ] + framing.curlArguments + ["https://127.0.0.1:\(broker.port)\(route.path)"])
                let place = "\(route.method) \(route.path) over \(framing.rawValue): \(result.stderr)"
                let written = result.text.split(separator: " ").map(String.init)
                #expect(written.first == "413", "\(place)")
                #expect(written.dropFirst().first == framing.httpVersion, "\(place)")
                #expect(written.last == "application/problem+json", "\(place)")
                let problem = try? JSONSerialization.jsonObject(with: Data(contentsOf: answerFile)) as? [String: Any]
                #expect(problem?["code"] as? String == "message-too-large", "\(place)")
            }
            #expect(broker.logs.errorLines.isEmpty, "\(broker.logs.errorLines)")
        }
    }
}
