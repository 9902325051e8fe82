public import ShareModel

/// A type's `selectiveDisclosure` in the policy: for each recipient kind, the selectively
/// disclosable payload members it may receive, as JSON Pointers into the envelope
/// (`/payload/keyAdultGuidance`; `/payload` for all). A disclosure goes to a recipient when its
/// member is at or below a pointer listed for the recipient's kind (and any disclosure holding
/// it goes too). A kind not listed receives no disclosure: only what the sender signed in clear.
public struct DisclosureRule: Sendable, Equatable {
    public let visible: [AgencyKind: [JSONPointer]]

    public init(visible: [AgencyKind: [JSONPointer]]) {
        self.visible = visible
    }

    /// Whether a recipient of `kind` may receive the member at `pointer`.
    public func allows(_ pointer: JSONPointer, to kind: AgencyKind?) -> Bool {
        guard let kind, let allowed = visible[kind] else { return false }
        return allowed.contains { prefix in
            prefix.tokens.count <= pointer.tokens.count
                && zip(prefix.tokens, pointer.tokens).allSatisfy { $0.codePointsEqual($1) }
        }
    }

    /// Reads `{"<kind>": ["/payload/<member>", ...], ...}`; each kind must be one of the type's `recipients`.
    init(parsing value: JSONValue, recipients: Set<AgencyKind>, at pointer: JSONPointer) throws(PolicyError) {
        let shape = "{\"education\": [\"/payload/keyAdultGuidance\"], \"social-care\": [\"/payload\"]}"
        guard let object = value.objectValue else {
            throw PolicyError(pointer: pointer, "'selectiveDisclosure' must map recipient kinds to the payload members they may receive, such as \(shape).")
        }
        var visible: [AgencyKind: [JSONPointer]] = [:]
        for (key, list) in object.sorted(by: { $0.key < $1.key }) {
            let at = pointer.appending(key.string)
            guard let kind = AgencyKind(rawValue: key.string), recipients.contains(kind) else {
                throw PolicyError(pointer: at, "'\(key)' is not one of this type's recipient kinds (\(recipients.map(\.rawValue).sorted().joined(separator: ", "))).")
            }
            guard let items = list.arrayValue else {
                throw PolicyError(pointer: at, "Each kind's entry must be a list of JSON Pointers into the payload, such as [\"/payload/keyAdultGuidance\"].")
            }
            visible[kind] = try items.enumerated().map { (index, item) throws(PolicyError) -> JSONPointer in
                guard let text = item.stringValue, text == "/payload" || text.hasPrefix("/payload/") else {
                    throw PolicyError(pointer: at.appending(index), "Each entry must be a JSON Pointer to the payload or a member within it, starting \"/payload\".")
                }
                return JSONPointer(stringLiteral: text)
            }
        }
        self.visible = visible
    }
}

