import RightsRegistry
import Testing

@Suite("Allocator")
struct AllocatorTests {
    /// Linked is not enough: jemalloc must serve the Swift runtime's allocations, which it does
    /// only if its `malloc` comes before the C library's.
    @Test("the process allocates through jemalloc: a Swift array's bytes are counted by it")
    func jemallocServesSwift() throws {
        let version = try #require(Allocator.version)
        #expect(version.hasPrefix("5."), "jemalloc \(version)")
        let before = try #require(Allocator.allocatedByThisThread)
        let bytes = [UInt8](repeating: 7, count: 1 << 20)
        let after = try #require(Allocator.allocatedByThisThread)
        #expect(after - before >= UInt64(bytes.count), "jemalloc counted \(after - before) bytes")
        #expect(bytes.last == 7)
    }
}
