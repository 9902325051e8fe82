/// The metadata keys of every log line. Values are ids, kinds and outcomes: never payloads,
/// subject identifiers, names or JWS text.
public enum ShareLogKey {
    public static let agency = "share.agency"
    public static let messageID = "share.message_id"
    public static let deliveryID = "share.delivery_id"
    public static let messageType = "share.type"
    public static let outcome = "share.outcome"
    public static let count = "share.count"
}
