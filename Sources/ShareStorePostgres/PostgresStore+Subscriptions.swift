public import Foundation
import PostgresNIO
public import ShareModel
import ShareStore

/// Agencies' subscriptions and webhook endpoints.
extension PostgresStore {
    public func addSubscription(_ subscription: Subscription, event: EventRecord) async throws {
        let document = try Self.subscriptionEncoder.encode(subscription)
        try await write { [self] connection, append in
            try await connection.rows("""
                INSERT INTO subscriptions (id, agency, document)
                VALUES (\(subscription.id), \(subscription.agency.rawValue), \(ByteBuffer(bytes: document)))
                """, logger: logger)
            try await ChangeNotice.send(.subscriptions, on: connection, logger: logger)
            append.add([event])
        }
    }

    public func removeSubscription(id: UUID, agency: AgencyID, event: EventRecord) async throws -> Bool {
        try await write { [self] connection, append in
            let removed = try await connection.rows("""
                DELETE FROM subscriptions WHERE id = \(id) AND agency = \(agency.rawValue) RETURNING id
                """, logger: logger)
            guard !removed.isEmpty else { return false }
            try await ChangeNotice.send(.subscriptions, on: connection, logger: logger)
            append.add([event])
            return true
        }
    }

    public func subscriptions() async throws -> [Subscription] {
        try await select { [self] connection in
            try await connection.rows("SELECT document FROM subscriptions ORDER BY seq", logger: logger).map {
                try Self.subscriptionDecoder.decode(Subscription.self, from: try $0.decode(Data.self))
            }
        }
    }

    private static let subscriptionEncoder = ShareJSON.encoder()
    private static let subscriptionDecoder = ShareJSON.decoder()

    public func setWebhook(_ url: String?, for agency: AgencyID, at time: Date, event: EventRecord) async throws {
        try await write { [self] connection, append in
            if let url {
                try await connection.rows("""
                    INSERT INTO webhooks (agency, url, registered_at) VALUES (\(agency.rawValue), \(url), \(time.millis))
                    ON CONFLICT (agency) DO UPDATE SET url = excluded.url, registered_at = excluded.registered_at
                    """, logger: logger)
            } else {
                try await connection.rows("DELETE FROM webhooks WHERE agency = \(agency.rawValue)", logger: logger)
            }
            try await ChangeNotice.send(.webhooks, on: connection, logger: logger)
            append.add([event])
        }
    }

    public func webhooks() async throws -> [AgencyID: String] {
        try await select { [self] connection in
            var found: [AgencyID: String] = [:]
            for row in try await connection.rows("SELECT agency, url FROM webhooks", logger: logger) {
                let (agency, url) = try row.decode((String, String).self)
                if let agency = AgencyID(agency) { found[agency] = url }
            }
            return found
        }
    }
}
