public import Foundation

/// Lowercase hexadecimal, as certificate fingerprints are written in the configuration.
public enum Hex {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

extension UUID {
    /// The lowercase form ids are written in by the API and the logs (RFC 9562).
    public var lowercasedString: String { uuidString.lowercased() }
}
