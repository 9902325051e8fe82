public import ShareModel

/// What a health agency asks: whether a subject has active child-protection flags, and the
/// setting it asks from. The body of `POST /v1/flags/query` (identifiers never go in a URL):
/// `{"nhsNumber", "setting"}` for a child, or `{"mother": {"nhsNumber"}, "expectedDeliveryDate",
/// "setting"}` for an unborn baby.
public struct FlagQuery: Sendable, Equatable {
    public enum Subject: Sendable, Equatable {
        case child(nhsNumber: String)
        case unborn(motherNHSNumber: String, expectedDeliveryDate: String)
    }

    public let subject: Subject
    /// One of the catalogue's care settings, such as `emergency-department`.
    public let setting: String

    /// Reads a query; `isValid(definition, value)` says whether `value` is valid against the
    /// catalogue's common definition of that name (`nhsNumber`, `date`, `careSetting`), so the
    /// catalogue stays the one place that says what each is. Every mistake is listed with its pointer.
    public init(parsing body: JSONValue, isValid: (String, JSONValue) -> Bool) throws(BrokerError) {
        guard let members = body.objectValue else {
            throw BrokerError(.badRequest, "The body must be a JSON object: {\"nhsNumber\", \"setting\"}, or {\"mother\": {\"nhsNumber\"}, \"expectedDeliveryDate\", \"setting\"} for an unborn baby.")
        }
        var problems: [ValidationProblem] = []
        func field(_ value: JSONValue?, _ pointer: JSONPointer, _ definition: String, _ meaning: String) -> String? {
            guard let value else {
                problems.append(ValidationProblem(pointer: pointer, message: "Missing: give \(meaning)."))
                return nil
            }
            guard isValid(definition, value), let text = value.stringValue else {
                problems.append(ValidationProblem(pointer: pointer, message: "Not \(meaning) (see urn:sharebroker:schema:common#/$defs/\(definition))."))
                return nil
            }
            return text
        }
        for key in members.keys.sorted() where !["nhsNumber", "mother", "expectedDeliveryDate", "setting"].contains(key) {
            problems.append(ValidationProblem(pointer: JSONPointer.root.appending(key.string), message: "Not a field of a flag query; the fields are nhsNumber, mother, expectedDeliveryDate and setting."))
        }
        let setting = field(members["setting"], "/setting", "careSetting", "the setting you ask from, such as \"emergency-department\"")
        var subject: Subject?
        if members["mother"] != nil || members["expectedDeliveryDate"] != nil {
            if members["nhsNumber"] != nil {
                problems.append(ValidationProblem(pointer: "/nhsNumber", message: "Ask about a child (nhsNumber) or an unborn baby (mother and expectedDeliveryDate), not both."))
            }
            let mother = members["mother"]
            if mother != nil, mother?.objectValue == nil || mother?.objectValue?.keys.contains(where: { $0 != "nhsNumber" }) == true {
                problems.append(ValidationProblem(pointer: "/mother", message: "Must be {\"nhsNumber\": \"...\"}: the mother's NHS number."))
            }
            let nhsNumber = field(mother?["nhsNumber"], "/mother/nhsNumber", "nhsNumber", "the mother's NHS number (ten digits, no spaces)")
            let date = field(members["expectedDeliveryDate"], "/expectedDeliveryDate", "date", "the expected delivery date, YYYY-MM-DD")
            if let nhsNumber, let date { subject = .unborn(motherNHSNumber: nhsNumber, expectedDeliveryDate: date) }
        } else if let nhsNumber = field(members["nhsNumber"], "/nhsNumber", "nhsNumber", "the child's NHS number (ten digits, no spaces)") {
            subject = .child(nhsNumber: nhsNumber)
        }
        guard problems.isEmpty, let subject, let setting else {
            throw BrokerError(.badRequest, "The flag query has \(problems.count) problem(s); each is listed with its JSON Pointer.", problems: problems)
        }
        self.subject = subject
        self.setting = setting
    }
}
