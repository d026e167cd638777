import Foundation
import RegistryTestSupport
import Synchronization
import Testing

@testable import RightsRegistry

/// A PostgreSQL decision's key lookups are answered from the documents this process knows at
/// the log's size (issue 16); these tests hold it to answering only what the database holds at
/// that size, with another process writing beside it.
@Suite("Decision documents (PostgreSQL)", .enabled(if: TestStore.postgresURL != nil))
struct DecisionDocumentsTests {
    static let policy = PolicyRecord.key(PolicyRecord.singletonKey)

    /// Appends a policy whose objection period is `days` (a document every store can write).
    static func setPolicy(_ days: Int, on store: any RegistryStore, expectedSize: UInt64? = nil) async throws {
        var policy = RegistryPolicy.default
        policy.objectionDays = days
        _ = try await store.append(
            [try EntryDraft(event: PolicySet(policy: policy), time: "2026-11-20T10:00:00+08:00", actor: "test")],
            expectedSize: expectedSize)
    }

    static func objectionDays(_ document: JSONValue?) throws -> Int? {
        try document.map { try JSONValueDecoder().decode(PolicyRecord.self, from: $0).policy.objectionDays }
    }

    /// A store and a second one on the same database (another process).
    static func twoStores() async throws -> (PostgresRegistryStore, any RegistryStore) {
        let location = try await TestStore.postgres.newLocation()
        let store = try #require(try await TestStore.postgres.open(location) as? PostgresRegistryStore)
        return (store, try await TestStore.postgres.open(location))
    }

    @Test("a decision reads what this process wrote at the log's size without asking the database; other reads ask")
    func known() async throws {
        let (store, _) = try await Self.twoStores()
        try await Self.setPolicy(21, on: store)
        let before = store.lookups
        let decided = try await store.deciding { _ in try await store.document(Self.policy) }
        #expect(try Self.objectionDays(decided) == 21)
        #expect(store.lookups == before, "answered from what the append wrote")
        #expect(try Self.objectionDays(try await store.document(Self.policy)) == 21)
        #expect(store.lookups == before + 1, "a read outside a decision asks the database")
    }

    @Test(
        "a process writing alone decides at the size its append left without asking; after another process appended, its append is refused and it asks for the size until nobody else appended"
    )
    func otherWriter() async throws {
        let (store, other) = try await Self.twoStores()
        try await Self.setPolicy(21, on: store)
        @Sendable func decide() async throws -> (UInt64, Int?) {
            try await store.deciding { size in (size, try Self.objectionDays(try await store.document(Self.policy))) }
        }
        var reads = store.sizeReads
        #expect(try await decide() == (1, 21))
        #expect(store.sizeReads == reads + 1, "read once: the size this process's append left")
        #expect(try await decide() == (1, 21))
        #expect(store.sizeReads == reads + 1, "then taken as known")

        try await Self.setPolicy(30, on: other)
        let (stale, _) = try await decide()
        #expect(stale == 1, "decided at the size this process knows…")
        await #expect(throws: StoreError.sizeChanged(expected: 1, actual: 2)) {
            try await Self.setPolicy(40, on: store, expectedSize: stale)
        }
        reads = store.sizeReads
        #expect(try await decide() == (2, 30), "…and, refused at its append, at the size read: the other's policy")
        let lookups = store.lookups
        #expect(try await decide() == (2, 30))
        #expect(store.sizeReads == reads + 2, "asked each time: the size read was not one its own append left")
        #expect(store.lookups == lookups, "the document read once at this size, then known")

