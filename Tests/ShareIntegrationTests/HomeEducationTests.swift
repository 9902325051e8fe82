import Foundation
import ShareClient
import ShareTesting
import Testing

/// A domestic abuse notification about a child educated at home goes to the local authority
/// the policy names (in the demo, Northshire's children's social care) instead of a school.
@Suite("Children educated at home")
struct HomeEducationTests {
    @Test("a notification about a child educated at home goes to the local authority instead of the school")
    func routedToTheLocalAuthority() async throws {
        try await withBroker(clock: TestClock(try DeliveryDeadlineTests.at("2026-12-11T18:00:00Z"))) { broker in
            let police = try broker.signer(for: "northshire-police")
            for educatedAtHome in [true, false] {
                let notification = try InformationRequestTests.example(
                    "domestic-abuse-notification-1/valid-educated-at-home.json", sentAt: broker.clock.now()) {
                    var payload = $0["payload"] as! [String: Any]
                    payload["educatedAtHome"] = educatedAtHome
                    $0["payload"] = payload
                }
                let published = try await broker.postJWS(try police.sign(envelope: notification), as: "northshire-police")
                #expect(published.status == 201, "\(String(decoding: published.body, as: UTF8.self))")
                let recipient = educatedAtHome ? "northshire-csc" : "oakfield-primary"
                #expect(published.json?["recipients"] as? [String] == [recipient])
                #expect(published.json?["dueBy"] as? [String: String] == [recipient: "2026-12-14T08:30:00.000Z"])
                let id = try InformationRequestTests.id(of: notification)
                let routed = try await broker.auditGet("/v1/audit/entries?messageId=\(id)&kind=routed") as AuditEntries
                #expect(routed.entries.map(\.event.rule) == [educatedAtHome ? "educatedAtHome" : nil], "the routed entry says why")
                let detail = try await AuditorWorkspaceTests.page("/workspace/messages/\(id)", on: broker)
                #expect(detail.html.contains(educatedAtHome
                    ? "<td>in place of the school: the child is educated at home</td>" : "<td>directly</td>"))
            }
            #expect(try await broker.client(as: "northshire-csc").inbox().count == 1)
            #expect(try await broker.client(as: "oakfield-primary").inbox().count == 1)
        }
    }
}
