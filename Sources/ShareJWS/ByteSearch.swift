import Foundation

extension UnsafeRawBufferPointer {
    /// The offset of the first `byte` at or after `start`, or nil. Uses `memchr`, which reads
    /// many bytes at a time: the broker searches every message's whole JWS for its dots and
    /// tildes, where `firstIndex(of:)` steps byte by byte.
    func firstOffset(of byte: UInt8, from start: Int = 0) -> Int? {
        guard let base = baseAddress, start < count else { return nil }
        guard let found = memchr(base + start, Int32(byte), count - start) else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }
}
