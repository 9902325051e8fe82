public import Foundation

/// Builds envelopes for tests: a valid unborn-baby referral by default, fictional throughout
/// (NHS number from the 999 test range), with any field replaced or removed.
public struct EnvelopeBuilder {
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
            "payload": ["summary": "Fictional test referral", "padding": ""],
        ]
    }

    public var id: String { fields["id"] as! String }

    public func with(_ key: String, _ value: Any?) -> EnvelopeBuilder {
        var copy = self
        copy.fields[key] = value
        return copy
    }

    /// A payload padded so the whole envelope is about `bytes` long.
    public func padded(to bytes: Int) -> EnvelopeBuilder {
        with("payload", ["summary": "Fictional test referral", "padding": String(repeating: "x", count: max(0, bytes - 900))])
    }

    public var data: Data {
        try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])
    }
}
