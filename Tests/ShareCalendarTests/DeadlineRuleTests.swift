import ShareCalendar
import Testing

@Suite("Deadline rules")
struct DeadlineRuleTests {
    @Test("the rules read back as written", arguments: ["next-school-day", "working-days:1", "working-days:5", "working-days:60"])
    func valid(_ text: String) {
        #expect(DeadlineRule(text)?.description == text)
    }

    @Test("anything else is no rule", arguments: [
        "working-days:0", "working-days:61", "working-days:+5", "working-days:05x", "working-days:", "Working-days:5",
        "next-school-day ", "next-working-day", "",
    ])
    func invalid(_ text: String) {
        #expect(DeadlineRule(text) == nil)
    }
}
