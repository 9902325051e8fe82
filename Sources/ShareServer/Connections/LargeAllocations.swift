#if canImport(Glibc)
import CMalloc
import Glibc
#endif

/// Blocks of `threshold` bytes or more that glibc's heap has no free space for are given pages
/// of their own (glibc's mmap threshold) instead of growing the heap, where glibc's default
/// threshold is 128 KiB and rises as such blocks are freed. Each
/// connection holds several such blocks for as long as it is open (NIOSSL's 32 KiB plaintext
/// and 16 KiB outbound buffers, and the slab of about 16 KiB into which Swift's task allocator
/// merges its task's stack), of which an
/// idle connection writes only the first pages. In the heap, a block made of memory that
/// earlier blocks used is resident whether written or not, and freed memory goes back to the
/// system only when the heap can give up whole pages; on pages of their own, only the pages
/// written are resident, and all of them go back the moment the block is freed. With 10,000 idle streams
/// this took an open stream from 65.5 to 53.5 KiB (BENCHMARKS.md, "10,000 streams").
public enum LargeAllocations {
    /// 12 KiB: below the 16 KiB blocks above, far above the blocks a message's work allocates
    /// by the thousand (a 3.8 KB message's buffers are smaller).
    public static let threshold = 12 * 1024

    /// Sets glibc's mmap threshold for this process, unless its operator set one
    /// (`MALLOC_MMAP_THRESHOLD_`); elsewhere, and under a sanitizer's allocator, nothing.
    static func mapApart() {
        #if canImport(Glibc)
        guard getenv("MALLOC_MMAP_THRESHOLD_") == nil else { return }
        _ = mallopt(M_MMAP_THRESHOLD, Int32(threshold))
        #endif
    }
}
