import Foundation
import ShareClient
import ShareModel

/// What a scenario does as the partnership's agencies: each step over the real API with the
/// acting agency's certificate and key, written to the transcript, and a `ScenarioFailure`
/// when it did not happen.
struct ScenarioRun: Sendable {
    let partnership: ScenarioPartnership
    let transcript: Transcript

    /// The agency that reads the audit log for the transcript.
    static let auditor = "northshire-audit"

    /// A message the broker accepted.
    struct Published: Sendable {
        let id: UUID
        let type: String
        let sender: String
        let recipients: [String]
        let auditIndex: Int
    }

    /// A draft of the catalogue example `file` of `type`, sent by `sender` to `recipients`.
    func draft(_ type: String, _ file: String, from sender: String, to recipients: [String], expiresInDays: Int = 30) throws -> ScenarioDraft {
        guard let catalogue = partnership.folder.schemas else {
            throw ScenarioFailure("The demo folder's configuration names no message catalogue (\"schemas\").")
        }
        return try ScenarioDraft(catalogue: catalogue, type: type, file: file, sender: sender, to: recipients, expiresInDays: expiresInDays)
    }

    /// Signs `draft` with its sender's key and publishes it as the sender; the broker must
    /// route it to exactly `expected` (default: the draft's `to`).
    @discardableResult
    func publish(_ draft: ScenarioDraft, expecting expected: [String]? = nil) async throws -> Published {
        let sender = draft.object["sender"] as? String ?? ""
        let jws = try partnership.signer(sender).sign(envelope: try draft.bytes())
        let answer: PublishAnswer
        do {
            answer = try await partnership.client(sender).publish(jws: jws)
        } catch {
            throw ScenarioFailure("\(sender) could not publish \(draft.type): \(error)")
        }
        let wanted = Set(expected ?? draft.object["to"] as? [String] ?? [])
        transcript.line("\(sender) sent \(draft.type) \(answer.id.lowercased) to \(list(answer.recipients)) (audit #\(answer.audit.index))")
        guard Set(answer.recipients) == wanted else {
            throw ScenarioFailure("the broker routed \(draft.type) to \(list(answer.recipients)), not to \(list(wanted.sorted()))")
        }
        return Published(id: answer.id, type: draft.type, sender: sender, recipients: answer.recipients, auditIndex: answer.audit.index)
    }

    /// `agency` fetches its inbox until the delivery of `message` is there, verifies the
    /// sender's signature and acknowledges it. Returns the verified envelope.
    @discardableResult
    func receive(_ message: Published, by agency: String) async throws -> JSONValue {
        let id = message.id
        let (delivery, envelope) = try await acknowledgeFirst(by: agency, "\(message.type) \(id.lowercased)") { $0.messageId == id }
        let due = (delivery.respondBy.map { ", answer due by \(ScenarioDraft.spoken($0))" } ?? "")
            + (delivery.dueBy.map { ", due by \(ScenarioDraft.spoken($0))" } ?? "")
        transcript.line("\(agency) received \(message.type) from \(delivery.sender) (attempt \(delivery.attempt)\(due)), "
            + "checked its signature, acknowledged")
        return envelope
    }

    /// `agency` fetches its inbox until a notice of `type` from the broker is there, verifies the
    /// broker's signature and acknowledges it. Returns its payload.
    @discardableResult
    func receiveNotice(_ type: String, by agency: String) async throws -> JSONValue {
        let (_, envelope) = try await acknowledgeFirst(by: agency, "a \(type) notice") {
            $0.type == type && $0.sender == DeliveryVerifier.broker
        }
        transcript.line("\(agency) received \(type) from the broker, checked its signature, acknowledged")
        return envelope["payload"] ?? .null
    }

