import ShareModel

/// JSON Schema equality for `uniqueItems`: numbers by value (1 == 1.0), booleans distinct from
/// numbers, strings by code point, objects regardless of member order. `JSONValue`'s `==`
/// already has these semantics.
enum JSONEquality {
    /// Indices of the first pair of equal items, if any.
    static func firstDuplicate(in array: [JSONValue]) -> (Int, Int)? {
        if array.count <= 16 {
            for later in array.indices {
                for earlier in 0..<later where array[earlier] == array[later] { return (earlier, later) }
            }
            return nil
        }
        var seen: [HashableJSON: Int] = [:]
        for (index, item) in array.enumerated() {
            if let earlier = seen.updateValue(index, forKey: HashableJSON(item)) { return (earlier, index) }
        }
        return nil
    }
}

/// A `JSONValue` hashed consistently with its `==` (objects hash independently of member order).
struct HashableJSON: Hashable {
    let value: JSONValue

    init(_ value: JSONValue) { self.value = value }

    static func == (lhs: HashableJSON, rhs: HashableJSON) -> Bool { lhs.value == rhs.value }

    func hash(into hasher: inout Hasher) { Self.hash(value, into: &hasher) }

    private static func hash(_ value: JSONValue, into hasher: inout Hasher) {
        switch value {
        case .null: hasher.combine(0)
        case .bool(let flag): hasher.combine(1); hasher.combine(flag)
        case .number(let number): hasher.combine(2); hasher.combine(number)
        case .string(let string): hasher.combine(3); hasher.combine(JSONKey(string))
        case .array(let items):
            hasher.combine(4)
            hasher.combine(items.count)
            for item in items { hash(item, into: &hasher) }
        case .object(let members):
            hasher.combine(5)
            var combined = 0
            for (name, member) in members {
                var memberHasher = Hasher()
                memberHasher.combine(name)
                hash(member, into: &memberHasher)
                combined = combined &+ memberHasher.finalize()
            }
            hasher.combine(combined)
        }
    }
}
