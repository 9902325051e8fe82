import Foundation
import ShareBroker
import ShareModel

/// The audit log's entries as FHIR R4 AuditEvent resources in a `collection` Bundle, so that a
/// trust's audit tooling can import them. Each event keeps the entry's index and exact bytes
/// (`entity.detail` `auditIndex` and `leaf`), so every one can still be proved in the signed
/// tree; the disclosure decision travels in `purposeOfEvent` and the entity's details. Never a
/// payload: the log holds none.
struct FHIRAuditExport {
    let words: Words
    /// The identifiers the export was asked for, written into each event as its patient.
    let subjects: [SubjectIdentifier]

    static let dicom = "http://dicom.nema.org/resources/ontology/DCM"
    static let agencySystem = "urn:sharebroker:agency"

    func bundle(_ entries: [StoredEvent], generatedAt: Date) -> FHIRBundle {
        FHIRBundle(id: "sharebroker-export-\(Int(generatedAt.timeIntervalSince1970))", timestamp: Timestamp.format(generatedAt),
                   entry: entries.map { FHIRBundle.Entry(fullUrl: "urn:sharebroker:audit-entry:\($0.index)", resource: event($0)) })
    }

    func event(_ stored: StoredEvent) -> FHIRAuditEvent {
        let event = stored.event
        let failed = [.refused, .expired, .deadLettered].contains(event.kind)
        var message = FHIRAuditEvent.Entity(
            what: FHIRReference(identifier: event.messageID.map { FHIRIdentifier(system: "urn:ietf:rfc:3986", value: "urn:uuid:\($0.lowercasedString)") },
                                display: event.messageType.map(words.type)),
            type: FHIRCoding(system: "http://terminology.hl7.org/CodeSystem/audit-entity-type", code: "2", display: "System Object"),
            name: event.messageType, detail: details(stored))
        if event.messageID == nil { message.description = event.query ?? event.kind.rawValue }
        return FHIRAuditEvent(
            id: "sharebroker-\(stored.index)", type: Self.eventType(event.kind),
            subtype: [FHIRCoding(system: "urn:sharebroker:audit-entry-kind", code: event.kind.rawValue, display: Words.entryKind(event.kind.rawValue))],
            action: Self.action(event.kind), recorded: Timestamp.format(event.at), outcome: failed ? "4" : "0",
            outcomeDesc: failed ? (event.kind == .refused ? "Refused: " + Words.refusal(event.rule) : Words.entryKind(event.kind.rawValue)) : nil,
            purposeOfEvent: event.disclosure.map { decision in
                [FHIRCodeableConcept(coding: [FHIRCoding(system: "urn:sharebroker:disclosure-purpose", code: decision.purpose,
                                                          display: Words.purpose(decision.purpose))])]
            },
            agent: agents(event),
            source: .init(site: "sharebroker", observer: FHIRReference(display: "sharebroker"), type: [
                FHIRCoding(system: "http://terminology.hl7.org/CodeSystem/security-source-type", code: "4", display: "Application Server"),
            ]),
            entity: [message] + patients())
    }

    /// The agency that acted (the requestor), the recipient, and the practitioner who decided.
    private func agents(_ event: EventRecord) -> [FHIRAuditEvent.Agent] {
        var agents = [FHIRAuditEvent.Agent(
            type: FHIRCodeableConcept(coding: [FHIRCoding(system: Self.dicom, code: "110153", display: "Source Role ID")]),
            who: agency(event.agency), requestor: true)]
        for recipient in (event.recipient.map { [$0] } ?? event.recipients ?? []) {
            agents.append(.init(type: FHIRCodeableConcept(coding: [FHIRCoding(system: Self.dicom, code: "110152", display: "Destination Role ID")]),
                                who: agency(recipient), requestor: false))
        }
        if let decidedBy = event.disclosure?.decidedBy {
            agents.append(.init(
                type: FHIRCodeableConcept(coding: [FHIRCoding(system: "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", code: "AUT",
                                                              display: "author (originator)")]),
                role: [FHIRCodeableConcept(text: decidedBy.role)], name: decidedBy.name, requestor: false))
        }
        return agents
    }

