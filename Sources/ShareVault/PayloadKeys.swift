import Crypto
public import Foundation
public import ShareStore
import ShareModel

/// The key-encryption keys the broker holds: the current one, which wraps the data key of every
/// new body, and earlier ones still named in the configuration, which only unwrap (a rotation:
/// new messages under the new key, older ones still readable until `sharebroker rewrap` has
/// moved them).
///
/// A sealed body is self-describing:
///
/// | bytes | what |
/// |---|---|
/// | 1 | format, 1 (a JWS stored in clear begins with `e`, so older bodies are told apart) |
/// | 1 | length n of the key id |
/// | n | the id of the key-encryption key that wrapped the data key (UTF-8) |
/// | 2 | length m of the wrapped data key (big-endian) |
/// | m | the wrapped data key |
/// | rest | AES-256-GCM of the JWS under the data key: nonce (12), ciphertext, tag (16); the message id (16 bytes) is authenticated with it |
///
/// Every body has a data key of its own, drawn at random and used for that body alone, so
/// destroying a body destroys the only copy of its key, and the nonce can be constant (zero):
/// no key ever seals two plaintexts. Authenticating the message id means a body moved to
/// another row does not open. Sealing asks the operating system for random bytes once (the
/// data key); the wrap and the nonce need none.
public struct PayloadKeys: Sendable {
    public let current: any KeyEncryptionKey
    private let byID: [String: any KeyEncryptionKey]

    /// `previous` may include `current`; ids must differ otherwise.
    public init(current: any KeyEncryptionKey, previous: [any KeyEncryptionKey] = []) throws {
        guard !current.id.isEmpty, current.id.utf8.count <= 255 else { throw VaultError("A key id must be 1 to 255 bytes.") }
        self.current = current
        var byID: [String: any KeyEncryptionKey] = [current.id: current]
        for key in previous where key.id != current.id {
            guard byID[key.id] == nil else { throw VaultError("Two payload keys have the id \(key.id).") }
            byID[key.id] = key
        }
        self.byID = byID
    }

    /// The ids of every key held, the current one first.
    public var ids: [String] {
        [current.id] + byID.keys.filter { $0 != current.id }.sorted()
    }

    static let format: UInt8 = 1

    /// Encrypts a JWS under a fresh data key wrapped by the current key.
    public func seal(_ jws: Data, messageID: UUID) async throws -> Data {
        try await seal(jws, authenticating: Self.bytes(of: messageID))
    }

    /// Encrypts one chunk of an attachment, as a body is sealed, authenticating the upload it
    /// belongs to and its place in it, so that a chunk moved to another upload or place does not open.
    public func seal(chunk: Data, upload: UUID, index: Int) async throws -> Data {
        try await seal(chunk, authenticating: Self.bytes(of: upload, index: index))
    }

    /// The bytes of a chunk sealed by `seal(chunk:upload:index:)`. Throws when its key is not
    /// held or it was changed (or is not sealed: the store says which chunks are).
    public func open(chunk: Data, upload: UUID, index: Int) async throws -> Data {
        guard try Self.parts(of: chunk) != nil else { throw VaultError("An attachment's stored chunk is not sealed; it was changed.") }
        return try await open(chunk, authenticating: Self.bytes(of: upload, index: index), what: "An attachment's stored chunk")
    }

    private func seal(_ plaintext: Data, authenticating context: Data) async throws -> Data {
        var dataKey = Data(count: 32)
        guard dataKey.withUnsafeMutableBytes(SecureRandom.fill) else {
            throw VaultError("The operating system gave no random bytes (/dev/urandom could not be read).")
        }
        let wrapped = try await current.wrap(dataKey)
        let sealed = try AES.GCM.seal(plaintext, using: SymmetricKey(data: dataKey), nonce: try AES.GCM.Nonce(data: Self.zeroNonce),
                                    authenticating: context)
        guard let combined = sealed.combined else { throw VaultError("AES-GCM gave no combined form.") }
        return Self.body(keyID: current.id, wrapped: wrapped, combined: combined)
    }

    /// The JWS in a stored body. A body stored in clear (before encryption was configured) is
    /// returned as it is, and an empty one (destroyed by retention) stays empty. Throws when
    /// the body's key is not held or the body was changed.
    public func open(_ body: Data, messageID: UUID) async throws -> Data {
        try await open(body, authenticating: Self.bytes(of: messageID), what: "A stored message body")
    }

