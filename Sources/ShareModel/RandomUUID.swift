public import Foundation

extension UUID {
    /// A random (version 4) UUID from the system's random source. Foundation's `UUID()` on
    /// Linux opens and reads /dev/urandom for each one; this costs one `read` of it, kept open.
    public static func random() -> UUID {
        var value = randomBytes()
        withUnsafeMutableBytes(of: &value) { bytes in
            bytes[6] = bytes[6] & 0x0F | 0x40
            bytes[8] = bytes[8] & 0x3F | 0x80
        }
        return UUID(uuid: value)
    }

    /// A time-ordered (version 7, RFC 9562) UUID: 48 bits of Unix milliseconds at `time`, then
    /// 74 random bits. Ids made in order sort in order, so a store's index on them grows at
    /// its end instead of touching a random page for each new id.
    public static func timeOrdered(at time: Date) -> UUID {
        let millis = UInt64(max(0, time.timeIntervalSince1970 * 1000))
        var value = randomBytes()
        withUnsafeMutableBytes(of: &value) { bytes in
            for index in 0..<6 {
                bytes[index] = UInt8(truncatingIfNeeded: millis >> (40 - 8 * UInt64(index)))
            }
            bytes[6] = bytes[6] & 0x0F | 0x70
            bytes[8] = bytes[8] & 0x3F | 0x80
        }
        return UUID(uuid: value)
    }

    /// Sixteen random bytes in one system call (`SecureRandom`).
    private static func randomBytes() -> uuid_t {
        var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        precondition(withUnsafeMutableBytes(of: &value, SecureRandom.fill), "The operating system gave no random bytes.")
        return value
    }
}
