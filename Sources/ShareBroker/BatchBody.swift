public import Foundation
import ShareJWS
import ShareModel

/// The body of `POST /v1/messages/batch`: `{"messages": ["<compact JWS>", …]}`.
public enum BatchBody {
    /// The compact JWS of each message, in order, each without whitespace after it (as a single
    /// publish takes it); a body of another shape is a 400 naming where it is wrong.
    public static func messages(in body: Data, limit: Int) throws -> [Data] {
        if let messages = plainMessages(in: body, limit: limit) { return messages }
        let document: JSONValue
        do {
            document = try JSONValue(parsing: body)
        } catch {
            throw BrokerError(.badRequest, "The batch must be a JSON object {\"messages\": [\"<compact JWS>\", …]}. \(error)")
        }
        guard case .object(let members) = document else {
            throw refusal(.root, "Must be an object with the member 'messages'.")
        }
        if let unknown = members.keys.sorted().first(where: { $0 != "messages" }) {
            throw refusal(JSONPointer.root.appending(unknown.string), "Unknown member; the batch has only 'messages'.")
        }
        guard case .array(let items) = members["messages"] else {
            throw refusal("/messages", "Must be an array of compact JWS strings.")
        }
        guard (1...limit).contains(items.count) else {
            throw refusal("/messages", "Holds \(items.count) messages; send from 1 to \(limit) in one batch.")
        }
        return try items.enumerated().map { index, item in
            guard case .string(let jws) = item else {
                throw refusal(JSONPointer(["messages"]).appending(index), "Must be a compact JWS string, not a \(item.typeName).")
            }
            return CompactJWS.trimmingTrailingWhitespace(Data(jws.utf8))
        }
    }

    /// The messages of a batch in its usual form, read straight from its bytes: one object with
    /// only `messages`, an array of 1 to `limit` strings of the characters a compact JWS is made
    /// of (so no escapes), with any whitespace between. Nil for anything else, which the JSON
    /// parser then reads or refuses with a pointer.
    private static func plainMessages(in body: Data, limit: Int) -> [Data]? {
        body.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> [Data]? in
            compactJWSBytes.withUnsafeBufferPointer { isCompactJWSByte in
                plainMessages(in: bytes, limit: limit, isCompactJWSByte: isCompactJWSByte)
            }
        }
    }

    private static func plainMessages(in bytes: UnsafeRawBufferPointer, limit: Int,
                                      isCompactJWSByte: UnsafeBufferPointer<Bool>) -> [Data]? {
        var index = 0
        func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D {
                index += 1
            }
        }
        func take(_ text: StaticString) -> Bool {
            skipSpace()
            let expected = UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
            guard bytes.count - index >= expected.count,
                  UnsafeRawBufferPointer(rebasing: bytes[index..<index + expected.count]).elementsEqual(expected) else { return false }
            index += expected.count
            return true
        }
        guard take("{"), take("\"messages\""), take(":"), take("[") else { return nil }
        var messages: [Data] = []
        repeat {
            guard messages.count < limit, take("\"") else { return nil }
            let start = index
            while index < bytes.count, isCompactJWSByte[Int(bytes[index])] { index += 1 }
            guard index > start, index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            messages.append(Data(bytes[start..<index]))
            index += 1
        } while take(",")
        guard take("]"), take("}") else { return nil }
        skipSpace()
        return index == bytes.count ? messages : nil
    }

    /// For each byte value, whether it is in the base64url alphabet or a dot.
    private static let compactJWSBytes: [Bool] = (0...255).map { (byte: Int) -> Bool in
        switch UInt8(byte) {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."): true
        default: false
        }
    }

    private static func refusal(_ pointer: JSONPointer, _ message: String) -> BrokerError {
        BrokerError(.badRequest, "The batch must be {\"messages\": [\"<compact JWS>\", …]}; the error's pointer says where this one is not.",
                    problems: [ValidationProblem(pointer: pointer, message: message)])
    }
}
