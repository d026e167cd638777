import Foundation
import RegistryTestSupport
import Testing

@testable import RightsRegistry

/// One suite for every store (the FluentBenchmark idea): the log, its tree, the projections.
@Suite("Store conformance")
struct StoreConformanceTests {
    /// A registry with `count` policy entries: small, uniform entries to exercise the tree.
    func fill(_ store: any RegistryStore, count: Int) async throws {
        for round in 0..<count {
            _ = try await store.append([try policyDraft(objectionDays: 15 + round)], expectedSize: UInt64(round))
        }
    }

    /// A policy entry's draft, told apart by its objection period.
    func policyDraft(objectionDays: Int) throws -> EntryDraft {
        var policy = RegistryPolicy.default
        policy.objectionDays = objectionDays
        return try EntryDraft(event: PolicySet(policy: policy), time: "2026-11-20T10:00:00+08:00", actor: "test")
    }

    /// A policy entry's draft and its projection worked out for a log of `size` entries.
    func projected(_ store: any RegistryStore, objectionDays: Int, at size: UInt64) async throws
        -> (EntryDraft, Projection)
    {
        let draft = try policyDraft(objectionDays: objectionDays)
        let projection = try await Projector.project([(draft.context(at: size), draft.event)], at: size, over: nil) {
            try await store.projectionRows($0)
        }
        return (draft, projection)
    }

    @Test(
        "roots and proofs from stored subtrees equal RFC 9162 over the stored entries", arguments: TestStore.available
    )
    func treeMatchesEntries(_ factory: TestStore) async throws {
        let store = try await factory.make()
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

    /// An import makes its entries beforehand for where it expects them (issue 16); appended
    /// elsewhere, each is made again for where it goes.
    @Test(
        "an entry made beforehand is stored as made at its index, and made again anywhere else",
        arguments: TestStore.available)
    func placedEntries(_ factory: TestStore) async throws {
        let store = try await factory.make()
        try await fill(store, count: 3)
        let drafts = try [20, 25].map(policyDraft)
        #expect(drafts[0].placing(at: 3).placed(at: 3).entry == drafts[0].entry(at: 3))
        let result = try await store.append(
            [drafts[0].placing(at: 3), drafts[1].placing(at: 9)], expectedSize: 3, checkpoint: nil, projection: nil)
        #expect(result.entries.map(\.index) == [3, 4])
        let entries = try await store.entries(0..<5)
        #expect(entries.map(\.index) == Array(0..<5))
        #expect(entries[3...] == [drafts[0].entry(at: 3), drafts[1].entry(at: 4)])
        let reference = MemoryTree(leaves: entries.map(\.leafHash))
        #expect(
            try await MerkleTree.root(size: 5, reader: store) == (try await MerkleTree.root(size: 5, reader: reference))
        )
        #expect(result.root == (try await MerkleTree.root(size: 5, reader: reference)))
    }

    @Test("an append expecting the wrong size writes nothing", arguments: TestStore.available)
    func sizeCheck(_ factory: TestStore) async throws {
        let store = try await factory.make()
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
        arguments: TestStore.available)
    func entryShape(_ factory: TestStore) async throws {
        let t = try await TestRegistry(store: try await factory.make())
        let first = try #require(try await t.store.entries(0..<1).first)
        let parsed = try JSONParser.parse(first.bytes)
        #expect(Set(parsed.objectValue!.keys) == ["index", "kind", "version", "time", "actor", "payload"])
        #expect(CanonicalJSON.bytes(parsed) == first.bytes)
        #expect(first.kind == "collective")
        #expect(first.actor == "import:test")
        #expect(first.time == "2026-11-20T10:00:00+08:00")
        #expect(try await t.reads.collective(t.collective(0))?.registeredAt == 0)
    }