        try await Self.setPolicy(50, on: store, expectedSize: 2)
        reads = store.sizeReads
        #expect(try await decide() == (3, 50))
        #expect(try await decide() == (3, 50))
        #expect(store.sizeReads == reads + 1, "its own append, then nobody else's: taken as known again")
    }

    @Test("a decision that refuses over a size another process has moved past is decided again at the new size")
    func refusedOverThePast() async throws {
        let (store, other) = try await Self.twoStores()
        try await Self.setPolicy(21, on: store)
        _ = try await store.deciding { $0 }  // the size read is this process's: taken as known from now on
        try await Self.setPolicy(30, on: other)
        let decisions = Atomic<Int>(0)
        let decided = try await store.deciding { size in
            decisions.add(1, ordering: .relaxed)
            let days = try Self.objectionDays(try await store.document(Self.policy))
            guard days == 30 else { throw RegistryError.rule("T-1", "refused over a policy of \(days ?? 0) days") }
            return size
        }
        #expect(decided == 2)
        #expect(decisions.load(ordering: .relaxed) == 2, "refused at the size known, then decided at the size read")
        // A refusal at the database's size stands, decided once.
        decisions.store(0, ordering: .relaxed)
        await #expect(throws: RegistryError.self) {
            try await store.deciding { _ in
                decisions.add(1, ordering: .relaxed)
                throw RegistryError.rule("T-1", "refused")
            }
        }
        #expect(decisions.load(ordering: .relaxed) == 1)
    }

    @Test("a decision under which another process appended cannot commit what it decided; the next one reads afresh")
    func movedUnder() async throws {
        let (store, other) = try await Self.twoStores()
        try await Self.setPolicy(21, on: store)
        try await store.deciding { size in
            try await Self.setPolicy(30, on: other)
            // The decision sees the log at its own size…
            #expect(try Self.objectionDays(try await store.document(Self.policy)) == 21)
            // …and what it decides there is refused.
            await #expect(throws: StoreError.sizeChanged(expected: 1, actual: 2)) {
                try await Self.setPolicy(40, on: store, expectedSize: size)
            }
        }
        let decided = try await store.deciding { _ in try await store.document(Self.policy) }
        #expect(try Self.objectionDays(decided) == 30)
    }

    @Test("this process's append over another process's append leaves known only what it wrote itself")
    func appendAfterOther() async throws {
        let (location, t) = try await TestRegistry.onNewStore(.postgres)
        let store = try #require(t.store as? PostgresRegistryStore)
        let other = try await TestStore.postgres.open(location)
        try await Self.setPolicy(21, on: store)
        try await Self.setPolicy(30, on: other)
        // This process appends next (a bank's search, which writes a watch), after the other's.
        _ = try await t.registry.record(
            CollateralSearched(
                right: t.contract(0, 1), party: "银行甲", purpose: "贷前审查", holderMatch: true, certificate: nil),
            actor: "bank:甲")
        let lookups = store.lookups
        let decided = try await store.deciding { _ in try await store.document(Self.policy) }
        #expect(try Self.objectionDays(decided) == 30, "not the policy this process wrote before the other's append")
        #expect(store.lookups == lookups + 1)
    }

    @Test("documents a rebuild writes again (without an append) are read afresh")
    func rebuilt() async throws {
        let (store, _) = try await Self.twoStores()
        try await Self.setPolicy(21, on: store)
        // The policy entry applied again as a rebuild does, here with other content.
        var policy = RegistryPolicy.default
        policy.objectionDays = 45
        let draft = try EntryDraft(event: PolicySet(policy: policy), time: "2026-11-20T10:00:00+08:00", actor: "test")
        try await store.clearProjections([PolicyRecord.table])
        try await store.applyLogged([(draft.entry(at: 0), draft.event)])
        let decided = try await store.deciding { _ in try await store.document(Self.policy) }
        #expect(try Self.objectionDays(decided) == 45)
    }

    @Test("two processes registering the same people at once: each person is registered once")
    func twoProcesses() async throws {
        let (location, t) = try await TestRegistry.onNewStore(.postgres)
        let second = t.sibling(on: try await TestStore.postgres.open(location)).registry
        let people = (0..<40).map { Person(name: "外来种植户", idNumber: t.county.citizenID(600_000 + $0)) }
        let registry = t.registry
        async let first = Self.register(people, with: registry)
        async let other = Self.register(people, with: second)
        let (a, b) = try await (first, other)
        #expect(a.registered + b.registered == people.count, "each person registered once, by one of them")
        #expect(a.refused + b.refused == people.count, "and refused as already registered by the other")
        #expect(try await t.store.size() == (try await second.store.size()))
        #expect(try await t.violations().isEmpty)
    }

    /// Registers each of `people` in turn; how many were registered and how many refused as
    /// already on the register (a decision overtaken by the other process too often is tried again).
    static func register(_ people: [Person], with registry: Registry) async throws -> (registered: Int, refused: Int) {
        var (registered, refused) = (0, 0)
        for person in people {
            while true {
                do {
                    try await registry.perform(.registerPerson(person), actor: "clerk:test")
                    registered += 1
                } catch let error as RegistryError where error.code == "conflict.person" {
                    refused += 1
                } catch StoreError.sizeChanged {
                    continue
                }
                break
            }
        }
        return (registered, refused)
    }

    @Test("a decision asking a filtered read twice asks the database once; after any append it asks again")
    func queries() async throws {
        let (store, other) = try await Self.twoStores()
        try await Self.setPolicy(21, on: store)
        @Sendable func policies() async throws -> [Int] {
            try await store.documents(PolicyRecord.table, where: [], after: nil, limit: nil).compactMap {
                try? Self.objectionDays($0)
            }
        }
        let before = store.lookups
        let twice = try await store.deciding { _ in [try await policies(), try await policies()] }
        #expect(twice == [[21], [21]])
        #expect(store.lookups == before + 1, "asked once")
        try await Self.setPolicy(30, on: store)
        #expect(try await store.deciding { _ in try await policies() } == [30], "this process's append")
        try await Self.setPolicy(40, on: other)
        // At the size this process knows, until its append is refused for the size.
        #expect(try await store.deciding { _ in try await policies() } == [30], "known at this process's size")
        await #expect(throws: StoreError.sizeChanged(expected: 2, actual: 3)) {
            try await Self.setPolicy(50, on: store, expectedSize: 2)
        }
        #expect(try await store.deciding { _ in try await policies() } == [40], "another process's append")
        #expect(store.lookups == before + 3)
    }

    @Test("a decision's reads asked together: what it knows is answered, the rest asked in one statement, then known")
    func together() async throws {
        let (store, _) = try await Self.twoStores()
        try await Self.setPolicy(21, on: store)
        let reads: [DocumentRead] = [
            .key(Self.policy), .matching(PolicyRecord.table, []), .key(PolicyRecord.key("none")),
            .matching(Encumbrance.table, [.equals("right_id", "330424100200000001J")]),
        ]
        let alone = try await store.documents(reads)
        let before = store.lookups
        let (first, second) = try await store.deciding { _ in
            (try await store.documents(reads), try await store.documents(reads))
        }
        #expect(first.map(\.count) == [1, 1, 0, 0] && first == alone && second == alone)
        #expect(try Self.objectionDays(first[0].first) == 21)
        #expect(
            store.lookups == before + 1, "the policy known from the append, the three others asked in one statement")
    }

    @Test("the rows of reads asked together are parsed under their keys: a row read again is not parsed again")
    func parsedUnderKeys() async throws {
        let (store, _) = try await Self.twoStores()
        // The memory is the process's: a test running beside this one may read its own policy
        // row (the same key, another text) or push this one out between the read and the look,
        // so the look follows the read at once, and a few tries are allowed — each with a new
        // text, since the look itself leaves the text it looked for remembered. Parsed without
        // its key, the row is never there.
        var remembered = false
        for days in 23..<28 where !remembered {
            try await Self.setPolicy(days, on: store)
            let row = try #require(try await store.rows(PolicyRecord.table, after: nil, limit: 1).first)
            let answers = try await store.documents([
                .matching(PolicyRecord.table, []), .key(PolicyRecord.key("none")),
            ])
            #expect(try Self.objectionDays(answers[0].first) == days)
            let parsedAgain = Mutex(false)
            _ = try Documents.parsed.value(
                EntityKey(table: PolicyRecord.table, key: row.key), of: String(decoding: row.document, as: UTF8.self)
            ) { text in
                parsedAgain.withLock { $0 = true }
                return try JSONParser.parse(text)
            }
            remembered = !parsedAgain.withLock { $0 }
        }
        #expect(remembered, "the row's document was parsed without its key, so not remembered")
    }
}

