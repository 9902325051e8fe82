import ShareModel

/// Wording for error messages. Describes schema values freely, instance values only by type and size.
enum Describe {
    static let typeOrder: [(JSONTypeSet, String)] = [
        (.object, "an object"), (.array, "an array"), (.string, "a string"), (.integer, "an integer"),
        (.number, "a number"), (.boolean, "a boolean"), (.null, "null"),
    ]

    /// "a string", "a string or null", "an object, an array or null".
    static func types(_ types: JSONTypeSet) -> String {
        let names = typeOrder.filter { types.contains($0.0) }.map(\.1)
        guard names.count > 1 else { return names.first ?? "nothing" }
        return names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
    }

    /// What the instance is, for a type error: "a number with a fractional part" when an integer was wanted.
    static func received(_ instance: JSONValue, against types: JSONTypeSet) -> String {
        if case .number = instance, types.contains(.integer) { return "a number with a fractional part" }
        return article(instance)
    }

    /// "a string", "an object", "null".
    static func article(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .array, .object: "an \(value.typeName)"
        default: "a \(value.typeName)"
        }
    }

    /// Allowed values for `enum`: strings bare, others as JSON; long lists shortened.
    static func list(_ values: [JSONValue]) -> String {
        let shown = values.prefix(12).map { value in value.stringValue ?? Self.value(value) }
        let rest = values.count > 12 ? ", and \(values.count - 12) more" : ""
        return shown.joined(separator: ", ") + rest
    }

    /// A schema value as compact JSON (object members sorted).
    static func value(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .number(let number): self.number(number)
        case .string(let string): quoted(string)
        case .array(let items): "[" + items.map(self.value).joined(separator: ",") + "]"
        case .object(let members):
            "{" + members.sorted { $0.key < $1.key }.map { quoted($0.key.string) + ":" + self.value($0.value) }.joined(separator: ",") + "}"
        }
    }

    private static func quoted(_ string: String) -> String {
        var result = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    result += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// Whole numbers without ".0".
    static func number(_ number: Double) -> String {
        if number.isWholeNumber, abs(number) < 1e15 { return String(Int64(number)) }
        return String(number)
    }

    static func count(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }
}
