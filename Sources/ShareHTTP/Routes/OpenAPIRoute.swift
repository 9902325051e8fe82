public import Foundation
import Hummingbird
import NIOCore
import ShareBroker

/// `GET /v1/openapi.json`: the API's OpenAPI 3.1 document, byte for byte the file the broker
/// read from its catalogue folder at start (README "The OpenAPI document").
struct OpenAPIRoute {
    /// The document's bytes; nil when the catalogue folder holds none.
    let document: Data?

    func register(on group: RouterGroup<BrokerRequestContext>) {
        group.get("openapi.json", use: serve)
    }

    @Sendable func serve(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        _ = try context.caller()
        guard let document else {
            throw BrokerError(.notFound, "This broker's catalogue folder holds no \(APIDocument.fileName); the repository's Schemas/ has it.")
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: document)))
    }
}

/// Where the broker finds the OpenAPI document: beside the message catalogue, whose schemas its
/// `$ref`s name by file.
public enum APIDocument {
    public static let fileName = "sharebroker.openapi.json"

    /// The document in the catalogue folder `schemasPath`, or nil if there is none.
    public static func load(schemasPath: String) -> Data? {
        FileManager.default.contents(atPath: URL(fileURLWithPath: schemasPath).appendingPathComponent(fileName).path)
    }
}