    private func open(_ body: Data, authenticating context: Data, what: String) async throws -> Data {
        guard let parts = try Self.parts(of: body) else { return body }
        guard let key = byID[parts.keyID] else {
            throw VaultError("\(what) is sealed under payload key \(parts.keyID), which the configuration does not hold (it holds \(ids.joined(separator: ", "))); add that key to /payloadKeys/previous.")
        }
        let dataKey = SymmetricKey(data: try await key.unwrap(parts.wrapped))
        do {
            return try AES.GCM.open(AES.GCM.SealedBox(combined: parts.combined), using: dataKey, authenticating: context)
        } catch {
            throw VaultError("\(what) does not open under its data key: it was changed, or belongs to another message or place.")
        }
    }

    /// The body with its data key wrapped again by the current key (the ciphertext is kept as it
    /// is), or a body stored in clear sealed; nil when there is nothing to do: sealed under the
    /// current key already, or destroyed.
    public func rewrap(_ body: Data, messageID: UUID) async throws -> Data? {
        try await rewrap(body, authenticating: Self.bytes(of: messageID))
    }

    /// A chunk of an attachment with its data key wrapped again by the current key, or a chunk
    /// stored in clear (`sealed` false) sealed; nil when it is under the current key already.
    public func rewrap(chunk: ChunkBytes, upload: UUID, index: Int) async throws -> Data? {
        guard chunk.sealed else { return try await seal(chunk: chunk.bytes, upload: upload, index: index) }
        guard try Self.parts(of: chunk.bytes) != nil else { throw VaultError("An attachment's stored chunk is not sealed; it was changed.") }
        return try await rewrap(chunk.bytes, authenticating: Self.bytes(of: upload, index: index))
    }

    private func rewrap(_ body: Data, authenticating context: Data) async throws -> Data? {
        guard let parts = try Self.parts(of: body) else {
            return body.isEmpty ? nil : try await seal(body, authenticating: context)
        }
        guard parts.keyID != current.id else { return nil }
        guard let key = byID[parts.keyID] else {
            throw VaultError("A stored message body is sealed under payload key \(parts.keyID), which the configuration does not hold; add it to /payloadKeys/previous to re-wrap it.")
        }
        let wrapped = try await current.wrap(try await key.unwrap(parts.wrapped))
        return Self.body(keyID: current.id, wrapped: wrapped, combined: parts.combined)
    }

    /// The id of the key that wrapped a body's data key; nil for a body in clear or destroyed.
    public static func keyID(of body: Data) throws -> String? {
        try parts(of: body)?.keyID
    }

    /// The nonce of every body: each data key seals one body only.
    private static let zeroNonce = Data(count: 12)

    private static func body(keyID: String, wrapped: Data, combined: Data) -> Data {
        var body = Data(capacity: 4 + keyID.utf8.count + wrapped.count + combined.count)
        body.append(format)
        body.append(UInt8(keyID.utf8.count))
        body.append(contentsOf: keyID.utf8)
        body.append(UInt8(wrapped.count >> 8))
        body.append(UInt8(wrapped.count & 0xFF))
        body.append(wrapped)
        body.append(combined)
        return body
    }

    private static func parts(of body: Data) throws -> (keyID: String, wrapped: Data, combined: Data)? {
        guard let first = body.first, first == format else { return nil }
        let start = body.startIndex
        let idLength = body.count > 1 ? Int(body[start + 1]) : 0
        let lengthAt = start + 2 + idLength
        guard idLength > 0, body.endIndex >= lengthAt + 2 else { throw VaultError("A stored message body is cut short.") }
        let wrappedLength = Int(body[lengthAt]) << 8 | Int(body[lengthAt + 1])
        let combinedAt = lengthAt + 2 + wrappedLength
        guard body.endIndex >= combinedAt + 28 else { throw VaultError("A stored message body is cut short.") }
        return (String(decoding: body[(start + 2)..<lengthAt], as: UTF8.self), body[(lengthAt + 2)..<combinedAt], body[combinedAt...])
    }

    private static func bytes(of id: UUID) -> Data {
        withUnsafeBytes(of: id.uuid) { Data($0) }
    }

    /// An upload's id and a chunk's index (8 bytes, big-endian): what a sealed chunk authenticates.
    private static func bytes(of upload: UUID, index: Int) -> Data {
        var bytes = Self.bytes(of: upload)
        withUnsafeBytes(of: UInt64(index).bigEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }
}
