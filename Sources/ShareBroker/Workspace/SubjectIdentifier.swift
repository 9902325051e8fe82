/// One identifier an auditor finds a subject by. Several of one child combine into one record:
/// an entry about any of them belongs to it.
public enum SubjectIdentifier: Sendable, Equatable {
    case nhsNumber(String)
    /// A local identifier, such as a social care case number: its `system` and `value`.
    case local(system: String, value: String)
    /// An unborn baby: the mother's NHS number and the expected delivery date (YYYY-MM-DD).
    case unborn(motherNHSNumber: String, expectedDeliveryDate: String)

    /// How the record was found, in words, for the page (never for the log).
    public var words: String {
        switch self {
        case .nhsNumber(let number): "NHS number \(number)"
        case .local(let system, let value): "local identifier \(value) (\(system))"
        case .unborn(let mother, let date): "unborn baby of the mother with NHS number \(mother), due \(date)"
        }
    }
}

extension SubjectTokens {
    /// The keyed token of `identifier`; a 400 naming the field when it is malformed.
    func token(of identifier: SubjectIdentifier) throws -> String {
        switch identifier {
        case .nhsNumber(let number):
            guard let token = token(nhsNumber: number) else { throw BrokerError(.badRequest, "'nhsNumber' must be ten digits.") }
            return token
        case .local(let system, let value):
            guard !system.isEmpty, !value.isEmpty else {
                throw BrokerError(.badRequest, "A local identifier needs both 'system' and 'value'.")
            }
            return token(system: system, value: value)
        case .unborn(let mother, let date):
            guard date.utf8.count == 10, LocalDateText.isValid(date),
                  let token = token(unbornOfMother: mother, expectedDeliveryDate: date) else {
                throw BrokerError(.badRequest, "An unborn baby needs the mother's ten-digit 'mother' NHS number and 'edd' as YYYY-MM-DD.")
            }
            return token
        }
    }
}

/// A YYYY-MM-DD calendar date as text.
enum LocalDateText {
    static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, let month = Int(parts[1]), let day = Int(parts[2]), Int(parts[0]) != nil else {
            return false
        }
        return (1...12).contains(month) && (1...31).contains(day)
    }
}
