import Foundation
import ShareJWS
import Testing

/// Records an issue unless `body` throws a `JWSError` with exactly `code`.
func expectJWSError(_ code: JWSError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    let error = #expect(throws: JWSError.self, sourceLocation: sourceLocation) { try body() }
    #expect(error?.code == code, "expected \(code), got \(String(describing: error))", sourceLocation: sourceLocation)
}

/// Compact serialization bytes from a raw header JSON text, a payload and a signature.
func compactJWS(header: String, payload: Data = Data("{}".utf8), signature: Data = Data(count: 64)) -> Data {
    Data((independentBase64URL(Data(header.utf8)) + "." + independentBase64URL(payload) + "."
        + independentBase64URL(signature)).utf8)
}

/// `compact` with its part at `index` (0 header, 1 payload, 2 signature) replaced by `part`.
func replacingPart(_ index: Int, of compact: String, with part: String) -> Data {
    var parts = compact.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    parts[index] = part
    return Data(parts.joined(separator: ".").utf8)
}

/// The decoded bytes of part `index` of `compact`.
func decodedPart(_ index: Int, of compact: String) throws -> Data {
    let parts = compact.split(separator: ".", omittingEmptySubsequences: false)
    return try #require(Base64URL.decode(parts[index]))
}
