public import Foundation

/// Base64url without padding (RFC 7515 section 2), working on bytes: it runs on every
/// message, so it avoids string searching and bridging.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Four tables of 256 entries, one per place in a group of four characters: each byte's
    /// 6-bit value already shifted to its place in the group's 24 bits, or `invalid` for a
    /// byte outside the alphabet, so that a group is four lookups ORed and one test.
    private static let placed: [UInt32] = {
        var table = [UInt32](repeating: invalid, count: 4 * 256)
        for place in 0..<4 {
            for (value, character) in alphabet.enumerated() {
                table[place * 256 + Int(character)] = UInt32(value) << (18 - 6 * place)
            }
        }
        return table
    }()

    /// A `placed` entry's mark for a byte outside the alphabet, above the group's 24 bits.
    private static let invalid: UInt32 = 0x8000_0000

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
            placed.withUnsafeBufferPointer { placed in
                let invalid = Self.invalid
                var index = 0
                var written = 0
                while index + 4 <= bytes.count {
                    let chunk = placed[Int(bytes[index])] | placed[256 + Int(bytes[index + 1])]
                        | placed[512 + Int(bytes[index + 2])] | placed[768 + Int(bytes[index + 3])]
                    guard chunk & invalid == 0 else { return false }
                    buffer[written] = UInt8(truncatingIfNeeded: chunk >> 16)
                    buffer[written + 1] = UInt8(truncatingIfNeeded: chunk >> 8)
                    buffer[written + 2] = UInt8(truncatingIfNeeded: chunk)
                    index += 4
                    written += 3
                }
                // The last two or three characters hold one or two bytes; the bits after them
                // (the low 16 or 8 of the group) must be zero.
                let rest = bytes.count - index
                guard rest > 0 else { return true }
                var chunk: UInt32 = 0
                for place in 0..<rest { chunk |= placed[place * 256 + Int(bytes[index + place])] }
                guard chunk & invalid == 0, chunk & (rest == 2 ? 0xFFFF : 0xFF) == 0 else { return false }
                buffer[written] = UInt8(truncatingIfNeeded: chunk >> 16)
                if rest == 3 { buffer[written + 1] = UInt8(truncatingIfNeeded: chunk >> 8) }
                return true
            }
        }
        return decoded ? output : nil
    }
}
