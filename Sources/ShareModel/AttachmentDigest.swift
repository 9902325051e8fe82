public import Foundation

/// The SHA-256 digest that names an attachment's content, written `sha-256:` and 64 lowercase
/// hexadecimal digits (the algorithm as the IANA Hash Function Textual Names registry spells
/// it, the value as `sha256sum` prints it, so it can be checked with common tools and sits in
/// a URL path as it is).
public struct AttachmentDigest: Sendable, Hashable, CustomStringConvertible {
    /// The 32 bytes of the digest.
    public let bytes: Data

    public static let prefix = "sha-256:"

    /// The digest of 32 bytes; nil for any other length.
    public init?(bytes: Data) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    /// Reads `sha-256:` and 64 lowercase hexadecimal digits; nil for anything else.
    public init?(text: String) {
        guard text.hasPrefix(Self.prefix) else { return nil }
        let digits = Array(text.utf8.dropFirst(Self.prefix.utf8.count))
        guard digits.count == 64 else { return nil }
        var bytes = Data(capacity: 32)
        var index = 0
        while index < 64 {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        self.bytes = bytes
    }

    public var description: String { Self.prefix + Hex.encode(bytes) }

    /// A lowercase hexadecimal digit's value; upper case is refused, so each digest has one spelling.
    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

/// A document a message refers to by digest instead of carrying it (`attachments` in the
/// envelope): the sender uploads it first, and recipients download it and check its digest.
public struct AttachmentReference: Sendable, Equatable {
    public let digest: AttachmentDigest
    /// Its media type as uploaded, such as `application/pdf`.
    public let mediaType: String
    /// Its length in bytes.
    public let size: Int
    /// What it is, for people (such as "Discharge summary"); optional.
    public let title: String?

    public init(digest: AttachmentDigest, mediaType: String, size: Int, title: String? = nil) {
        self.digest = digest
        self.mediaType = mediaType
        self.size = size
        self.title = title
    }
}
