import Foundation
import ShareClient
import ShareModel

/// One flow of docs/domain.md, played by the demo partnership's agencies.
struct Scenario: Sendable {
    let name: String
    let title: String
    let play: @Sendable (ScenarioRun) async throws -> Void

    /// The seven flows, in the order docs/domain.md lists them.
    static let all: [Scenario] = [
        Scenario(name: "unborn-baby-referral", title: "an unborn-baby referral with the relevant health history", play: unbornBabyReferral),
        Scenario(name: "mash-enquiry", title: "a red MASH enquiry answered by every partner asked", play: mashEnquiry),
        Scenario(name: "domestic-abuse-notification", title: "police tell a school of domestic abuse before the next school day", play: domesticAbuseNotification),
        Scenario(name: "unscheduled-care-attendance", title: "a child on a plan attends the emergency department", play: unscheduledCareAttendance),
        Scenario(name: "was-not-brought", title: "a baby not brought to health visiting", play: wasNotBrought),
        Scenario(name: "strategy-discussion", title: "a strategy discussion invitation and its outcome", play: strategyDiscussion),
        Scenario(name: "serious-incident-notification", title: "a serious incident notified to the national Panel and the partners", play: seriousIncident),
    ]
}

/// The demo partnership's agencies, as the scenarios name them.
enum Demo {
    static let hospital = "northshire-hospitals"
    static let police = "northshire-police"
    static let socialCare = "northshire-csc"
    static let mash = "northshire-mash"
    static let school = "oakfield-primary"
    static let gp = "riverside-surgery"
    static let healthVisiting = "northshire-health-visiting"
    static let panel = "national-panel"
    static let area = "E99999999"
}

private func unbornBabyReferral(_ run: ScenarioRun) async throws {
    var referral = try run.draft("unborn-baby-referral-1", "valid-domestic-abuse-and-mental-health.json",
                                       from: Demo.hospital, to: [Demo.mash, Demo.socialCare])
    referral.set("/subject/expectedDeliveryDate", ScenarioDraft.localDate(Date().addingTimeInterval(20 * 7 * 86_400)))
    let sent = try await run.publish(referral)
    var history = try run.draft("relevant-history-1", "valid-health-history.json", from: Demo.hospital, to: [Demo.mash, Demo.socialCare])
    history.set("/subject", referral.object["subject"] ?? [:])
    let pushed = try await run.publish(history)
    for agency in [Demo.mash, Demo.socialCare] {
        try await run.receive(sent, by: agency)
        try await run.receive(pushed, by: agency)
    }
    _ = try await run.requireAcknowledged(sent)
    _ = try await run.requireAcknowledged(pushed)
    try await run.auditTrail([sent, pushed])
}

private func mashEnquiry(_ run: ScenarioRun) async throws {
    let partners = [Demo.hospital, Demo.police, Demo.school, Demo.gp]
    var enquiry = try run.draft("mash-enquiry-1", "valid-red-neglect.json", from: Demo.mash, to: partners, expiresInDays: 1)
    enquiry.set("/payload/contactReceivedAt", ScenarioDraft.instant(Date().addingTimeInterval(-1_800)))
    let asked = try await run.publish(enquiry)
    var answers: [ScenarioRun.Published] = []
    for partner in partners {
        try await run.receive(asked, by: partner)
        var answer = try run.draft("mash-enquiry-response-1", partner == Demo.hospital ? "valid-known-with-findings.json" : "valid-not-known.json",
                                         from: partner, to: [Demo.mash])
        answer.set("/inReplyTo", asked.id.lowercased)
        answer.set("/subject", enquiry.object["subject"] ?? [:])
        answer.set("/payload/respondent/agency", partner)
        answers.append(try await run.publish(answer))
    }
    for answer in answers { try await run.receive(answer, by: Demo.mash) }
    let status = try await run.requireAcknowledged(asked)
    run.transcript.line("\(Demo.mash) sees \(status.answers.count) answers of \(partners.count), due by \(status.respondBy.map(ScenarioDraft.spoken) ?? "no deadline")")
    guard Set(status.answers.map(\.agency)) == Set(partners) else {
        throw ScenarioFailure("the enquiry's status lists answers from \(status.answers.map(\.agency)), not from every partner asked")
    }
    try await run.auditTrail([asked])
}

private func domesticAbuseNotification(_ run: ScenarioRun) async throws {
    let now = Date()
    let due = try await run.deadline("next-school-day", from: now, in: Demo.area, as: Demo.police)
    run.transcript.line("the calendar says: the next school day starts \(ScenarioDraft.spoken(due))")
    var notification = try run.draft("domestic-abuse-notification-1", "valid-child-present.json", from: Demo.police, to: [Demo.school], expiresInDays: 7)
    notification.set("/payload/incidentAt", ScenarioDraft.instant(now.addingTimeInterval(-6 * 3_600)))
    notification.set("/payload/nextSchoolDay", ScenarioDraft.localDate(due))
    notification.set("/payload/sentBeforeNextSchoolDay", true)
    let sent = try await run.publish(notification)
    try await run.receive(sent, by: Demo.school)
    _ = try await run.requireAcknowledged(sent)
    try await run.auditTrail([sent])
}

