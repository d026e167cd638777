import Testing

@testable import RightsRegistry

@Suite("An import's memory budget")
struct MemoryBudgetTests {
    @Test("over the budget, memory freed in the middle of the heap goes back to the system; under it, nothing is done")
    func freedMemoryReturned() throws {
        #if os(Linux)
            #expect(MemoryBudget(bytes: Int.max).keep() == false)
            // ~64 MB in small blocks, of which one in a thousand stays: the freed blocks lie
            // between live ones, where the allocator keeps them for the process.
            var blocks = (0..<250_000).map { [UInt8](repeating: UInt8($0 & 0xff), count: 256) }
            let before = try #require(MemoryBudget.residentBytes())
            blocks = blocks.enumerated().filter { $0.offset % 1_000 == 0 }.map(\.element)
            let freed = try #require(MemoryBudget.residentBytes())
            #expect(MemoryBudget(bytes: 0).keep())
            let after = try #require(MemoryBudget.residentBytes())
            #expect(blocks.count == 250 && before > 64 << 20)
            #expect(
                freed - after > 16 << 20,
                "resident: \(before >> 20) MB, \(freed >> 20) MB freed, \(after >> 20) MB trimmed")
        #endif
    }
}
