public import Foundation

/// Builds envelopes for tests: a valid unborn-baby referral by default, fictional throughout
/// (NHS number from the 999 test range), with any field replaced or removed. Its payload is
/// the catalogue's example referral payload (Schemas/examples/unborn-baby-referral-1).
public struct EnvelopeBuilder {
    /// The payload of `valid-domestic-abuse-and-mental-health.json`, about 3.5 KiB.
    public static var examplePayload: [String: Any] {
        guard let payload = (try? JSONSerialization.jsonObject(with: exampleEnvelope) as? [String: Any])?["payload"] as? [String: Any] else {
            fatalError("The catalogue's example referral is not an envelope with a payload.")
        }
        return payload
    }

    private static let exampleEnvelope: Data = {
        let file = RepositoryPaths.examples.appendingPathComponent("unborn-baby-referral-1/valid-domestic-abuse-and-mental-health.json")
        guard let data = FileManager.default.contents(atPath: file.path) else {
            fatalError("The catalogue example \(file.path) is missing.")
        }
        return data
    }()

    public var fields: [String: Any]

    public init(from sender: String = "northshire-hospitals", to recipients: [String] = ["northshire-csc"],
                sentAt: Date = Date(), id: UUID = UUID()) {
        let format = Date.ISO8601FormatStyle(timeZone: .gmt)
        fields = [
            "id": id.uuidString.lowercased(),
            "type": "unborn-baby-referral/1",
            "sender": sender,
            "to": recipients,
            "area": "E99999999",
            "subject": [
                "unborn": true, "expectedDeliveryDate": "2027-02-14",
                "mother": ["nhsNumber": "9990001235", "name": "Jane Example", "dateOfBirth": "1999-05-02"],
            ],
            "disclosure": [
                "purpose": "safeguarding-referral", "lawfulBasis": "public-task",
                "specialCategoryCondition": "safeguarding-of-children-and-individuals-at-risk",
                "consent": ["status": "not-sought", "reason": "Seeking consent could increase the risk to the unborn baby"],
                "decidedBy": ["name": "A. Midwife", "role": "Named Midwife for Safeguarding"],
                "decidedAt": sentAt.addingTimeInterval(-60).formatted(format),
                "rationale": "Mother disclosed domestic abuse; history of severe postnatal depression.",
            ],
            "sentAt": sentAt.formatted(format),
            "expiresAt": sentAt.addingTimeInterval(30 * 86400).formatted(format),
            "payload": Self.examplePayload,
        ]
    }

    public var id: String { fields["id"] as! String }

    public func with(_ key: String, _ value: Any?) -> EnvelopeBuilder {
        var copy = self
        copy.fields[key] = value
        return copy
    }

    /// The payload with its free-text `summary` replaced.
    public func withSummary(_ summary: String) -> EnvelopeBuilder {
        var payload = fields["payload"] as? [String: Any] ?? Self.examplePayload
        payload["summary"] = summary
        return with("payload", payload)
    }

    /// The summary padded so the whole envelope is about `bytes` long (at least its unpadded size).
    public func padded(to bytes: Int) -> EnvelopeBuilder {
        let unpadded = withSummary("").data.count
        return withSummary(String(repeating: "x", count: max(1, bytes - unpadded)))
    }

    public var data: Data {
        try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])
    }
}
