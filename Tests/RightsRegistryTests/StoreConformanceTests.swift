import Foundation
import RegistryTestSupport
import Testing

@testable import RightsRegistry

/// Stores the conformance suite runs against. PostgreSQL joins when configured.
enum StoreFactory: String, CaseIterable, CustomTestStringConvertible {
    case sqliteMemory = "SQLite in memory"
    case sqliteFile = "SQLite file"

    var testDescription: String { rawValue }

    /// Files of file-backed stores live here and go when the test process ends.
    static let directory: TemporaryDirectory = {
        let directory = try! TemporaryDirectory("rights-stores")
        atexit(removeStoreDirectory)
        return directory
    }()

    func make() throws -> any RegistryStore {
        switch self {
        case .sqliteMemory: return try SQLiteRegistryStore(inMemory: SQLiteSchema.registry)
        case .sqliteFile: return try SQLiteRegistryStore(path: Self.directory.file("\(UUID().uuidString).sqlite"))
        }
    }
}

/// Statics are never deinitialised, so the store directory is removed at exit.
private func removeStoreDirectory() {
    try? FileManager.default.removeItem(atPath: StoreFactory.directory.path)
}

/// One suite for every store (the FluentBenchmark idea): the log, its tree, the projections.
@Suite("Store conformance")
struct StoreConformanceTests {
    /// A registry with `count` policy entries: small, uniform entries to exercise the tree.
    func fill(_ store: any RegistryStore, count: Int) async throws {
        for round in 0..<count {
            var policy = RegistryPolicy.default
            policy.objectionDays = 15 + round
            _ = try await store.append(
                [try EntryDraft(event: PolicySet(policy: policy), time: "2026-11-20T10:00:00+08:00", actor: "test")],
                expectedSize: UInt64(round))
        }
    }

    @Test(
        "roots and proofs from stored subtrees equal RFC 9162 over the stored entries", arguments: StoreFactory.allCases
    )
    func treeMatchesEntries(_ factory: StoreFactory) async throws {
        let store = try factory.make()
        try await fill(store, count: 37)
        let entries = try await store.entries(0..<37)
        #expect(entries.map(\.index) == Array(0..<37))
        let reference = MemoryTree(leaves: entries.map(\.leafHash))
        for size in [1, 2, 3, 8, 16, 17, 31, 32, 37] as [UInt64] {
            #expect(
                try await MerkleTree.root(size: size, reader: store)
                    == (try await MerkleTree.root(size: size, reader: reference)))
            for index in [0, size / 2, size - 1] {
                #expect(
                    try await MerkleTree.inclusionProof(index: index, size: size, reader: store)
                        == (try await MerkleTree.inclusionProof(index: index, size: size, reader: reference)))
            }
            #expect(
                try await MerkleTree.consistencyProof(from: max(1, size / 3), to: size, reader: store)
                    == (try await MerkleTree.consistencyProof(from: max(1, size / 3), to: size, reader: reference)))
        }
    }

    @Test("an append expecting the wrong size writes nothing", arguments: StoreFactory.allCases)
    func sizeCheck(_ factory: StoreFactory) async throws {
        let store = try factory.make()
        try await fill(store, count: 3)
        await #expect(throws: StoreError.sizeChanged(expected: 2, actual: 3)) {
            try await store.append(
                [try EntryDraft(event: PolicySet(policy: .default), time: "2026-11-20T10:00:00+08:00", actor: "t")],
                expectedSize: 2)
        }
        #expect(try await store.size() == 3)
        #expect(try await store.document(PolicyRecord.key(PolicyRecord.singletonKey))?["set_at"] == 2)
    }

    @Test(
        "entries are canonical JSON with the six fields, and a projection applies in the same transaction",
        arguments: StoreFactory.allCases)
    func entryShape(_ factory: StoreFactory) async throws {
        let t = try await TestRegistry(store: try factory.make())
        let first = try #require(try await t.store.entries(0..<1).first)
        let parsed = try JSONParser.parse(first.bytes)
        #expect(Set(parsed.objectValue!.keys) == ["index", "kind", "version", "time", "actor", "payload"])
        #expect(CanonicalJSON.bytes(parsed) == first.bytes)
        #expect(first.kind == "collective")
        #expect(first.actor == "import:test")
        #expect(first.time == "2026-11-20T10:00:00+08:00")
        #expect(try await t.reads.collective(t.collective(0))?.registeredAt == 0)
    }

    @Test("projections rebuilt from the log equal the live ones", arguments: StoreFactory.allCases)
    func rebuild(_ factory: StoreFactory) async throws {
        let t = try await TestRegistry(store: try factory.make())
        try await t.act(t.contract(0, 1), .seizure(court: "海盐县人民法院", caseNumber: "(2026)浙0424执1号"))
        let before = try await t.snapshot()
        try await Maintenance(store: t.store, catalog: .registry).rebuild()
        #expect(try await t.snapshot() == before)
    }

    @Test("queries filter by index columns and region prefix, in key order", arguments: StoreFactory.allCases)
    func queries(_ factory: StoreFactory) async throws {
        let t = try await TestRegistry(store: try factory.make())
        let village = t.county.villages()[1]
        let inVillage = try await t.reads.rights(RightQuery(kind: .homestead, region: village))
        #expect(inVillage.count == 4)
        #expect(inVillage.map(\.id) == inVillage.map(\.id).sorted())
        let township = try await t.reads.rights(RightQuery(region: String(village.prefix(9))))
        #expect(township.count == 2 * 4 * 3)
        let paged = try await t.reads.rights(
            RightQuery(region: String(village.prefix(9)), limit: 5, after: township[4].id))
        #expect(paged.map(\.id) == township[5..<10].map(\.id))
        #expect(try await t.store.count(Right.table, where: [.equals("kind", "collective-share")]) == 8)
    }

    @Test("a second connection to the same file appends after the first without breaking the tree")
    func twoWriters() async throws {
        let path = StoreFactory.directory.file("two-\(UUID().uuidString).sqlite")
        let first = try SQLiteRegistryStore(path: path)
        let second = try SQLiteRegistryStore(path: path)
        for round in 0..<10 {
            let store: any RegistryStore = round % 3 == 0 ? second : first
            _ = try await store.append(
                [
                    try EntryDraft(
                        event: PolicySet(policy: .default), time: "2026-11-20T10:00:00+08:00", actor: "w\(round)")
                ],
                expectedSize: nil)
        }
        let entries = try await first.entries(0..<10)
        #expect(entries.map(\.index) == Array(0..<10))
        let reference = MemoryTree(leaves: entries.map(\.leafHash))
        #expect(
            try await MerkleTree.root(size: 10, reader: second)
                == (try await MerkleTree.root(size: 10, reader: reference)))
    }
}
