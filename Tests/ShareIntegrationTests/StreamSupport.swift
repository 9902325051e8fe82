import Foundation
import ShareClient
import ShareLocking
import ShareTesting
import Testing

/// Reads a delivery stream in the background, keeping what arrives, until it ends or `stop()`.
final class StreamReader: Sendable {
    private struct State {
        var deliveries: [StreamedDelivery] = []
        var ended = false
        var endedAt: ContinuousClock.Instant?
        var failure: String?
    }

    private let state = Locked(State())
    private let task = Locked<Task<Void, Never>?>(nil)

    init(_ stream: StreamedDeliveries) {
        let reading = Task { [self] in await read(stream) }
        task.withLock { $0 = reading }
    }

    private func read(_ stream: StreamedDeliveries) async {
        do {
            for try await delivery in stream {
                state.withLock { $0.deliveries.append(delivery) }
            }
        } catch {
            state.withLock { $0.failure = "\(error)" }
        }
        state.withLock {
            $0.ended = true
            $0.endedAt = .now
        }
    }

    var deliveries: [StreamedDelivery] { state.withLock { $0.deliveries } }
    /// True once the stream is over, whether the broker ended it or it failed.
    var hasEnded: Bool { state.withLock { $0.ended } }
    /// When the stream was over, once it is.
    var endedAt: ContinuousClock.Instant? { state.withLock { $0.endedAt } }
    /// Why the stream failed, if it did not end cleanly.
    var failure: String? { state.withLock { $0.failure } }
    var messageIDs: [String] { deliveries.map { $0.delivery.messageId.uuidString.lowercased() } }

    /// Disconnects.
    func stop() {
        task.withLock { $0?.cancel() }
    }
}

extension TestBroker {
    /// curl's arguments to present this agency's certificate for `path`.
    func curlArguments(_ path: String, as agency: String) -> [String] {
        let url = "https://127.0.0.1:\(port)\(path)"
        return ["--cacert", pkiFile("ca.crt"), "--cert", pkiFile("\(agency).crt"), "--key", pkiFile("\(agency).key"), url]
    }

    /// The number of event record entries of `kind`.
    func eventCount(_ kind: String) async throws -> Int {
        try await eventKinds().filter { $0 == kind }.count
    }

    /// Publishes an envelope and requires a 201.
    @discardableResult
    func publish(_ envelope: EnvelopeBuilder, as agency: String = "northshire-hospitals") async throws -> ShareClient.RawResponse {
        let answer = try await publishRaw(envelope, as: agency)
        let body = String(decoding: answer.body.prefix(300), as: UTF8.self)
        try #require(answer.status == 201, "publish answered \(answer.status): \(body)")
        return answer
    }

    /// True once at least `count` delivery streams have ended since the broker started.
    func streamsEnded(_ count: Int) -> Bool {
        logs.text.components(separatedBy: "Delivery stream ended").count - 1 >= count
    }

    /// True once the broker has opened at least `count` delivery streams since it started.
    func streamsOpened(_ count: Int) -> Bool {
        logs.text.components(separatedBy: "Delivery stream opened").count - 1 >= count
    }
}

extension TestBroker {
    /// Runs `curl -N` on `path` as `agency` until its output satisfies `done` or `seconds`
    /// pass, then stops it; returns the output (headers too, with `-i` in `extra`).
    func curlStream(_ path: String, as agency: String, _ extra: [String] = [], within seconds: Double = 30,
                    until done: (String) -> Bool) async throws -> String {
        let curl = try ChildProcess("curl", ["-sS", "-N"] + extra + curlArguments(path, as: agency), standardOutput: .capture)
        defer { curl.stopFromTest() }
        let output = try #require(curl.standardOutput)
        _ = try await eventually(within: seconds) { done(output.text) }
        return output.text
    }
}
