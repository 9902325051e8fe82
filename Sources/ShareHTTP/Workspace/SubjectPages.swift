import Foundation
import ShareBroker
import ShareModel

/// The search form, and a subject's timeline with its filters.
enum SubjectPages {
    /// Find a subject: by NHS number, local identifier, or for an unborn baby the mother's NHS
    /// number and expected delivery date; any fields filled in combine into one record.
    static func search() -> String {
        """
        <form method="get" action="/workspace/subject" class="search">
        <p>Fill in every identifier you know for the child: the record holds what was recorded under any of them.</p>
        <fieldset><legend>Child</legend>
        <label for="nhsNumber">NHS number</label><input id="nhsNumber" name="nhsNumber" inputmode="numeric" autocomplete="off">
        <label for="nhsNumber2">Another NHS number (optional)</label><input id="nhsNumber2" name="nhsNumber" inputmode="numeric" autocomplete="off">
        </fieldset>
        <fieldset><legend>Local identifier</legend>
        <label for="system">System (such as a local authority's case system)</label><input id="system" name="system" autocomplete="off">
        <label for="value">Identifier</label><input id="value" name="value" autocomplete="off">
        </fieldset>
        <fieldset><legend>Unborn baby</legend>
        <label for="mother">Mother's NHS number</label><input id="mother" name="mother" inputmode="numeric" autocomplete="off">
        <label for="edd">Expected delivery date</label><input id="edd" name="edd" type="date">
        </fieldset>
        <button type="submit">Show the record</button>
        </form>
        """
    }

    /// The filter form above a timeline; it keeps the identifiers the record was found by.
    static func filters(identifiers: [(String, String)], filter: TimelineFilter, words: Words, agencies: [Agency],
                        types: [MessageType]) -> String {
        let hidden = identifiers.map { "<input type=\"hidden\" name=\"\(HTML.escape($0.0))\" value=\"\(HTML.escape($0.1))\">" }
        let agencyOptions = agencies.map { agency in
            "<option value=\"\(agency.id)\"\(filter.agency == agency.id ? " selected" : "")>\(HTML.escape(agency.name))</option>"
        }
        let typeOptions = types.map { type in
            "<option value=\"\(type)\"\(filter.type == type.description ? " selected" : "")>\(HTML.escape(words.type(type.description)))</option>"
        }
        return """
            <form method="get" action="/workspace/subject" class="filters" aria-label="Filters">
            \(hidden.joined())
            <div class="field"><label for="agency">Agency</label><select id="agency" name="agency"><option value="">Any agency</option>\(agencyOptions.joined())</select></div>
            <div class="field"><label for="type">Type</label><select id="type" name="type"><option value="">Any type</option>\(typeOptions.joined())</select></div>
            <div class="field"><label for="from">From (date)</label><input id="from" name="from" type="date" value="\(HTML.escape(filter.fromText ?? ""))"></div>
            <div class="field"><label for="to">To (date, inclusive)</label><input id="to" name="to" type="date" value="\(HTML.escape(filter.toText ?? ""))"></div>
            <button type="submit">Filter</button>
            </form>
            """
    }

    static func timeline(_ items: [SubjectTimeline.Item], total: Int, subscriptions: [UUID: Subscription], words: Words,
                         now: Date) -> String {
        let counts = SubjectTimeline.Category.allCases.compactMap { category -> String? in
            let count = items.filter { $0.category == category }.count
            return count == 0 ? nil : "\(count) × \(Words.category(category).lowercased())"
        }
        let summary = items.isEmpty ? "Nothing recorded matches." : counts.joined(separator: ", ") + "."
        let shown = items.count == total ? "" : " (\(items.count) of \(total) shown by the filters)"
        return """
            <h2>Chronology</h2>
            <p class="summary">\(HTML.escape(summary))\(shown)</p>
            <ol class="timeline">\(items.map {
                TimelineItemView(item: $0, words: words, now: now, subscriptions: subscriptions).html()
            }.joined(separator: "\n"))</ol>
            """
    }
}

/// The timeline filters: agency, message type, and a range of UK dates.
struct TimelineFilter {
    var agency: AgencyID?
    var type: String?
    var fromText: String?
    var toText: String?

    var from: Date? { fromText.flatMap(UKTime.startOfDay) }
    var to: Date? { toText.flatMap(UKTime.endOfDay) }
}