@Suite("Decision documents: the memory")
struct DecisionDocumentsMemoryTests {
    @Test("a document written too heavy to keep is no longer known, rather than known at its old content")
    func heavy() {
        let memory = DecisionDocuments(budget: 16 * 300)
        let key = DecisionDocumentsTests.policy
        memory.appended(from: 0, to: 1, writes: [(key, "{\"small\":1}")])
        #expect(memory.text(key, at: 1) == .some(.some("{\"small\":1}")))
        #expect(memory.text(key, at: 2) == nil, "known at its size only")
        memory.appended(from: 1, to: 2, writes: [(key, String(repeating: "x", count: 500))])
        #expect(memory.text(key, at: 2) == nil, "not known: a decision reads it from the database")
        memory.appended(from: 2, to: 3, writes: [(key, nil)])
        #expect(memory.text(key, at: 3) == .some(nil), "deleted: known not to exist")
        memory.appended(from: 3, to: 5000, writes: nil)
        #expect(memory.text(key, at: 5000) == nil, "after bulk work nothing is known, what was known before included")
    }
}

/// An act's answer — what it changed, read after its append — is the register as the append left
/// it (issue 16: a settlement on PostgreSQL asked again for the deal it had just written).
@Suite("Answers from an act's own writes (PostgreSQL)", .enabled(if: TestStore.postgresURL != nil))
struct AnsweringTests {
    @Test(
        "an answer after this process's append reads what it wrote without asking, even once another process has appended; at another size, or outside an answer, it asks"
    )
    func ownWrites() async throws {
        let (store, other) = try await DecisionDocumentsTests.twoStores()
        try await DecisionDocumentsTests.setPolicy(21, on: store)
        let policy = DecisionDocumentsTests.policy
        @Sendable func answer(after size: UInt64) async throws -> Int? {
            try await store.answering(after: size) {
                try DecisionDocumentsTests.objectionDays(try await store.document(policy))
            }
        }
        let lookups = store.lookups
        #expect(try await answer(after: 1) == 21)
        #expect(store.lookups == lookups, "what the append wrote")

        try await DecisionDocumentsTests.setPolicy(30, on: other)
        #expect(try await answer(after: 1) == 21, "the register as this process's act left it")
        #expect(store.lookups == lookups)
        #expect(try await answer(after: 2) == 30, "a size this process did not write: asked")
        #expect(store.lookups == lookups + 1)
        #expect(try DecisionDocumentsTests.objectionDays(try await store.document(policy)) == 30)
        #expect(store.lookups == lookups + 2, "outside an answer: asked")
    }
}
