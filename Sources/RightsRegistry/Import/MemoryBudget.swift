import Foundation

/// Keeps a long import's resident memory near what it holds (issue 16: below 300 MB for a
/// 200,000-household county). Each batch allocates on several threads and frees on others; the
/// allocator keeps what is freed for the process, fragmented (on glibc's, an import of that county
/// ended at 230–290 MB resident while holding ~200 MB). When the resident size passes the budget,
/// the freed memory is handed back to the system (`Allocator.returnFreedMemory`): after every
/// batch it would cost a tenth of the import's time (the pages are faulted in again), so only
/// then.
struct MemoryBudget {
    let bytes: Int

    /// What an import may keep resident before freed memory is handed back.
    static let importer = MemoryBudget(bytes: 240 << 20)

    /// Hands freed memory back to the system if the process's resident size exceeds the budget.
    /// Returns whether it did. Without `/proc`, does nothing.
    @discardableResult
    func keep() -> Bool {
        guard let resident = Self.residentBytes(), resident > bytes else { return false }
        return Allocator.returnFreedMemory()
    }

    /// The resident set size, from `/proc/self/statm` (pages).
    static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
