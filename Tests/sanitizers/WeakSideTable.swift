// LeakSanitizer reports the side table of a live object as leaked once no weak reference to it
// remains (see scripts/lsan-suppressions): the object's refcount word holds the table's
// address shifted and tagged. Run it to see whether a Swift release still reports it:
//   swiftc -sanitize=address -g Tests/sanitizers/WeakSideTable.swift -o /tmp/weak
//   /tmp/weak                                                             # 32 bytes "leaked", exit 1
//   LSAN_OPTIONS=suppressions=scripts/lsan-suppressions /tmp/weak         # exit 0
// Swift 6.3.1, 5 December 2026: reported on every run.
final class Target {}
final class Holder { weak var target: Target? }
let target = Target()
func borrowWeakly() {
    let holder = Holder()
    holder.target = target
    print(holder.target != nil)
}
borrowWeakly()
