import Crypto
public import Foundation

/// The key that wraps the data keys of stored message bodies (envelope encryption).
///
/// A file key (`FileKeyEncryptionKey`) is the one the broker has now; a KMS or an HSM stands in
/// by conforming: `wrap` and `unwrap` are then calls to it, and the key never leaves it. Both
/// are `async` for that reason. Neither may log the keys it handles.
public protocol KeyEncryptionKey: Sendable {
    /// Names the key in every body whose data key it wrapped, so that a body finds its key
    /// after a rotation. Not secret; at most 255 bytes of UTF-8.
    var id: String { get }
    /// Encrypts a fresh data key (its 32 bytes).
    func wrap(_ dataKey: Data) async throws -> Data
    /// Decrypts a data key this key wrapped; throws if `wrapped` was not wrapped by it or was changed.
    func unwrap(_ wrapped: Data) async throws -> Data
}

/// A 256-bit key-encryption key read from a file (32 random bytes in base64, such as
/// `openssl rand -base64 32` writes). It wraps each data key with AES Key Wrap (RFC 3394), the
/// wrapping KMSs and HSMs offer (PKCS#11 `CKM_AES_KEY_WRAP`): deterministic, so it needs no
/// nonce, and authenticated, so a changed wrapped key does not unwrap.
public struct FileKeyEncryptionKey: KeyEncryptionKey {
    public let id: String
    /// The key's bytes (a `Sendable` copy; a `SymmetricKey` is made per use).
    private let secret: Data

    /// `secret` must be exactly 32 bytes. The id is derived from the key (the first 16 hex
    /// digits of a SHA-256 over a label and the key), so a file can be renamed freely and two
    /// different keys never share an id.
    public init(secret: Data) throws {
        guard secret.count == 32 else {
            throw VaultError("A payload key must be exactly 32 random bytes (base64 in its file); this one has \(secret.count).")
        }
        self.secret = secret
        var hasher = SHA256()
        hasher.update(data: Data("sharebroker payload key-encryption key".utf8))
        hasher.update(data: secret)
        id = "kek-" + hasher.finalize().prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// Reads the key from a file holding its 32 bytes in base64.
    public init(file path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let secret = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw VaultError("Cannot read a payload key from \(path): it must hold 32 random bytes in base64 (openssl rand -base64 32).")
        }
        try self.init(secret: secret)
    }

    /// A new random key in the form its file holds (base64 and a newline), for the demo and tests.
    public static func generateFileText() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString() + "\n"
    }

    public func wrap(_ dataKey: Data) async throws -> Data {
        try AES.KeyWrap.wrap(SymmetricKey(data: dataKey), using: SymmetricKey(data: secret))
    }

    public func unwrap(_ wrapped: Data) async throws -> Data {
        do {
            return try AES.KeyWrap.unwrap(wrapped, using: SymmetricKey(data: secret)).withUnsafeBytes { Data($0) }
        } catch {
            throw VaultError("A data key did not unwrap under payload key \(id): the stored body was changed or belongs to another key.")
        }
    }
}

/// Why a body could not be sealed or opened. Its description names keys by id only and never
/// holds content.
public struct VaultError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
