import ShareModel

/// `properties` of one schema object: each name's schema, found by name through a `NameTable`.
final class PropertyTable: Sendable {
    struct Entry: Sendable {
        let name: JSONKey
        let schema: SchemaNode
        /// Whether `required` of the same schema object lists this name.
        let isRequired: Bool
    }

    let entries: [Entry]
    /// `entries`' schemas (unowned: the catalogue's graph keeps them) and `isRequired` flags, unpacked for `isValid`.
    let unownedSchemas: [Unmanaged<SchemaNode>]
    let isRequired: [Bool]
    private let names: NameTable

    /// `entries` must have distinct names.
    init(_ entries: [Entry]) {
        self.entries = entries
        unownedSchemas = entries.map { .passUnretained($0.schema) }
        isRequired = entries.map(\.isRequired)
        names = NameTable(entries.map(\.name.string))
    }

    /// The index in `entries` of the entry for `name`.
    func index(of name: JSONKey) -> Int? {
        names.index(of: name.string)
    }
}
