/// The selectively disclosable members one recipient received and those withheld from it, as
/// its `routed` entry records them (JSON Pointers into the envelope), in words for the subject
/// report and the auditor's workspace: "received incidentAt and keyAdultGuidance, not incidentNarrative".
public struct DisclosedMembers: Sendable, Equatable, Encodable {
    public let received: [String]
    public let withheld: [String]

    /// The members recorded in a `routed` entry; nil for a message sent as a plain JWS (all of it went).
    public init?(received: [String]?, withheld: [String]?) {
        guard received != nil || withheld != nil else { return nil }
        self.received = received ?? []
        self.withheld = withheld ?? []
    }

    /// "received a and b, not c"; "received all n disclosable members"; "received none of a, b".
    public var words: String {
        let received = self.received.map(Self.name), withheld = self.withheld.map(Self.name)
        if withheld.isEmpty { return "received all \(received.count) selectively disclosable member\(received.count == 1 ? "" : "s")" }
        if received.isEmpty { return "received none of the selectively disclosable members (not \(Self.list(withheld)))" }
        return "received \(Self.list(received)), not \(Self.list(withheld))"
    }

    /// A member's name: its pointer below `/payload`.
    private static func name(_ pointer: String) -> String {
        pointer.hasPrefix("/payload/") ? String(pointer.dropFirst("/payload/".count)) : pointer
    }

    private static func list(_ names: [String]) -> String {
        names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + names.last!
    }
}