private func unscheduledCareAttendance(_ run: ScenarioRun) async throws {
    let now = Date()
    var flag = try run.draft("child-protection-flag-1", "valid-child-protection-plan.json", from: Demo.socialCare, to: [])
    flag.set("/payload/startDate", ScenarioDraft.localDate(now))
    let flagged = try await run.publish(flag)
    guard let nhsNumber = (flag.object["subject"] as? [String: Any])?["nhsNumber"] as? String else {
        throw ScenarioFailure("the catalogue's flag example has no NHS number")
    }

    let answer = try await run.post("/v1/flags/query", ["nhsNumber": nhsNumber, "setting": "emergency-department"], as: Demo.hospital)
    let found = answer["flags"]?.arrayValue?.first { $0["flag"]?.stringValue == flagged.id.lowercased }
    guard let found, found["owner"]?["agency"]?.stringValue == Demo.socialCare else {
        throw ScenarioFailure("the emergency department's query did not show the child protection plan just set")
    }
    run.transcript.line("\(Demo.hospital) asked from the emergency department whether the child is flagged: "
        + "\(found["kind"]?.stringValue ?? "a") plan, owned by \(Demo.socialCare) (\(found["owningTeam"]?["name"]?.stringValue ?? "its team"))")
    let notice = try await run.receiveNotice("flag-accessed/1", by: Demo.socialCare)
    guard notice["accessedBy"]?.stringValue == Demo.hospital else {
        throw ScenarioFailure("the access notice does not name \(Demo.hospital)")
    }
    let accesses = try await run.get("/v1/flags/accesses", as: Demo.socialCare)
    guard accesses["ofYourFlags"]?.arrayValue?.contains(where: { $0["queriedBy"]?.stringValue == Demo.hospital }) == true else {
        throw ScenarioFailure("\(Demo.socialCare) does not see the emergency department's access in its list")
    }
    run.transcript.line("\(Demo.socialCare) sees the access in GET /v1/flags/accesses")

    var attendance = try run.draft("unscheduled-care-attendance-1", "valid-emergency-department-injury.json",
                                   from: Demo.hospital, to: [Demo.socialCare])
    attendance.set("/subject", flag.object["subject"] ?? [:])
    attendance.set("/payload/attendedAt", ScenarioDraft.instant(now.addingTimeInterval(-2 * 3_600)))
    attendance.set("/payload/dischargedAt", ScenarioDraft.instant(now.addingTimeInterval(-600)))
    attendance.set("/payload/informationAccessedBy/agency", Demo.hospital)
    let sent = try await run.publish(attendance)
    try await run.receive(sent, by: Demo.socialCare)
    _ = try await run.requireAcknowledged(sent)
    try await run.auditTrail([flagged, sent])
}

private func wasNotBrought(_ run: ScenarioRun) async throws {
    let recipients = [Demo.healthVisiting, Demo.gp, Demo.socialCare]
    var notice = try run.draft("was-not-brought-1", "valid-health-visiting-on-plan.json", from: Demo.hospital, to: recipients)
    notice.set("/payload/appointmentDate", ScenarioDraft.localDate(Date().addingTimeInterval(-86_400)))
    let sent = try await run.publish(notice)
    for agency in recipients { try await run.receive(sent, by: agency) }
    _ = try await run.requireAcknowledged(sent)
    try await run.auditTrail([sent])
}

private func strategyDiscussion(_ run: ScenarioRun) async throws {
    let now = Date()
    let invited = [Demo.police, Demo.hospital, Demo.school]
    var invitation = try run.draft("strategy-discussion-invitation-1", "valid-remote-neglect.json", from: Demo.socialCare, to: invited)
    invitation.set("/payload/proposedStart", ScenarioDraft.instant(now))
    invitation.set("/expiresAt", ScenarioDraft.instant(now.addingTimeInterval(3_600)))
    let sent = try await run.publish(invitation)
    for agency in invited { try await run.receive(sent, by: agency) }
    _ = try await run.requireAcknowledged(sent)
    var outcome = try run.draft("strategy-discussion-outcome-1", "valid-joint-section-47.json", from: Demo.socialCare, to: invited, expiresInDays: 90)
    outcome.set("/inReplyTo", sent.id.lowercased)
    outcome.set("/payload/heldAt", ScenarioDraft.instant(now))
    let decided = try await run.publish(outcome)
    for agency in invited { try await run.receive(decided, by: agency) }
    _ = try await run.requireAcknowledged(decided)
    try await run.auditTrail([sent, decided])
}

private func seriousIncident(_ run: ScenarioRun) async throws {
    let now = Date()
    let aware = now.addingTimeInterval(-86_400)
    let panelDue = try await run.deadline("working-days:5", from: aware, in: Demo.area, as: Demo.socialCare)
    let reviewDue = try await run.deadline("working-days:15", from: aware, in: Demo.area, as: Demo.socialCare)
    run.transcript.line("the calendar says: the Panel must be told by \(ScenarioDraft.spoken(panelDue)), the rapid review is due by \(ScenarioDraft.spoken(reviewDue))")
    let partners = [Demo.panel, Demo.police, Demo.hospital, Demo.mash]
    var notification = try run.draft("serious-incident-notification-1", "valid-serious-harm-notified.json",
                                           from: Demo.socialCare, to: partners, expiresInDays: 60)
    notification.set("/payload/incidentDate", ScenarioDraft.localDate(aware.addingTimeInterval(-86_400)))
    notification.set("/payload/awareDate", ScenarioDraft.localDate(aware))
    notification.set("/payload/notifiedToPanelAt", ScenarioDraft.instant(now))
    notification.set("/payload/rapidReviewDueDate", ScenarioDraft.localDate(reviewDue))
    notification.set("/payload/contributionsDueDate", ScenarioDraft.localDate(min(reviewDue, now.addingTimeInterval(7 * 86_400))))
    let sent = try await run.publish(notification)
    for agency in partners { try await run.receive(sent, by: agency) }
    _ = try await run.requireAcknowledged(sent)
    try await run.auditTrail([sent])
}
