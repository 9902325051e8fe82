import Foundation

/// How long tests wait for what they expect (a broker listening, a round of the timers, a
/// condition to hold) and how long a suite may run (`.timeLimit`): the limit the test names, or ten times it in a build with
/// ThreadSanitizer or AddressSanitizer, under which everything runs several times slower.
/// Decided once, by whether a sanitizer's runtime is in this process, so normal runs keep
/// their limits.
public enum TestLimits {
    /// 10 under a sanitizer, otherwise 1.
    public static let factor = sanitized ? 10 : 1

    /// `limit` stretched by `factor`.
    public static func scaled(_ limit: Duration) -> Duration {
        limit * factor
    }

    /// Whether ThreadSanitizer's or AddressSanitizer's runtime is linked into this process (and
    /// so into the programs built beside it): they replace the C library's allocator.
    public static var sanitized: Bool {
        let process = dlopen(nil, RTLD_NOW)
        let entryPoints: [String] = ["__tsan_init", "__asan_init"]
        return entryPoints.contains { dlsym(process, $0) != nil }
    }
}
