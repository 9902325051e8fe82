public import ShareModel

extension SDJWT {
    /// The payload with its disclosures put back, and where each disclosure went.
    public struct Reconstruction: Sendable {
        /// The payload as if nothing had been disclosable: `_sd`, `_sd_alg` and undisclosed array digests removed.
        public let document: JSONValue
        /// For each disclosure (same order as `disclosures`): where its member or element is in
        /// `document`, and the disclosure whose value holds it (nil when the signed payload does).
        public let places: [(pointer: JSONPointer, parent: Int?)]
    }

    /// Puts the disclosures back into the signed payload (RFC 9901 section 7.1, steps 3 to 5):
    /// each disclosure's digest must appear exactly once, in an `_sd` array for a member or as
    /// `{"...": digest}` for an array element; no digest may appear twice; a disclosed member
    /// may not clash with one already there; every disclosure must be used. Does not check
    /// the signature. Throws `SDJWTError`.
    public func reconstruct() throws -> Reconstruction {
        guard case .object(var top) = try JSONValue(parsingPayloadOf: jws) else {
            throw SDJWTError("The signed payload must be one JSON object.")
        }
        if let algorithm = top["_sd_alg"] {
            guard algorithm.stringValue == "sha-256" else {
                throw SDJWTError("'_sd_alg' must be \"sha-256\", the only digest the broker takes.", at: JSONPointer.root.appending("_sd_alg"))
            }
            top["_sd_alg"] = nil
        }
        var firstOf: [String: Int] = [:]
        for (index, disclosure) in disclosures.enumerated() {
            if let first = firstOf.updateValue(index, forKey: disclosure.digest) {
                throw SDJWTError("Disclosure \(index + 1) repeats disclosure \(first + 1); send each disclosure once.")
            }
        }
        var walk = Walk(disclosures: disclosures)
        let document = try walk.process(.object(top), at: .root, parent: nil)
        if let unused = walk.places.firstIndex(where: { $0 == nil }) {
            throw SDJWTError("Disclosure \(unused + 1) (counting from 1 after the JWS) is not referenced by any digest in the signed payload or in another disclosure; send only disclosures the signed payload refers to.")
        }
        return Reconstruction(document: document, places: walk.places.map { $0! })
    }

    /// The state of one reconstruction.
    private struct Walk {
        let disclosures: [Disclosure]
        let byDigest: [String: Int]
        var seen: Set<String> = []
        var places: [(pointer: JSONPointer, parent: Int?)?]
        /// How deep each disclosure placed so far is nested in others (1: in the signed payload).
        var depths: [Int]

        init(disclosures: [Disclosure]) {
            self.disclosures = disclosures
            byDigest = Dictionary(disclosures.enumerated().map { ($1.digest, $0) }, uniquingKeysWith: { first, _ in first })
            places = Array(repeating: nil, count: disclosures.count)
            depths = Array(repeating: 0, count: disclosures.count)
        }

        /// The disclosure a digest names (nil for a decoy), once per digest.
        private mutating func disclosure(for digest: String, at pointer: JSONPointer) throws -> Int? {
            guard seen.insert(digest).inserted else {
                throw SDJWTError("The digest '\(digest.prefix(16))…' appears more than once; each digest may be used only once.", at: pointer)
            }
            guard let index = byDigest[digest] else { return nil }
            return index
        }

        /// Disclosures nested deeper than this are refused: the walk (and every later decision
        /// about the message) recurses once per level, and no message needs more.
        static let maxNesting = 16

        /// Records where disclosure `index` goes, refusing one nested too deep.
        private mutating func place(_ index: Int, at pointer: JSONPointer, parent: Int?) throws {
            let depth = (parent.map { depths[$0] } ?? 0) + 1
            guard depth <= Self.maxNesting else {
                throw SDJWTError("Disclosures are nested more than \(Self.maxNesting) deep; nest fewer inside one another.", at: pointer)
            }
            places[index] = (pointer, parent)
            depths[index] = depth
        }

        mutating func process(_ value: JSONValue, at pointer: JSONPointer, parent: Int?) throws -> JSONValue {
            guard Self.holdsDigests(value) else { return value }
            return switch value {
            case .object(let members): try object(members, at: pointer, parent: parent)
            case .array(let elements): try array(elements, at: pointer, parent: parent)
            default: value
            }
        }

        /// Whether `value` holds an `_sd` array or an array digest anywhere: the parts that do
        /// not are kept as they are, without walking them again (most of an envelope).
        private static func holdsDigests(_ value: JSONValue) -> Bool {
            switch value {
            case .object(let members): members["_sd"] != nil || (members.count == 1 && members["..."] != nil) || members.values.contains(where: holdsDigests)
            case .array(let elements): elements.contains(where: holdsDigests)
            default: false
            }
        }

        private mutating func object(_ members: [JSONKey: JSONValue], at pointer: JSONPointer, parent: Int?) throws -> JSONValue {
            var result: [JSONKey: JSONValue] = [:]
            for (key, value) in members where key != "_sd" {
                result[key] = try process(value, at: pointer.appending(key.string), parent: parent)
            }
            guard let digests = members["_sd"] else { return .object(result) }
            guard let list = digests.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                throw SDJWTError("'_sd' must be an array of digests (strings).", at: pointer.appending("_sd"))
            }
            for digest in list.compactMap(\.stringValue) {
                guard let index = try disclosure(for: digest, at: pointer.appending("_sd")) else { continue }
                guard let name = disclosures[index].name else {
                    throw SDJWTError("Disclosure \(index + 1) is an array element but its digest is in an object's '_sd'.", at: pointer)
                }
                let place = pointer.appending(name)
                guard result[JSONKey(name)] == nil else {
                    throw SDJWTError("Disclosure \(index + 1) discloses '\(name)', which the object already has.", at: place)
                }
                try self.place(index, at: place, parent: parent)
                result[JSONKey(name)] = try process(disclosures[index].value, at: place, parent: index)
            }
            return .object(result)
        }

        private mutating func array(_ elements: [JSONValue], at pointer: JSONPointer, parent: Int?) throws -> JSONValue {
            var result: [JSONValue] = []
            for element in elements {
                guard case .object(let members) = element, members.count == 1, let digest = members["..."]?.stringValue else {
                    result.append(try process(element, at: pointer.appending(result.count), parent: parent))
                    continue
                }
                guard let index = try disclosure(for: digest, at: pointer.appending(result.count)) else { continue }
                guard disclosures[index].name == nil else {
                    throw SDJWTError("Disclosure \(index + 1) is an object member but its digest stands for an array element.", at: pointer)
                }
                let place = pointer.appending(result.count)
                try self.place(index, at: place, parent: parent)
                result.append(try process(disclosures[index].value, at: place, parent: index))
            }
            return .array(result)
        }
    }
}

extension JSONValue {
    /// The signed payload of `jws` as JSON. Throws `SDJWTError`.
    init(parsingPayloadOf jws: CompactJWS) throws {
        do {
            self = try JSONValue(parsing: jws.payload)
        } catch {
            throw SDJWTError("The signed payload is not JSON: \(error)")
        }
    }
}
