import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Random bytes from the operating system in one call: one `read` of `/dev/urandom` (kept open)
/// on Linux, where the standard library's generator, and so `SymmetricKey(size:)`, makes one
/// system call per 8 bytes; `arc4random_buf` on Darwin.
enum SecureRandom {
    #if canImport(Glibc)
    private static let urandom = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
    #endif

    static func bytes(_ count: Int) throws -> Data {
        var bytes = Data(count: count)
        try bytes.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            #if canImport(Glibc)
            var filled = 0
            while filled < count {
                let got = read(urandom, base + filled, count - filled)
                if got > 0 {
                    filled += got
                } else if got == 0 || errno != EINTR {
                    throw VaultError("The operating system gave no random bytes (/dev/urandom could not be read).")
                }
            }
            #else
            arc4random_buf(base, count)
            #endif
        }
        return bytes
    }
}
