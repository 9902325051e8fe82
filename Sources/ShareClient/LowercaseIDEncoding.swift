import Foundation
import ShareModel

// The answers' `Encodable` conformances are synthesised in this module, so they call these
// overloads rather than the generic ones: ids are written in lower case, as the broker's API
// writes them (`lowercasedString`), instead of Foundation's upper-case `uuidString`.
extension KeyedEncodingContainer {
    mutating func encode(_ value: UUID, forKey key: Key) throws {
        try encode(value.lowercasedString, forKey: key)
    }

    mutating func encodeIfPresent(_ value: UUID?, forKey key: Key) throws {
        try encodeIfPresent(value?.lowercasedString, forKey: key)
    }
}
