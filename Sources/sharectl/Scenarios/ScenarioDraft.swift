import Foundation

/// An envelope a scenario is about to send: a valid example of the message catalogue, given a
/// new id and times of now, and changed where the flow needs it.
struct ScenarioDraft {
    private(set) var object: [String: Any]

    var id: String { object["id"] as? String ?? "" }
    var type: String { object["type"] as? String ?? "" }

    /// The catalogue example `file` of the type folder `type` (such as `mash-enquiry-1`), with a
    /// new id, `sentAt` now, `expiresAt` in `expiresInDays`, and the decision made a few
    /// minutes ago by `sender`. With no `recipients`, a record delivered to nobody: no `to`
    /// and no `expiresAt`.
    init(catalogue: String, type: String, file: String, sender: String, to recipients: [String], expiresInDays: Int = 30) throws {
        let path = "\(catalogue)/examples/\(type)/\(file)"
        guard let data = FileManager.default.contents(atPath: path),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ScenarioFailure("Cannot read the catalogue example \(path).")
        }
        self.object = object
        let now = Date()
        set("/id", UUID().uuidString.lowercased())
        set("/sender", sender)
        set("/to", recipients)
        set("/sentAt", Self.instant(now))
        set("/expiresAt", Self.instant(now.addingTimeInterval(Double(expiresInDays) * 86_400)))
        set("/disclosure/decidedAt", Self.instant(now.addingTimeInterval(-300)))
        set("/disclosure/decidedBy/agency", sender)
        remove("/respondBy")
        if recipients.isEmpty {
            remove("/to")
            remove("/expiresAt")
        }
    }

    /// Sets the member at a JSON Pointer of object members (such as `/payload/incidentAt`),
    /// making the objects on the way.
    mutating func set(_ pointer: String, _ value: Any) {
        object = Self.setting(value, at: pointer.split(separator: "/").map(String.init)[...], in: object)
    }

    /// Removes the member at a JSON Pointer of object members.
    mutating func remove(_ pointer: String) {
        object = Self.setting(nil, at: pointer.split(separator: "/").map(String.init)[...], in: object)
    }

    /// The envelope as the bytes to sign.
    func bytes() throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    private static func setting(_ value: Any?, at path: ArraySlice<String>, in object: [String: Any]) -> [String: Any] {
        guard let key = path.first, value != nil || object[key] != nil else { return object }
        var object = object
        if path.count == 1 {
            object[key] = value
        } else {
            object[key] = setting(value, at: path.dropFirst(), in: object[key] as? [String: Any] ?? [:])
        }
        return object
    }

    /// An instant as RFC 3339 UTC.
    static func instant(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
    }

    /// An instant as a person in England reads it, such as "Mon 7 Dec 2026 08:30 UK time";
    /// text that is not an RFC 3339 instant is returned as it is.
    static func spoken(_ text: String) -> String {
        guard let date = (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
                ?? (try? Date.ISO8601FormatStyle().parse(text)) else { return text }
        return spoken(date)
    }

    /// An instant as a person in England reads it.
    static func spoken(_ date: Date) -> String {
        let format = Date.VerbatimFormatStyle(
            format: "\(weekday: .abbreviated) \(day: .defaultDigits) \(month: .abbreviated) \(year: .defaultDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits)",
            locale: Locale(identifier: "en_GB"), timeZone: london, calendar: Calendar(identifier: .gregorian))
        return date.formatted(format) + " UK time"
    }

    private static let london = TimeZone(identifier: "Europe/London") ?? .gmt

    /// The local date (`YYYY-MM-DD`) of an instant in England.
    static func localDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = london
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}