    /// The first delivery to `agency` that `matches`, from its inbox (waiting up to 15 seconds),
    /// with its signature verified and acknowledged; `what` names it when it never comes.
    private func acknowledgeFirst(by agency: String, _ what: String,
                                  where matches: @escaping @Sendable (Delivery) -> Bool) async throws -> (Delivery, JSONValue) {
        let client = try await partnership.client(agency)
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            var found = await partnership.take(for: agency, where: matches)
            if found == nil {
                await partnership.hold(try await client.inbox(limit: 100, wait: 2), for: agency)
                found = await partnership.take(for: agency, where: matches)
            }
            guard let delivery = found else { continue }
            let envelope = try JSONValue(parsing: try await partnership.deliveryVerifier().verify(delivery))
            _ = try await client.acknowledge(delivery: delivery.id)
            return (delivery, envelope)
        }
        throw ScenarioFailure("\(agency) never received \(what)")
    }

    /// Sends `body` (JSON) as `agency` and answers the JSON of a 200.
    func post(_ path: String, _ body: [String: Any], as agency: String) async throws -> JSONValue {
        let response = try await partnership.client(agency).send(
            "POST", path, body: try JSONSerialization.data(withJSONObject: body), contentType: "application/json")
        guard response.status == 200 else {
            throw ScenarioFailure("\(agency) was answered \(response.status) by POST \(path): \(String(decoding: response.body, as: UTF8.self))")
        }
        return try JSONValue(parsing: response.body)
    }

    /// GETs `path` as `agency` and answers the JSON of a 200.
    func get(_ path: String, as agency: String) async throws -> JSONValue {
        let response = try await partnership.client(agency).send("GET", path)
        guard response.status == 200 else {
            throw ScenarioFailure("\(agency) was answered \(response.status) by GET \(path)")
        }
        return try JSONValue(parsing: response.body)
    }

    /// The sender's view of `message`: every recipient must have acknowledged it.
    func requireAcknowledged(_ message: Published) async throws -> StatusAnswer {
        let status = try await partnership.client(message.sender).status(message: message.id)
        let states = status.recipients.map { "\($0.agency) \($0.state)" }
        transcript.line("\(message.sender) sees \(message.type): \(states.joined(separator: ", "))")
        let waiting = status.recipients.filter { $0.state != "acknowledged" }.map(\.agency)
        guard waiting.isEmpty else { throw ScenarioFailure("\(list(waiting)) did not acknowledge \(message.type)") }
        return status
    }

    /// When something at `from` in `area` is due under `rule` (`next-school-day`,
    /// `working-days:N`), as the broker's calendar says.
    func deadline(_ rule: String, from: Date, in area: String, as agency: String) async throws -> Date {
        let path = "/v1/calendar/deadline?area=\(area)&rule=\(rule)&from=\(ScenarioDraft.instant(from))"
        let response = try await partnership.client(agency).send("GET", path)
        guard response.status == 200, let text = try JSONValue(parsing: response.body)["dueBy"]?.stringValue,
              let due = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) else {
            throw ScenarioFailure("the calendar gave no \(rule) deadline (\(response.status))")
        }
        return due
    }

    /// The audit log's entries about `messages`, read by the partnership's auditor, one line each.
    func auditTrail(_ messages: [Published]) async throws {
        let client = try await partnership.client(Self.auditor)
        for message in messages {
            let response = try await client.send("GET", "/v1/audit/entries?messageId=\(message.id.lowercased)&limit=1000")
            guard response.status == 200, let entries = try JSONValue(parsing: response.body)["entries"]?.arrayValue else {
                throw ScenarioFailure("\(Self.auditor) could not read the audit entries of \(message.type) (\(response.status))")
            }
            let lines = entries.compactMap { entry -> String? in
                guard case .number(let index)? = entry["index"], let event = entry["event"],
                      let kind = event["kind"]?.stringValue, let agency = event["agency"]?.stringValue else { return nil }
                let other = event["recipient"]?.stringValue.map { " → \($0)" } ?? ""
                return "#\(Int(index)) \(kind) \(agency)\(other)"
            }
            guard lines.contains(where: { $0.hasPrefix("#\(message.auditIndex) published") }) else {
                throw ScenarioFailure("the audit log has no published entry #\(message.auditIndex) for \(message.type)")
            }
            transcript.line("audit log, \(message.type): " + lines.joined(separator: "; "))
        }
    }

    private func list(_ agencies: [String]) -> String {
        agencies.isEmpty ? "nobody" : agencies.joined(separator: ", ")
    }
}

extension UUID {
    /// The id as the broker writes it.
    var lowercased: String { uuidString.lowercased() }
}