    @Test(
        "a projection worked out before its append is written in its place, and only at the log's size it was worked out at",
        arguments: TestStore.available)
    func projectionAtItsSize(_ factory: TestStore) async throws {
        let store = try await factory.make()
        try await fill(store, count: 3)
        let policy = PolicyRecord.key(PolicyRecord.singletonKey)
        // Worked out for a log of 2 entries: refused on a log of 3, even with no expected size.
        let (early, stale) = try await projected(store, objectionDays: 20, at: 2)
        await #expect(throws: StoreError.sizeChanged(expected: 2, actual: 3)) {
            try await store.append([early], expectedSize: nil, checkpoint: nil, projection: stale)
        }
        #expect(try await store.size() == 3)
        let (draft, projection) = try await projected(store, objectionDays: 45, at: 3)
        let (other, overtaken) = try await projected(store, objectionDays: 50, at: 3)
        _ = try await store.append([draft], expectedSize: nil, checkpoint: nil, projection: projection)
        #expect(try await store.document(policy)?["set_at"] == 3)
        #expect(try await store.document(policy)?["policy"]?["objection_days"] == 45)
        // Worked out at 3 like the one appended first: the log has moved on, so it is refused.
        await #expect(throws: StoreError.sizeChanged(expected: 3, actual: 4)) {
            try await store.append([other], expectedSize: nil, checkpoint: nil, projection: overtaken)
        }
        #expect(try await store.size() == 4)
        #expect(try await store.document(policy)?["policy"]?["objection_days"] == 45)
    }

    /// An import has the store put each projection in the form it sends while the append before
    /// is written (`RegistryStore.preparing`; issue 16).
    @Test(
        "a projection the store prepared beforehand is written as one it did not, and one prepared for another count of entries is made again",
        arguments: TestStore.available)
    func preparedProjection(_ factory: TestStore) async throws {
        let store = try await factory.make()
        try await fill(store, count: 3)
        let policy = PolicyRecord.key(PolicyRecord.singletonKey)
        for (objectionDays, preparedFor) in [(40, 1), (45, 2), (50, 0)] {
            let size = try await store.size()
            let (draft, projection) = try await projected(store, objectionDays: objectionDays, at: size)
            let result = try await store.append(
                [draft], expectedSize: size, checkpoint: nil,
                projection: store.preparing(projection, entries: preparedFor))
            #expect(result.size == size + 1)
            #expect(try await store.size() == size + 1)
            #expect(try await store.document(policy)?["set_at"] == .number(Double(size)))
            #expect(try await store.document(policy)?["policy"]?["objection_days"] == .number(Double(objectionDays)))
        }
        // The log's head moved by one entry each time: the next append finds it where it is.
        _ = try await store.append([try policyDraft(objectionDays: 55)], expectedSize: 6)
        let entries = try await store.entries(0..<7)
        #expect(entries.map(\.index) == Array(0..<7))
        #expect(
            try await MerkleTree.root(size: 7, reader: store)
                == (try await MerkleTree.root(size: 7, reader: MemoryTree(leaves: entries.map(\.leafHash)))))
    }

    @Test("projections rebuilt from the log equal the live ones", arguments: TestStore.available)
    func rebuild(_ factory: TestStore) async throws {
        let t = try await TestRegistry(store: try await factory.make())
        try await t.act(t.contract(0, 1), .seizure(court: "海盐县人民法院", caseNumber: "(2026)浙0424执1号"))
        let before = try await t.snapshot()
        try await Maintenance(store: t.store, catalog: .registry).rebuild()
        #expect(try await t.snapshot() == before)
    }

    @Test("queries filter by index columns and region prefix, in key order", arguments: TestStore.available)
    func queries(_ factory: TestStore) async throws {
        let t = try await TestRegistry(store: try await factory.make())
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

    @Test(
        "a bulk import (one append of over 1,024 entries) and its rebuild store the rows an in-memory store does, backslashes and quotes included",
        arguments: TestStore.available)
    func bulkImport(_ factory: TestStore) async throws {
        // 300 households: 1,201 records in one batch; some heads' names carry what COPY escapes.
        var lines: [String] = []
        SyntheticCounty(townships: 1, villagesPerTownship: 1, householdsPerVillage: 300).lines { lines.append($0) }
        // The name as stored (backslashes, a quote, "\N" as COPY writes NULL) and as JSON writes it.
        let odd = #"王\N\t\\"伟"#
        let oddInJSON = #"王\\N\\t\\\\\"伟"#
        var renamed = 0
        for index in lines.indices where lines[index].hasPrefix(#"{"type":"household""#) && index % 3 == 0 {
            lines[index] = lines[index].replacingOccurrences(
                of: #""head":{"name":""#, with: #""head":{"name":""# + oddInJSON)
            renamed += 1
        }
        let file = try TemporaryFile(contents: lines.joined(separator: "\n") + "\n")
        let keys = try KeyRing.generate(origin: "registry.test/330424")
        let tested = try await TestRegistry(county: nil, store: try await factory.make(), keys: keys)
        let reference = try await TestRegistry(
            county: nil, store: try await TestStore.sqliteMemory.make(), keys: keys)
        for t in [tested, reference] {
            let summary = try await Importer(registry: t.registry, actor: "import:test").run(file.path)
            #expect(summary.problems.isEmpty, "\(summary.problems)")
            #expect(summary.entries == 1_201)
        }
        #expect(renamed > 50)
        let households = try await tested.store.documents(Household.table, where: [], after: nil, limit: nil)
        #expect(households.filter { $0["head"]?["name"]?.stringValue?.hasPrefix(odd) == true }.count == renamed)
        let imported = try await tested.snapshot()
        #expect(imported == (try await reference.snapshot()))
        #expect(try await tested.store.entries(0..<1_201) == (try await reference.store.entries(0..<1_201)))
        try await Maintenance(store: tested.store, catalog: .registry).rebuild()
        #expect(try await tested.snapshot() == imported)
    }

    @Test("reads asked together answer as each asked alone, each in key order", arguments: TestStore.available)
    func readsTogether(_ factory: TestStore) async throws {
        let t = try await TestRegistry(store: try await factory.make())
        let seized = t.contract(0, 1)
        try await t.act(seized, .seizure(court: "海盐县人民法院", caseNumber: "(2026)浙0424执1号"))
        try await t.act(seized, .objection(applicant: "邻户", grounds: "界址有争议"))
        let township = String(t.county.villages()[1].prefix(9))
        let reads: [DocumentRead] = [
            .matching(
                Right.table, [.hasPrefix("region", township), .isIn("kind", ["homestead", "collective-share"])]),
            .key(Right.key(seized.rawValue)),
            .key(Household.key("330424101001009999")),
            .matching(Encumbrance.table, [.equals("right_id", seized.rawValue)]),
            .matching(Encumbrance.table, [.equals("right_id", "none")]),
            .matching(Right.table, [.isIn("kind", [])]),
            .key(Household.key(t.household(0, 1).rawValue)),
        ]
        let together = try await t.store.documents(reads)
        #expect(together.map(\.count) == [2 * 4 * 2, 1, 0, 2, 0, 0, 1])
        #expect(together == (try await t.store.documentsOneByOne(reads)))
        let ids = together[0].compactMap { $0["id"]?.stringValue }
        #expect(ids.count == together[0].count && ids == ids.sorted())
        if let postgres = t.store as? PostgresRegistryStore {
            let before = postgres.lookups
            _ = try await postgres.documents(reads)
            #expect(postgres.lookups == before + 1, "one statement for all of them")
        }
    }

    @Test(
        "a row read through the reference another row holds: the right's household with the right, nothing when it names another",
        arguments: TestStore.available)
    func referencedRows(_ factory: TestStore) async throws {
        let t = try await TestRegistry(store: try await factory.make())
        let held = t.contract(0, 1)
        try await t.act(held, .seizure(court: "海盐县人民法院", caseNumber: "(2026)浙0424执1号"))
        let leaseEntry = try await t.perform(TestRegistry.lease(of: t.contract(0, 2), to: .person(t.head(1, 1))))
        let lease = RightID.landManagement(parent: t.contract(0, 2), entry: leaseEntry.index)
        func household(of right: RightID, prefix: String = "household:") -> DocumentRead {
            .matching(
                Household.table,
                [.equalsReference("key", row: Right.key(right.rawValue), column: "holder", prefix: prefix)])
        }
        let reads: [DocumentRead] = [
            .key(Right.key(held.rawValue)), household(of: held), household(of: lease), household(of: t.contract(0, 3)),
            household(of: RightID.contractLand(ContractCode(household: t.household(0, 7_999)))),
            household(of: held, prefix: "person:"), household(of: held, prefix: "household:3"),
        ]
        // With another filter too (SQLite then asks its own SQL, as PostgreSQL always does).
        let inCollective: [DocumentRead] = [0, 1].map { village in
            .matching(
                Household.table,
                [
                    .equalsReference("key", row: Right.key(held.rawValue), column: "holder", prefix: "household:"),
                    .equals("collective", t.collective(village).rawValue),
                ])
        }
        let together = try await t.store.documents(reads + inCollective)
        #expect(together.map(\.count) == [1, 1, 0, 1, 0, 0, 0, 1, 0])
        #expect(together[7] == together[1])
        #expect(together[1] == (try await t.store.documents([.key(Household.key(t.household(0, 1).rawValue))]))[0])
        #expect(together[3].first?["code"]?.stringValue == t.household(0, 3).rawValue)
        #expect(together == (try await t.store.documentsOneByOne(reads + inCollective)))

        // A report read whole answers as the right and the rest read apart, for a household's
        // right, a person's and one that is not there.
        let queries = RegistryQueries(registry: t.registry)
        for id in [held, lease, t.homestead(0, 2), t.contract(1, 1)] {
            let whole = try await queries.report(id)
            let apart = try await queries.report(try await t.right(id))
            #expect(CanonicalJSON.string(whole.json(.full)) == CanonicalJSON.string(apart.json(.full)))
            #expect(whole.holderName != nil)
        }
        #expect(try await queries.report(held).flags.seized)
        await #expect(throws: RegistryError.self) {
            try await queries.report(RightID.contractLand(ContractCode(household: t.household(0, 7_999))))
        }
        if let postgres = t.store as? PostgresRegistryStore {
            let before = postgres.lookups
            _ = try await queries.report(held)
            #expect(postgres.lookups == before + 1, "the right, its encumbrances and its household in one statement")
            _ = try await queries.report(lease)
            #expect(postgres.lookups == before + 3, "a person's roster lines after")
        }
    }

    @Test(
        "two connections writing at once leave a gapless log whose tree matches its entries",
        arguments: TestStore.shared)
    func concurrentWriters(_ factory: TestStore) async throws {
        let location = try await factory.newLocation()
        let first = try await factory.open(location)
        let second = try await factory.open(location)
        let rounds = 25
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (name, store) in [("first", first), ("second", second)] {
                group.addTask {
                    for round in 0..<rounds {
                        _ = try await store.append(
                            [
                                try EntryDraft(
                                    event: PolicySet(policy: .default), time: "2026-11-20T10:00:00+08:00",
                                    actor: "\(name)-\(round)")
                            ],
                            expectedSize: nil)
                    }
                }
            }
            try await group.waitForAll()
        }
        let size = UInt64(2 * rounds)
        #expect(try await first.size() == size)
        #expect(try await second.size() == size)
        let entries = try await second.entries(0..<size)
        #expect(entries.map(\.index) == Array(0..<size))
        #expect(Set(entries.map(\.actor)).count == 2 * rounds, "every append landed once")
        let reference = MemoryTree(leaves: entries.map(\.leafHash))
        for store in [first, second] {
            #expect(
                try await MerkleTree.root(size: size, reader: store)
                    == (try await MerkleTree.root(size: size, reader: reference)))
        }
        let audit = try await Maintenance(store: first, catalog: .registry).audit(
            scratchPath: TestStore.directory.file("audit-\(UUID().uuidString).sqlite"),
            migrations: SQLiteSchema.registry,
            checkpointKey: nil, on: Day("2026-11-20")!)
        #expect(audit.finding == nil, "\(String(describing: audit.finding))")
    }

    @Test(
        "an append that expected the size another connection just changed writes nothing", arguments: TestStore.shared)
    func staleWriter(_ factory: TestStore) async throws {
        let location = try await factory.newLocation()
        let first = try await factory.open(location)
        let second = try await factory.open(location)
        try await fill(first, count: 2)
        _ = try await second.append(
            [try EntryDraft(event: PolicySet(policy: .default), time: "2026-11-20T10:00:00+08:00", actor: "second")],
            expectedSize: 2)
        await #expect(throws: StoreError.sizeChanged(expected: 2, actual: 3)) {
            try await first.append(
                [try EntryDraft(event: PolicySet(policy: .default), time: "2026-11-20T10:00:00+08:00", actor: "first")],
                expectedSize: 2)
        }
        // The first connection's cached tree edge is not trusted after another's append.
        let appended = try await first.append(
            [try EntryDraft(event: PolicySet(policy: .default), time: "2026-11-20T10:00:00+08:00", actor: "first")],
            expectedSize: 3)
        let reference = MemoryTree(leaves: try await first.entries(0..<4).map(\.leafHash))
        #expect(appended.root == (try await MerkleTree.root(size: 4, reader: reference)))
    }

    @Test(
        "side records: absent, empty and every byte value read back as written; only-if-absent keeps the first; a replace needs the value it expects",
        arguments: TestStore.available)
    func sideRecords(_ factory: TestStore) async throws {
        let store = try await factory.make()
        #expect(try await store.sideRecord("tokens", key: "none") == nil)
        let values: [String: [UInt8]] = ["empty": [], "bytes": Array(0...255), "text": Array("令牌".utf8)]
        for (key, value) in values {
            #expect(try await store.putSideRecord("tokens", key: key, value: value, onlyIfAbsent: true))
            #expect(try await store.sideRecord("tokens", key: key) == value, "\(key)")
            #expect(try await store.sideRecord("other", key: key) == nil, "\(key)")
        }
        #expect(!(try await store.putSideRecord("tokens", key: "text", value: [1], onlyIfAbsent: true)))
        #expect(try await store.sideRecord("tokens", key: "text") == Array("令牌".utf8))
        #expect(!(try await store.replaceSideRecord("tokens", key: "empty", expected: [9], with: [1])))
        #expect(try await store.replaceSideRecord("tokens", key: "empty", expected: [], with: [1]))
        #expect(try await store.sideRecord("tokens", key: "empty") == [1])
    }

    @Test("a copy to every other store has the same root, rows and checkpoints", arguments: TestStore.available)
    func copy(_ factory: TestStore) async throws {
        let t = try await TestRegistry(store: try await factory.make())
        try await t.act(t.contract(0, 1), .seizure(court: "海盐县人民法院", caseNumber: "(2026)浙0424执1号"))
        try await t.store.setSetting("origin", "registry.test/330424")
        try await t.store.putSideRecord("tokens", key: "abc", value: [1, 2, 3], onlyIfAbsent: true)
        for targetKind in TestStore.available where targetKind != factory {
            let target = try await targetKind.make()
            let (size, root) = try await Maintenance(store: t.store, catalog: .registry).copy(to: target)
            #expect(size == (try await t.store.size()))
            #expect(root == (try await MerkleTree.root(size: size, reader: t.store)))
            #expect(try await target.latestCheckpoint() == (try await t.store.latestCheckpoint()))
            #expect(try await target.settings() == (try await t.store.settings()))
            #expect(try await target.sideRecord("tokens", key: "abc") == [1, 2, 3])
            let copied = try await TestRegistry(county: nil, store: target, keys: t.keys)
            #expect(try await copied.snapshot() == (try await t.snapshot()))
            await #expect(throws: RegistryError.self) {
                try await Maintenance(store: t.store, catalog: .registry).copy(to: target)
            }
        }
    }
}
