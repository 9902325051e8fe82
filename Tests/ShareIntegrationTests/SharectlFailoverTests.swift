import Foundation
import ShareClient
import ShareTesting
import Testing

@Suite("sharectl with several broker URLs", .timeLimit(.minutes(3 * TestLimits.factor)))
struct SharectlFailoverTests {
    @Test("sharectl --url A --url B publishes on B when nothing listens at A")
    func repeatedURLOption() async throws {
        let sharectl = try #require(Subprocess.productPath("sharectl"), "build the sharectl product first")
        try await withBroker { broker in
            let unreachable = try await ClosedPort.url()
            let result = try await Subprocess.run(sharectl, [
                "publish", "--as", "northshire-hospitals", "--demo-dir", broker.folder.path,
                "--url", unreachable.absoluteString, "--url", broker.baseURL.absoluteString,
                broker.folder.appendingPathComponent("examples/unborn-baby-referral.json").path,
            ])
            #expect(result.status == 0, "\(result.stderr)")
            let answer = try JSONDecoder().decode(PublishAnswer.self, from: result.stdout)
            let status = try await broker.client(as: "northshire-hospitals").status(message: answer.id)
            #expect(status.recipients.map(\.agency) == answer.recipients)
        }
    }

    @Test("SHARECTL_URL=A,B: sharectl inbox --ack reads and acknowledges on B when nothing listens at A")
    func commaSeparatedEnvironment() async throws {
        let sharectl = try #require(Subprocess.productPath("sharectl"), "build the sharectl product first")
        try await withBroker { broker in
            let envelope = EnvelopeBuilder()
            try await broker.publish(envelope)
            let unreachable = try await ClosedPort.url()
            let result = try await Subprocess.run(
                sharectl, ["inbox", "--as", "northshire-csc", "--demo-dir", broker.folder.path, "--wait", "5", "--ack"],
                environment: ["SHARECTL_URL": "\(unreachable.absoluteString),\(broker.baseURL.absoluteString)"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.text.contains(envelope.id))
            let status = try await broker.client(as: "northshire-hospitals").status(message: try #require(UUID(uuidString: envelope.id)))
            #expect(status.recipients.map(\.state) == ["acknowledged"])
        }
    }

    @Test("when no URL answers, sharectl exits 1 and names each URL and what went wrong there")
    func noURLAnswers() async throws {
        let sharectl = try #require(Subprocess.productPath("sharectl"), "build the sharectl product first")
        try await withBroker { broker in
            let urls = [try await ClosedPort.url(), try await ClosedPort.url()].map(\.absoluteString)
            let result = try await Subprocess.run(sharectl, [
                "directory", "--as", "northshire-csc", "--demo-dir", broker.folder.path, "--url", urls.joined(separator: ","),
            ])
            #expect(result.status == 1)
            for url in urls {
                #expect(result.stderr.contains("\(url) (cannot connect: Connection refused)"), "\(result.stderr)")
            }
        }
    }
}
