import Foundation
import RegistryTestSupport
import Testing

@testable import RightsRegistry

/// The changed rows of a large batch are encoded on every core (issue 16); what a store is handed
/// must be what encoding them one by one gives.
@Suite("Projection state")
struct ProjectionStateTests {
    /// `count` organisations whose keys all differ.
    static func organisations(_ count: Int) throws -> [Organisation] {
        try (0..<count).map { n in
            Organisation(
                creditCode: try CreditCode.completing("91330424MA2" + String(n).leftPadded(to: 6)),
                name: "农业合作社 \(n)")
        }
    }

    @Test("a key two tables share is two rows: the table tells them apart, whatever the key's hash leaves out")
    func keysOfTwoTables() {
        let twins = [EntityTable(name: "rights", columns: []), EntityTable(name: "wrongs", columns: [])]
        let keys = twins.flatMap { table in
            ["330424101201JA", "330424101201JB"].map { EntityKey(table: table, key: $0) }
        }
        #expect(Set(keys).count == 4)
        var rows: [EntityKey: Int] = [:]
        for (position, key) in keys.enumerated() { rows[key] = position }
        #expect(keys.enumerated().allSatisfy { rows[$1] == $0 })
        #expect(
            EntityKey(table: twins[0], key: "a")
                == EntityKey(table: EntityTable(name: "rights", columns: ["x"]), key: "a"))
    }

    /// An import works a batch out while the batch before it is written (issue 16): a row that
    /// batch touched is taken as it left it — its entity and index columns, or its absence — and
    /// only the rows it did not touch are asked of the store.
    @Test("a batch worked out over the batch before takes each row that batch touched as it left it")
    func projectedOverEarlierBatch() async throws {
        let organisations = try Self.organisations(6)
        let keys = organisations.map(\.entityKey)
        let stored: [String?] = ["as stored"]
        // The batch before: wrote the first two, deleted the third, read the fifth and left it
        // as it was, and found no sixth.
        var before = ProjectionState()
        before.load(keys[2], document: .object(["name": .string("旧名")]), columns: stored)
        before.load(keys[4], document: try JSONValueEncoder().encode(organisations[4]), columns: stored)
        before.load(keys[5], document: nil)
        before.put(organisations[0])
        before.put(organisations[1])
        before.delete(Organisation.self, organisations[2].key)
        let earlier = Projection(size: 7, writes: try before.takeWrites(), rows: before)

        // Renames the second to the sixth: written, deleted, never seen, read, found missing.
        let entries = try organisations[1...].enumerated().map { offset, organisation in
            let draft = try EntryDraft(
                event: OrganisationRegistered(creditCode: organisation.creditCode, name: "改名 \(offset)"),
                time: "2026-11-20T10:00:00+08:00", actor: "t")
            return (draft.context(at: 10 + UInt64(offset)), draft.event)
        }
        var asked: [EntityKey] = []
        let projection = try await Projector.project(entries, at: 10, over: earlier) { keys in
            asked = keys
            return [:]
        }
        #expect(asked == [keys[3]])
        #expect(projection.writes.filter(\.hadNoRow).map(\.key) == [keys[2], keys[3], keys[5]])
        let writes = Dictionary(uniqueKeysWithValues: projection.writes.map { ($0.key, $0) })
        #expect(writes[keys[1]]?.storedColumns == .some(organisations[1].columnValues), "as the write left it")
        #expect(writes[keys[2]]?.storedColumns == .some(nil), "deleted before: no row")
        #expect(writes[keys[3]]?.storedColumns == .some(nil))
        #expect(writes[keys[4]]?.storedColumns == .some(stored), "read before and left as it was")
        #expect(writes[keys[5]]?.storedColumns == .some(nil))
        #expect(writes[keys[0]] == nil, "not touched: not written")
        var renamed = organisations[1]
        renamed.name = "改名 0"
        #expect(writes[keys[1]]?.document == (try JSONValueEncoder().canonicalBytes(renamed)))
        // The rows as this batch leaves them are what the next one is worked out over.
        var next = projection.rows
        #expect(try next.get(Organisation.self, organisations[2].key)?.name == "改名 1")
        #expect(!next.isLoaded(keys[0]), "not touched here")
    }

    @Test(
        "every changed row is handed over once, as encoding it alone gives, and only once",
        arguments: [
            EveryCore.threshold - 1, EveryCore.threshold, 3 * EveryCore.threshold + 7,
        ])
    func writesMatchOneByOne(count: Int) throws {
        let organisations = try Self.organisations(count)
        var state = ProjectionState()
        // A tenth are rows that existed and are deleted; the rest are written.
        let deleted = organisations.enumerated().filter { $0.offset % 10 == 3 }.map(\.element)
        let written = organisations.enumerated().filter { $0.offset % 10 != 3 }.map(\.element)
        for organisation in deleted {
            state.load(organisation.entityKey, document: .object(["name": .string(organisation.name)]))
            state.delete(Organisation.self, organisation.key)
        }
        for organisation in written { state.put(organisation) }

        let writes = try state.takeWrites()
        #expect(writes.count == count)
        let byKey = Dictionary(writes.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byKey.count == count, "a row handed over twice")
        for organisation in written {
            let write = try #require(byKey[organisation.entityKey])
            #expect(write.document == (try JSONValueEncoder().canonicalBytes(organisation)))
            #expect(write.columns == organisation.columnValues)
        }
        for organisation in deleted {
            let write = try #require(byKey[organisation.entityKey])
            #expect(write.document == nil)
        }
        // Taken once: the rows are no longer marked changed, and still readable.
        #expect(try state.takeWrites().isEmpty)
        #expect(try state.get(Organisation.self, written[0].key) == written[0])
        #expect(try state.get(Organisation.self, deleted[0].key) == nil)
    }

    /// A certificate's number comes from the year's sequence, so no row has it: PostgreSQL copies
    /// an import's new certificates in rather than upserting them (issue 16). A row once written
    /// is known to exist, or not, in the next writes taken.
    @Test("a new certificate is handed over as a row no store holds; once written, a row is known to exist or not")
    func newRows() async throws {
        let t = try await TestRegistry()
        let right = try #require(try await t.reads.right(t.contract(0, 1)))
        let entry = EntryContext(index: 99, day: Day("2026-12-01")!, actor: "t")
        var state = ProjectionState()
        for key in ProjectionState.certificateKeys(entry) { state.load(key, document: try await t.store.document(key)) }
        let organisations = try Self.organisations(2)
        state.load(organisations[0].entityKey, document: nil)
        state.put(organisations[0])
        state.put(organisations[1])  // never read: not known
        try state.save(right, entry: entry, restatesCertificate: true)
        let writes = try state.takeWrites()
        let certificates = writes.filter { $0.key.table == CertificateRecord.table }
        #expect(certificates.count == 1)
        #expect(certificates.allSatisfy { $0.hadNoRow })
        #expect(writes.filter(\.hadNoRow).map(\.key) == [organisations[0].entityKey] + certificates.map(\.key))

        // Written: the first organisation and the certificate exist now.
        state.put(organisations[0])
        state.put(organisations[1])
        state.delete(Organisation.self, organisations[0].key)
        #expect(try state.takeWrites().filter(\.hadNoRow).isEmpty)
        // Deleted: no row again.
        state.put(organisations[0])
        #expect(try state.takeWrites().filter(\.hadNoRow).map(\.key) == [organisations[0].entityKey])
    }

    /// A store that said what a row's index columns hold gets them back with the row's write, so
    /// it can rewrite only those that change (issue 16); once written, the row holds the
    /// entity's own columns.
    @Test("a row's stored columns travel with its write, and are the written ones after it")
    func storedColumns() throws {
        let organisations = try Self.organisations(4)
        var state = ProjectionState()
        let stored: [String?] = ["kept", nil]
        let document = JSONValue.object(["name": .string("旧名")])
        state.load(organisations[0].entityKey, document: document, columns: stored)
        state.load(organisations[1].entityKey, document: nil, columns: stored)  // no row: nothing stored
        state.load(organisations[2].entityKey, document: document, columns: stored)
        state.put(organisations[0])
        state.put(organisations[1])
        state.delete(Organisation.self, organisations[2].key)
        state.put(organisations[3])  // never read: not known
        let writes = try state.takeWrites()
        // Looked for and not found: only the second.
        #expect(writes.filter(\.hadNoRow).map(\.key) == [organisations[1].entityKey])
        let byKey = Dictionary(uniqueKeysWithValues: writes.map { ($0.key, $0.storedColumns) })
        #expect(byKey[organisations[0].entityKey] == .some(stored))
        #expect(byKey[organisations[1].entityKey] == .some(nil))
        #expect(byKey[organisations[2].entityKey] == .some(stored))
        #expect(byKey[organisations[3].entityKey] == .some(nil))

        state.put(organisations[0])
        state.put(organisations[2])
        let again = Dictionary(uniqueKeysWithValues: try state.takeWrites().map { ($0.key, $0.storedColumns) })
        #expect(again[organisations[0].entityKey] == .some(organisations[0].columnValues))
        #expect(again[organisations[2].entityKey] == .some(nil), "deleted: no row any more")
    }
}
