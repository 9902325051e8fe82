import ArgumentParser
import Foundation
import ShareClient
import ShareModel

@main
struct SharectlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sharectl",
        abstract: "Publish, receive and inspect safeguarding information shares on a sharebroker.",
        discussion: "Exit status: 0 done, 1 the broker refused or failed, 64 a usage or file error ('schema validate': 2).",
        subcommands: [Sign.self, Publish.self, Inbox.self, StreamCommand.self, Ack.self, Status.self, AttachmentCommand.self, DirectoryCommand.self,
                      AuditCommand.self, SubscriptionsCommand.self, SchemaCommand.self, ScenarioCommand.self, Bench.self, StreamBench.self, FlowBench.self])

    /// Runs the command; a usage error in `schema validate` exits with 2, as that command documents.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let arguments = CommandLine.arguments.dropFirst()
            if exitCode(for: error) == .validationFailure, Array(arguments.prefix(2)) == ["schema", "validate"] {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(SchemaValidate.usageFailure.rawValue)
            }
            exit(withError: error)
        }
    }
}

/// Prints a value as indented JSON on standard output.
func printJSON(_ value: some Encodable) throws {
    print(try jsonText(value, options: .prettyPrinted))
}

/// Writes a value as one line of JSON to standard output at once (unbuffered, for a reader
/// of a pipe that waits for each line).
func writeJSONLine(_ value: some Encodable) throws {
    FileHandle.standardOutput.write(Data((try jsonText(value) + "\n").utf8))
}

private func jsonText(_ value: some Encodable, options: JSONEncoder.OutputFormatting = []) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = options.union([.sortedKeys, .withoutEscapingSlashes])
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// Runs a broker call, turning a refusal into its problem on standard error and exit status 1.
func reportingFailures<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ShareClientError {
        FileHandle.standardError.write(Data("sharectl: \(error)\n".utf8))
        throw ExitCode(error.status == nil && error.problem == nil && !error.reason.hasPrefix("No answer") ? 64 : 1)
    }
}

/// Reads an envelope file, filling `id`, `sentAt` and `expiresAt` (30 days) when absent; a
/// record (such as a decision not to share) never expires, so it gets no `expiresAt`.
func envelopeBytes(_ path: String) throws -> Data {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw ValidationError("Cannot read the envelope file \(path).")
    }
    guard var envelope = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
        throw ValidationError("\(path) is not a JSON object.")
    }
    let now = Date()
    let format = Date.ISO8601FormatStyle(timeZone: .gmt)
    if envelope["id"] == nil { envelope["id"] = UUID().uuidString.lowercased() }
    if envelope["sentAt"] == nil { envelope["sentAt"] = now.formatted(format) }
    let isRecord = (envelope["type"] as? String).flatMap(MessageType.init).map { MessageType.records.contains($0) } ?? false
    if envelope["expiresAt"] == nil && !isRecord {
        envelope["expiresAt"] = now.addingTimeInterval(30 * 86400).formatted(format)
    }
    return try JSONSerialization.data(withJSONObject: envelope, options: [.sortedKeys, .withoutEscapingSlashes])
}

struct Sign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign an envelope file and print the compact JWS, or the SD-JWT with --disclosable (to post with curl).")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var disclosure: DisclosableOption
    @Argument(help: "The envelope JSON file. Missing id, sentAt and expiresAt (except for a record such as a decision not to share) are filled in.")
    var envelope: String

    func run() async throws {
        print(try disclosure.sign(try envelopeBytes(envelope), with: try connection.signer()))
    }
}

/// `--disclosable POINTER` (repeatable): the payload members to make selectively disclosable.
struct DisclosableOption: ParsableArguments {
    @Option(name: .customLong("disclosable"),
            help: "A payload member to make selectively disclosable, as a JSON Pointer such as /payload/incidentNarrative (repeat for more): the message is then an SD-JWT, and the broker gives each recipient only the members its policy allows.")
    var pointers: [String] = []

    /// The compact JWS of `envelope`, or its SD-JWT when members are named.
    func sign(_ envelope: Data, with signer: MessageSigner) throws -> String {
        pointers.isEmpty ? try signer.sign(envelope: envelope) : try signer.sign(envelope: envelope, disclosable: pointers)
    }
}

struct Publish: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign an envelope file with your signing key and publish it.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var disclosure: DisclosableOption
    @Argument(help: "The envelope JSON file. Missing id, sentAt and expiresAt (except for a record such as a decision not to share) are filled in.")
    var envelope: String

    func run() async throws {
        let jws = try disclosure.sign(try envelopeBytes(envelope), with: try connection.signer())
        let answer = try await reportingFailures { try await connection.withClient { try await $0.publish(jws: jws) } }
        try printJSON(answer)
    }
}

struct Inbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fetch your deliveries, verify each sender's signature, and print them with their envelopes.")

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The most deliveries to fetch.") var limit: Int = 10
    @Option(help: "Seconds to wait for a delivery if none is waiting.") var wait: Int = 0
    @Flag(help: "Acknowledge each delivery once it is printed and verified.") var ack = false

    func run() async throws {
        let printed = try await reportingFailures {
            try await connection.withClient { client in
                let verifier = try DeliveryVerifier(directory: try await client.directory())
                let deliveries = try await client.inbox(limit: limit, wait: wait)
                let printed = try deliveries.map { try PrintedDelivery(delivery: $0, verifier: verifier) }
                if ack && !deliveries.isEmpty { _ = try await client.acknowledge(deliveries: deliveries.map(\.id)) }
                return printed
            }
        }
        try printJSON(printed)
    }
}

struct Ack: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Acknowledge a delivery by its id.")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The delivery id (from the inbox).") var delivery: String

    func run() async throws {
        guard let id = UUID(uuidString: delivery) else { throw ValidationError("'\(delivery)' is not a delivery id (a UUID).") }
        try printJSON(try await reportingFailures { try await connection.withClient { try await $0.acknowledge(delivery: id) } })
    }
}

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show each recipient's state for a message you sent.")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The message id.") var message: String

    func run() async throws {
        guard let id = UUID(uuidString: message) else { throw ValidationError("'\(message)' is not a message id (a UUID).") }
        try printJSON(try await reportingFailures { try await connection.withClient { try await $0.status(message: id) } })
    }
}

struct DirectoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "directory", abstract: "List the partnership's agencies and their signing keys.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try printJSON(try await reportingFailures { try await connection.withClient { try await $0.directory() } })
    }
}

/// A delivery as sharectl prints it: the delivery, and its envelope once the sender's
/// signature is verified.
struct PrintedDelivery: Encodable {
    /// The stream event id, to resume after (`sharectl stream --last-event-id`).
    let eventId: Int?
    let delivery: Delivery
    let envelope: JSONText

    init(delivery: Delivery, eventId: Int? = nil, verifier: DeliveryVerifier) throws {
        self.eventId = eventId
        self.delivery = delivery
        self.envelope = JSONText(try verifier.verify(delivery))
    }
}

/// JSON bytes printed as a nested value rather than as a string.
struct JSONText: Encodable {
    let value: Data
    init(_ value: Data) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(try JSONValue(parsing: value))
    }
}
