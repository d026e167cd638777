import Testing

@testable import RightsRegistry

@Suite("Keys an import has written")
struct WrittenKeysTests {
    @Test("every key inserted may be contained; of keys never inserted, about 1 % at capacity, none when empty")
    func filter() {
        let tables = [Right.table, ParcelClaim.table, Household.table]
        func key(_ n: Int) -> EntityKey { EntityKey(table: tables[n % 3], key: "3304241002\(n)") }
        var written = WrittenKeys(capacity: 10_000)
        #expect(!(0..<1_000).contains { written.mayContain(key($0)) })
        for n in 0..<10_000 { written.insert(key(n)) }
        #expect((0..<10_000).allSatisfy { written.mayContain(key($0)) })
        let falsePositives = (10_000..<30_000).filter { written.mayContain(key($0)) }.count
        #expect(falsePositives < 600, "\(falsePositives) of 20,000 keys never inserted")
        // Over capacity it still never forgets a key; it only answers "maybe" more often.
        for n in 30_000..<60_000 { written.insert(key(n)) }
        #expect((0..<10_000).allSatisfy { written.mayContain(key($0)) })
    }
}
