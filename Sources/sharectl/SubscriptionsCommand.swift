import ArgumentParser
import Foundation
import ShareClient

struct SubscriptionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscriptions",
        abstract: "List, add and remove your agency's subscriptions.",
        subcommands: [SubscriptionsList.self, SubscriptionsAdd.self, SubscriptionsRemove.self],
        defaultSubcommand: SubscriptionsList.self)
}

struct SubscriptionsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Print your subscriptions as JSON.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try printJSON(try await reportingFailures { try await connection.withClient { try await $0.subscriptions() } })
    }
}

struct SubscriptionsAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Subscribe to message types in areas.",
        discussion: "Example: sharectl subscriptions add --as northshire-mash --type unborn-baby-referral/1 --area E99999999 --filter /disclosure/purpose=safeguarding-referral")

    @OptionGroup var connection: ConnectionOptions
    @Option(name: .customLong("type"), help: "A message type, such as unborn-baby-referral/1 (repeatable).") var types: [String]
    @Option(name: .customLong("area"), help: "An ONS area code, such as E99999999 (repeatable).") var areas: [String]
    @Option(name: .customLong("filter"), help: "POINTER=VALUE[,VALUE...]: the envelope field must be one of the values (repeatable).")
    var filters: [String] = []

    func run() async throws {
        let parsed = try filters.map { text in
            let parts = text.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].hasPrefix("/") else {
                throw ValidationError("'\(text)' is not a filter: write POINTER=VALUE[,VALUE...], such as /payload/urgency=red,amber.")
            }
            return SubscriptionAnswer.Filter(pointer: String(parts[0]), values: parts[1].split(separator: ",").map(String.init))
        }
        try printJSON(try await reportingFailures {
            try await connection.withClient { try await $0.subscribe(types: types, areas: areas, filters: parsed) }
        })
    }
}

struct SubscriptionsRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove one of your subscriptions by its id.")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The subscription id.") var id: String

    func run() async throws {
        try await reportingFailures { try await connection.withClient { try await $0.unsubscribe(id) } }
        print("removed \(id)")
    }
}
