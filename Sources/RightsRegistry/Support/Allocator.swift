import CJemalloc

/// The allocator the registry runs on: jemalloc, linked into every program that links the
/// registry, so that its `malloc` and `free` serve the whole process, the Swift runtime's
/// allocations included. An import, a search or a settlement allocates and frees documents,
/// strings and arrays by the thousand: on the C library's allocator an import took 12 % more CPU
/// (issue 16; BENCHMARKS.md, twenty-first session).
public enum Allocator {
    /// jemalloc's version, as it reports it ("5.3.0-0-g…"); nil if it does not answer, which
    /// would mean another allocator serves this process.
    public static var version: String? {
        var text: UnsafePointer<CChar>?
        var length = MemoryLayout<UnsafePointer<CChar>?>.size
        guard mallctl("version", &text, &length, nil, 0) == 0, let text else { return nil }
        return String(cString: text)
    }

    /// Hands the pages of freed memory back to the system now, rather than as they age (every
    /// arena purged; `MALLCTL_ARENAS_ALL` is 4096). Returns whether jemalloc did.
    @discardableResult
    public static func returnFreedMemory() -> Bool { mallctl("arena.4096.purge", nil, nil, nil, 0) == 0 }

    /// The bytes the calling thread has allocated so far, as jemalloc counts them.
    public static var allocatedByThisThread: UInt64? {
        var bytes: UInt64 = 0
        var length = MemoryLayout<UInt64>.size
        guard mallctl("thread.allocated", &bytes, &length, nil, 0) == 0 else { return nil }
        return bytes
    }
}
