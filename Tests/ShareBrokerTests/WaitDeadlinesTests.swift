import ShareBroker
import Testing

/// The waits' timeouts kept in buckets behind one timer: a wait ends at its deadline or up to
/// one bucket after, never before; the timer is moved only when a bucket ends earlier than
/// the one it is set for; a wait woken otherwise is never ended by the timer.
@Suite("Wait deadlines")
struct WaitDeadlinesTests {
    let second: UInt64 = 1_000_000_000
    let resolution = WaitDeadlines<Int>.resolution

    @Test("a wait is due at its deadline or up to one bucket after, never before")
    func dueNeverEarly() throws {
        var deadlines = WaitDeadlines<Int>()
        let deadline = 15 * second + 7
        let set = deadlines.add(1, dueAt: deadline)
        let timerAt = try #require(set, "the first wait sets the timer")
        #expect(timerAt >= deadline && timerAt - deadline <= resolution)
        #expect(deadlines.takeDue(at: deadline - 1).due.isEmpty, "not before its deadline")
        let fired = deadlines.takeDue(at: timerAt)
        #expect(fired.due == [1])
        #expect(fired.next == nil, "nothing left: the timer stays unset")
        #expect(deadlines.isEmpty)
    }

    @Test("the timer is moved only for a bucket that ends earlier than the one it is set for")
    func timerMovedOnlyEarlier() throws {
        var deadlines = WaitDeadlines<Int>()
        let set = deadlines.add(1, dueAt: 15 * second)
        let first = try #require(set)
        #expect(deadlines.add(2, dueAt: 20 * second) == nil, "a later wait leaves the timer")
        #expect(deadlines.add(3, dueAt: 15 * second + 1) == nil, "a wait in the same bucket leaves the timer")
        let moved = deadlines.add(4, dueAt: 5 * second)
        let earlier = try #require(moved, "an earlier wait moves the timer")
        #expect(earlier < first)
        let fired = deadlines.takeDue(at: earlier)
        #expect(fired.due == [4])
        #expect(fired.next == first, "then the timer is set for the next bucket")
        #expect(Set(deadlines.takeDue(at: first).due) == [1, 3])
        #expect(deadlines.takeDue(at: 20 * second + resolution).due == [2])
    }

    @Test("a wait woken otherwise is never ended by the timer")
    func removedNeverDue() throws {
        var deadlines = WaitDeadlines<Int>()
        let set = deadlines.add(1, dueAt: 15 * second)
        let timerAt = try #require(set)
        _ = deadlines.add(2, dueAt: 15 * second)
        deadlines.remove(1)
        deadlines.remove(7)
        #expect(deadlines.takeDue(at: timerAt).due == [2])
        _ = deadlines.add(3, dueAt: 30 * second)
        deadlines.remove(3)
        let fired = deadlines.takeDue(at: 31 * second)
        #expect(fired.due.isEmpty)
        #expect(fired.next == nil)
        #expect(deadlines.isEmpty)
    }
}
