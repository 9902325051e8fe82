public import Foundation
public import ShareModel
import ShareStore

/// Agencies' webhook endpoints, and the backoff of webhook retries.
extension SQLiteStore {
    public func setWebhook(_ url: String?, for agency: AgencyID, at time: Date, event: EventRecord) async throws {
        try await writer.run { connection in
            if let url {
                try connection.statement("""
                    INSERT INTO webhooks (agency, url, registered_at) VALUES (?, ?, ?)
                    ON CONFLICT (agency) DO UPDATE SET url = excluded.url, registered_at = excluded.registered_at
                    """)
                    .bind(agency.rawValue, url, time.millis).run()
            } else {
                try connection.statement("DELETE FROM webhooks WHERE agency = ?").bind(agency.rawValue).run()
            }
            _ = try Self.appendEvents([event], on: connection)
        }
    }

    public func webhooks() async throws -> [AgencyID: String] {
        try await reader.run { connection in
            let select = try connection.statement("SELECT agency, url FROM webhooks")
            var found: [AgencyID: String] = [:]
            while try select.step() {
                if let agency = AgencyID(select.text(0)) { found[agency] = select.text(1) }
            }
            return found
        }
    }

    public func deferDelivery(_ id: UUID, until time: Date) async throws {
        try await writer.run { connection in
            try connection.statement("UPDATE deliveries SET visible_at = ? WHERE id = ? AND acknowledged_at IS NULL")
                .bind(time.millis, id).run()
        }
    }
}