    private func agency(_ id: AgencyID) -> FHIRReference {
        FHIRReference(identifier: FHIRIdentifier(system: Self.agencySystem, value: id.rawValue), display: words.agency(id))
    }

    /// The entry's place in the log, its exact bytes, the disclosure decision in words, and the
    /// subscription it names (for a routed entry, the one that found the recipient).
    private func details(_ stored: StoredEvent) -> [FHIRAuditEvent.Entity.Detail] {
        var details = [
            FHIRAuditEvent.Entity.Detail(type: "auditIndex", valueString: String(stored.index)),
            FHIRAuditEvent.Entity.Detail(type: "leaf", valueBase64Binary: stored.entry.base64EncodedString()),
        ]
        if let decision = stored.event.disclosure {
            let decisionDetails: [(String, String?)] = [
                ("lawfulBasis", Words.lawfulBasis(decision.lawfulBasis)),
                ("specialCategoryCondition", decision.specialCategoryCondition.map(Words.specialCategory)),
                ("consent", Words.consent(decision.consent.status.rawValue) + (decision.consent.reason.map { ": " + $0 } ?? "")),
                ("decidedAt", Timestamp.format(decision.decidedAt)),
                ("rationale", decision.rationale),
            ]
            details += decisionDetails.compactMap { name, value in value.map { FHIRAuditEvent.Entity.Detail(type: name, valueString: $0) } }
        }
        if let dueBy = stored.event.dueBy { details.append(.init(type: "dueBy", valueString: Timestamp.format(dueBy))) }
        if let subscription = stored.event.subscriptionID {
            details.append(.init(type: "subscription", valueString: subscription.lowercasedString))
        }
        return details
    }

    /// The subject the export was asked about, as the patient of each event.
    private func patients() -> [FHIRAuditEvent.Entity] {
        subjects.map { subject in
            let identifier: FHIRIdentifier = switch subject {
            case .nhsNumber(let number): FHIRIdentifier(system: "https://fhir.nhs.uk/Id/nhs-number", value: number)
            case .local(let system, let value): FHIRIdentifier(type: FHIRCodeableConcept(text: system), value: value)
            case .unborn(let mother, _): FHIRIdentifier(system: "https://fhir.nhs.uk/Id/nhs-number", value: mother)
            }
            var patient = FHIRAuditEvent.Entity(
                what: FHIRReference(identifier: identifier),
                type: FHIRCoding(system: "http://terminology.hl7.org/CodeSystem/audit-entity-type", code: "1", display: "Person"),
                role: FHIRCoding(system: "http://terminology.hl7.org/CodeSystem/object-role", code: "1", display: "Patient"))
            if case .unborn(_, let date) = subject { patient.description = "The unborn baby of this mother, expected on \(date)" }
            return patient
        }
    }

    /// DICOM's audit event types: a disclosure leaving its sender is an export, its receipt an
    /// import, a search a query; anything else is the broker's own application activity.
    static func eventType(_ kind: EventRecord.Kind) -> FHIRCoding {
        switch kind {
        case .published, .routed, .delivered, .retrieved, .refused, .expired, .deadLettered:
            FHIRCoding(system: dicom, code: "110106", display: "Export")
        case .acknowledged:
            FHIRCoding(system: dicom, code: "110107", display: "Import")
        case .auditQueried, .flagQueried:
            FHIRCoding(system: dicom, code: "110112", display: "Query")
        default:
            FHIRCoding(system: dicom, code: "110100", display: "Application Activity")
        }
    }

    /// FHIR's audit action codes: create, read, execute.
    static func action(_ kind: EventRecord.Kind) -> String {
        switch kind {
        case .published: "C"
        case .retrieved, .auditQueried, .flagQueried: "R"
        default: "E"
        }
    }
}
