import Foundation
import Hummingbird
import ShareBroker
import ShareJWS
import ShareModel

/// `GET /v1/directory` and `GET /v1/directory/jwks`: who is in the partnership and the keys
/// that verify their messages.
struct DirectoryRoutes {
    let broker: Broker

    func register(on group: RouterGroup<BrokerRequestContext>) {
        group.get("directory", use: directory)
        group.get("directory/jwks", use: jwks)
    }

    @Sendable func directory(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        _ = try context.caller()
        let agencies = broker.directory.sortedAgencies.map { agency in
            DirectoryAnswer.Entry(id: agency.id.rawValue, name: agency.name, kind: agency.kind.rawValue,
                                  areas: agency.areas, status: agency.status.rawValue, keys: agency.signingKeys.map(Self.jwk))
        }
        return try jsonResponse(DirectoryAnswer(agencies: agencies, broker: .init(
            auditKeys: [broker.auditPublicKey], signingKeys: [broker.noticePublicKey])))
    }

    @Sendable func jwks(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        _ = try context.caller()
        let keys = broker.directory.sortedAgencies.flatMap { $0.signingKeys.map(Self.jwk) }
            + [broker.noticePublicKey, broker.auditPublicKey].map { AgencyKey($0, retiredAt: nil) }
        return try jsonResponse(JWKSAnswer(keys: keys))
    }

    static func jwk(_ key: PublicSigningKey) -> AgencyKey {
        AgencyKey(JWK(kty: "EC", crv: "P-256", x: key.x, y: key.y, kid: key.kid), retiredAt: key.retiredAt)
    }
}

/// An agency's signing key as a JWK, with `retiredAt` once it signs no new message (a JWK
/// member that JOSE libraries ignore).
struct AgencyKey: Encodable {
    let kty: String
    let crv: String
    let x: String
    let y: String
    let kid: String?
    let use: String?
    let alg: String?
    let retiredAt: String?

    init(_ jwk: JWK, retiredAt: Date?) {
        kty = jwk.kty
        crv = jwk.crv
        x = jwk.x
        y = jwk.y
        kid = jwk.kid
        use = jwk.use
        alg = jwk.alg
        self.retiredAt = retiredAt.map(Timestamp.format)
    }
}

struct DirectoryAnswer: Encodable {
    struct Entry: Encodable {
        let id: String
        let name: String
        let kind: String
        let areas: [String]
        let status: String
        let keys: [AgencyKey]
    }

    /// The broker's own keys: `auditKeys` verify signed tree heads, `signingKeys` its notices.
    struct BrokerKeys: Encodable {
        let auditKeys: [JWK]
        let signingKeys: [JWK]
    }

    let agencies: [Entry]
    let broker: BrokerKeys
}

/// An RFC 7517 JWK Set.
struct JWKSAnswer: Encodable {
    let keys: [AgencyKey]
}
