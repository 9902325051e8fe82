import Foundation
import ShareCatalogue
import ShareModel
import ShareStore

/// What makes a subscription request well formed, and allowed.
enum SubscriptionRules {
    /// The most filters one subscription may have.
    static let maxFilters = 20

    static func types(_ request: SubscriptionRequest, catalogue: MessageCatalogue) throws -> [String] {
        guard let types = request.types, !types.isEmpty else {
            throw invalid("/types", "List the message types to receive, such as [\"mash-enquiry/1\"].")
        }
        for (index, name) in types.enumerated() {
            guard let type = MessageType(name), catalogue.entry(for: type) != nil else {
                throw invalid("/types/\(index)", "'\(name)' is not a message type in the catalogue; GET /v1/schemas lists them.")
            }
        }
        return unique(types)
    }

    static func areas(_ request: SubscriptionRequest) throws -> [String] {
        guard let areas = request.areas, !areas.isEmpty else {
            throw invalid("/areas", "List the areas to receive messages about, as ONS codes such as [\"E99999999\"].")
        }
        for (index, area) in areas.enumerated() where !EnvelopeReader.isAreaCode(area) {
            throw invalid("/areas/\(index)", "'\(area)' is not an ONS area code: a letter E, W, S or N and 8 digits.")
        }
        return unique(areas)
    }

    static func filters(_ request: SubscriptionRequest) throws -> [SubscriptionFilter] {
        let filters = request.filters ?? []
        guard filters.count <= maxFilters else {
            throw invalid("/filters", "A subscription may have at most \(maxFilters) filters.")
        }
        for (index, filter) in filters.enumerated() {
            guard filter.pointer.hasPrefix("/") else {
                throw invalid("/filters/\(index)/pointer", "'pointer' must be a JSON Pointer into the envelope, such as \"/payload/urgency\".")
            }
            guard !filter.values.isEmpty else {
                throw invalid("/filters/\(index)/values", "'values' must list at least one value the field may have.")
            }
        }
        return filters
    }

    /// Whether the policy lets the agency receive every type by subscription, in every area.
    static func allowed(_ subscription: Subscription, for agency: Agency, policy: SharingPolicy) throws {
        for (index, name) in subscription.types.enumerated() {
            guard let type = MessageType(name), let rule = policy.rule(for: type) else {
                throw PolicyRefusal(rule: "types", "The sharing policy does not allow '\(name)' at all.", pointer: JSONPointer("/types").appending(index))
            }
            guard !rule.isRecord else {
                throw PolicyRefusal(rule: "routing", "'\(name)' is a record delivered to nobody; it cannot be subscribed to.",
                                    pointer: JSONPointer("/types").appending(index))
            }
            guard rule.routing.contains(.subscription) else {
                throw PolicyRefusal(rule: "routing", "'\(name)' is only sent to agencies named in 'to'; it cannot be subscribed to.",
                                    pointer: JSONPointer("/types").appending(index))
            }
            guard rule.recipients.contains(agency.kind) else {
                throw PolicyRefusal(rule: "recipients", "Agencies of kind \(agency.kind.rawValue) may not receive '\(name)'; the policy allows \(Routing.list(rule.recipients)).",
                                    pointer: JSONPointer("/types").appending(index))
            }
        }
        for (index, area) in subscription.areas.enumerated() where !agency.areas.contains(area) {
            throw PolicyRefusal(rule: "areas", "Agency '\(agency.id)' serves \(agency.areas.joined(separator: ", ")), not \(area); it may subscribe only to its own areas.",
                                pointer: JSONPointer("/areas").appending(index))
        }
    }

    /// The values in their first order, each once.
    private static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }

    private static func invalid(_ pointer: String, _ message: String) -> BrokerError {
        BrokerError(.invalidSubscription, message, problems: [ValidationProblem(pointer: JSONPointer(stringLiteral: pointer), message: message)])
    }
}
