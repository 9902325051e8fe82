public import Foundation

/// Base64url without padding (RFC 7515 section 2), working on bytes: it runs on every
/// message, so it avoids string searching and bridging.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Each byte's 6-bit value, or 0xFF for bytes outside the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        return table
    }()

    public static func encode(_ data: some DataProtocol) -> String {
        let bytes = Array(data)
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= bytes.count {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            output.append(alphabet[Int(chunk >> 18 & 63)])
            output.append(alphabet[Int(chunk >> 12 & 63)])
            output.append(alphabet[Int(chunk >> 6 & 63)])
            output.append(alphabet[Int(chunk & 63)])
            index += 3
        }
        let remaining = bytes.count - index
        if remaining > 0 {
            let chunk = UInt32(bytes[index]) << 16 | (remaining == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
            output.append(alphabet[Int(chunk >> 18 & 63)])
            output.append(alphabet[Int(chunk >> 12 & 63)])
            if remaining == 2 { output.append(alphabet[Int(chunk >> 6 & 63)]) }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes base64url text; `nil` if it holds padding, characters outside the alphabet,
    /// an impossible length, or non-zero bits after the last byte.
    public static func decode(_ text: some StringProtocol) -> Data? {
        decode(bytes: Array(text.utf8))
    }

    /// Decodes base64url given as ASCII bytes (as in a compact JWS).
    public static func decode(bytes input: some Collection<UInt8>) -> Data? {
        input.withContiguousStorageIfAvailable(decode(contiguous:)) ?? Array(input).withUnsafeBufferPointer(decode(contiguous:))
    }

    private static func decode(contiguous bytes: UnsafeBufferPointer<UInt8>) -> Data? {
        guard bytes.count % 4 != 1 else { return nil }
        var output = Data(count: bytes.count / 4 * 3 + max(bytes.count % 4 - 1, 0))
        // Written in place through one pointer, and the table read once: appended byte by byte,
        // or with the static read inside the loop, each byte would pay a capacity check or the
        // check that the static is initialised.
        let decoded = output.withUnsafeMutableBytes { (buffer: UnsafeMutableRawBufferPointer) -> Bool in
            values.withUnsafeBufferPointer { table in
                var index = 0
                var written = 0
                while index + 4 <= bytes.count {
                    let a = table[Int(bytes[index])], b = table[Int(bytes[index + 1])]
                    let c = table[Int(bytes[index + 2])], d = table[Int(bytes[index + 3])]
                    guard (a | b | c | d) & 0xC0 == 0 else { return false }
                    let chunk = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    buffer[written] = UInt8(truncatingIfNeeded: chunk >> 16)
                    buffer[written + 1] = UInt8(truncatingIfNeeded: chunk >> 8)
                    buffer[written + 2] = UInt8(truncatingIfNeeded: chunk)
                    index += 4
                    written += 3
                }
                var accumulator: UInt32 = 0
                var bits: UInt32 = 0
                for character in bytes[index...] {
                    let value = table[Int(character)]
                    guard value != 0xFF else { return false }
                    accumulator = accumulator << 6 | UInt32(value)
                    bits += 6
                    if bits >= 8 {
                        bits -= 8
                        buffer[written] = UInt8(truncatingIfNeeded: accumulator >> bits)
                        written += 1
                        accumulator &= (1 << bits) - 1
                    }
                }
                return accumulator == 0
            }
        }
        return decoded ? output : nil
    }
}
