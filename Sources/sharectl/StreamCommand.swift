import ArgumentParser
import ShareClient

struct StreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Receive deliveries as they arrive (Server-Sent Events), verify each sender's signature, and print each as one JSON line.",
        discussion: "Runs until --count deliveries are printed, the broker ends the stream, or Ctrl-C.")

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Only deliveries after this event id (the 'eventId' of the last line printed).") var lastEventId: Int?
    @Option(help: "Stop after this many deliveries.") var count: Int?
    @Flag(help: "Acknowledge each delivery once it is printed and verified.") var ack = false

    func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be at least 1.") }
        if let lastEventId, lastEventId < 0 { throw ValidationError("--last-event-id must not be negative.") }
    }

    func run() async throws {
        try await reportingFailures {
            try await connection.withClient { client in
                let verifier = try DeliveryVerifier(directory: try await client.directory())
                var printed = 0
                for try await streamed in try await client.stream(after: lastEventId) {
                    try writeJSONLine(try PrintedDelivery(delivery: streamed.delivery, eventId: streamed.eventID, verifier: verifier))
                    if ack { _ = try await client.acknowledge(delivery: streamed.delivery.id) }
                    printed += 1
                    if let count, printed >= count { return }
                }
            }
        }
    }
}
