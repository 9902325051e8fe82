/// A strict RFC 8259 parser from UTF-8 bytes to `JSONValue`, in one pass with no intermediate
/// representation. Beyond RFC 8259 it refuses, as I-JSON (RFC 7493) asks: a member name that
/// appears twice in one object, code point for code point (two readers could see two different
/// messages; canonically equivalent names such as "ä" and "a\u{308}" are two names), invalid UTF-8,
/// unpaired surrogates, and numbers too large for a double; and it refuses nesting deeper
/// than `maxDepth`, so hostile input cannot exhaust the stack.
struct JSONParser {
    static let maxDepth = 512

    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    private var depth = 0

    private init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Parses one JSON text that fills `bytes` (surrounding whitespace allowed).
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONValueError) -> JSONValue {
        var parser = JSONParser(bytes)
        parser.skipWhitespace()
        let value = try parser.value()
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.failure("there is more after the end of the JSON value") }
        return value
    }

    private func failure(_ what: String) -> JSONValueError {
        JSONValueError(reason: "The content is not valid JSON: \(what) (at byte \(index)).")
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func value() throws(JSONValueError) -> JSONValue {
        guard let byte = current else { throw failure("a value was expected but the content ended") }
        switch byte {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw failure("a value was expected")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONValueError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw failure("an unknown literal") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw failure("an unknown literal")
        }
        index += count
    }

    private mutating func enter() throws(JSONValueError) {
        depth += 1
        guard depth <= Self.maxDepth else { throw failure("nesting is deeper than \(Self.maxDepth) levels") }
    }

    private mutating func object() throws(JSONValueError) -> JSONValue {
        try enter()
        index += 1
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object([:])
        }
        // Room for a usual object from the start: each growth would hash every key again.
        var members = [JSONKey: JSONValue](minimumCapacity: 8)
        while true {
            guard current == UInt8(ascii: "\"") else { throw failure("a member name in double quotes was expected") }
            let nameStart = index
            let name = try string()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw failure("':' was expected after a member name") }
            index += 1
            skipWhitespace()
            let member = try value()
            guard members.updateValue(member, forKey: JSONKey(name)) == nil else {
                index = nameStart
                throw failure("a member name appears twice in one object")
            }
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                return .object(members)
            default:
                throw failure("',' or '}' was expected in an object")
            }
        }
    }

    private mutating func array() throws(JSONValueError) -> JSONValue {
        try enter()
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            elements.append(try value())
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case UInt8(ascii: "]"):
                index += 1
                depth -= 1
                return .array(elements)
            default:
                throw failure("',' or ']' was expected in an array")
            }
        }
    }

    /// A string starting at the opening quote; the index ends after the closing quote.
    private mutating func string() throws(JSONValueError) -> String {
        index += 1
        let start = index
        // The common case: no escapes, so the bytes between the quotes are the string.
        while index < bytes.count {
            if index + 8 <= bytes.count, !JSONBytes.mayHoldQuoteBackslashOrControl(bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                index += 8
                continue
            }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = try utf8(start..<index)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw failure("a control character must be escaped in a string") }
            index += 1
        }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: try utf8(start..<index).unicodeScalars)
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                scalars.append(try escape())
            case ..<0x20:
                throw failure("a control character must be escaped in a string")
            default:
                let runStart = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\"), bytes[index] >= 0x20 {
                    index += 1
                }
                scalars.append(contentsOf: try utf8(runStart..<index).unicodeScalars)
            }
        }
        throw failure("a string is not closed")
    }

    /// The text of bytes between quotes; throws if they are not UTF-8. ASCII, the usual case,
    /// is found eight bytes at a time and taken as it is: the standard library's validating
    /// initialiser is not specialised, and looks up generic metadata on every call.
    private func utf8(_ range: Range<Int>) throws(JSONValueError) -> String {
        let slice = UnsafeRawBufferPointer(rebasing: bytes[range])
        if JSONBytes.isASCII(slice) { return String(decoding: slice, as: UTF8.self) }
        guard let text = String(validating: slice, as: UTF8.self) else { throw failure("a string is not valid UTF-8") }
        return text
    }

    /// One escape sequence starting at the backslash.
    private mutating func escape() throws(JSONValueError) -> Unicode.Scalar {
        index += 1
        guard let byte = current else { throw failure("a string is not closed") }
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try hexUnit()
            switch unit {
            case 0xD800...0xDBFF:
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw failure("a \\u escape is an unpaired surrogate")
                }
                index += 2
                let low = try hexUnit()
                guard (0xDC00...0xDFFF).contains(low) else { throw failure("a \\u escape is an unpaired surrogate") }
                return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!
            case 0xDC00...0xDFFF:
                throw failure("a \\u escape is an unpaired surrogate")
            default:
                return Unicode.Scalar(unit)!
            }
        default:
            index -= 1
            throw failure("an unknown escape sequence in a string")
        }
    }

    private mutating func hexUnit() throws(JSONValueError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("a \\u escape needs four hexadecimal digits") }
        var unit: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("a \\u escape needs four hexadecimal digits")
            }
            unit = unit << 4 | UInt32(digit)
            index += 1
        }
        return unit
    }

    private mutating func number() throws(JSONValueError) -> Double {
        let start = index
        var negative = false
        if current == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var integer: UInt64 = 0
        var digits = 0
        guard let first = current, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else {
            throw failure("a number needs a digit after '-'")
        }
        if first == UInt8(ascii: "0") {
            index += 1
            digits = 1
        } else {
            while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                if digits < 18 { integer = integer * 10 + UInt64(byte - UInt8(ascii: "0")) }
                digits += 1
                index += 1
            }
        }
        if let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            throw failure("a number must not have a leading zero")
        }
        var exact = digits <= 15
        if current == UInt8(ascii: ".") {
            exact = false
            index += 1
            guard skipDigits() > 0 else { throw failure("a number needs a digit after '.'") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            exact = false
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard skipDigits() > 0 else { throw failure("a number needs a digit in its exponent") }
        }
        if exact {
            let magnitude = Double(integer)
            return negative ? -magnitude : magnitude
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            index = start
            throw failure("a number is too large")
        }
        return value
    }

    private mutating func skipDigits() -> Int {
        var count = 0
        while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            index += 1
            count += 1
        }
        return count
    }
}
