/// The few FHIR R4 data types an AuditEvent export needs, as they are written in JSON (absent
/// optional elements are left out, as FHIR requires).
struct FHIRCoding: Encodable, Equatable {
    let system: String
    let code: String
    let display: String
}

struct FHIRCodeableConcept: Encodable {
    var coding: [FHIRCoding]?
    var text: String?
}

struct FHIRIdentifier: Encodable {
    var system: String?
    var type: FHIRCodeableConcept?
    let value: String
}

struct FHIRReference: Encodable {
    var identifier: FHIRIdentifier?
    var display: String?
}

/// An R4 AuditEvent, shaped as the IHE Basic Audit Log Patterns lay one out: who acted
/// (`agent`, the requestor first), the system that recorded it (`source`), and what it was about
/// (`entity`: the message, and the patient when the export names one).
struct FHIRAuditEvent: Encodable {
    struct Agent: Encodable {
        let type: FHIRCodeableConcept
        var role: [FHIRCodeableConcept]?
        var who: FHIRReference?
        var name: String?
        let requestor: Bool
    }

    struct Source: Encodable {
        let site: String
        let observer: FHIRReference
        let type: [FHIRCoding]
    }

    struct Entity: Encodable {
        struct Detail: Encodable {
            let type: String
            var valueString: String?
            var valueBase64Binary: String?
        }

        let what: FHIRReference
        let type: FHIRCoding
        var role: FHIRCoding?
        var name: String?
        var description: String?
        var detail: [Detail]?
    }

    let resourceType = "AuditEvent"
    let id: String
    let type: FHIRCoding
    let subtype: [FHIRCoding]
    let action: String
    let recorded: String
    let outcome: String
    var outcomeDesc: String?
    var purposeOfEvent: [FHIRCodeableConcept]?
    let agent: [Agent]
    let source: Source
    let entity: [Entity]
}

struct FHIRBundle: Encodable {
    struct Entry: Encodable {
        let fullUrl: String
        let resource: FHIRAuditEvent
    }

    let resourceType = "Bundle"
    let id: String
    let type = "collection"
    let timestamp: String
    let entry: [Entry]
}
