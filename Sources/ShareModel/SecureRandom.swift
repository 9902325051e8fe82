#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Random bytes from the operating system in one call: one `read` of `/dev/urandom` (kept open)
/// on Linux, where the standard library's generator, and so `SymmetricKey(size:)`, makes one
/// system call per 8 bytes; `arc4random_buf` on Darwin. Data keys and UUIDs take theirs here.
public enum SecureRandom {
    #if canImport(Glibc)
    private static let urandom = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
    #endif

    /// Fills `buffer`; false if the operating system gave no random bytes.
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer) -> Bool {
        guard let base = buffer.baseAddress else { return true }
        #if canImport(Glibc)
        var filled = 0
        while filled < buffer.count {
            let got = read(urandom, base + filled, buffer.count - filled)
            if got > 0 {
                filled += got
            } else if got == 0 || errno != EINTR {
                return false
            }
        }
        #else
        arc4random_buf(base, buffer.count)
        #endif
        return true
    }
}
