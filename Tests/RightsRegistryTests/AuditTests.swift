import Crypto
import Foundation
import RegistryTestSupport
import Testing

@testable import RightsRegistry

/// `rights audit` finds edits made to the database behind the program's back and names them.
@Suite("Audit")
struct AuditTests {
    /// A registry in a database of its own, which the test then edits behind the program's back.
    struct Fixture {
        let kind: TestStore
        let location: String
        let t: TestRegistry

        init(_ kind: TestStore) async throws {
            self.kind = kind
            (location, t) = try await TestRegistry.onNewStore(kind)
            try await t.act(t.contract(0, 1), .seizure(court: "海盐县人民法院", caseNumber: "(2026)浙0424执9号"))
        }

        /// Edits the database with plain SQL, as someone with access to it could.
        func tamper(_ sql: String, _ arguments: [SQLArgument] = []) async throws {
            try await kind.tamper(
                sql.components(separatedBy: ";\n").filter { !$0.isEmpty }.map { SQLStatement($0, arguments) },
                at: location)
        }

        /// The audit, by a program that opens the database afresh.
        func audit() async throws -> AuditFinding? {
            try await Maintenance(store: try await kind.open(location), catalog: .registry).audit(
                scratchPath: TestStore.directory.file("scratch-\(UUID().uuidString).sqlite"),
                migrations: SQLiteSchema.registry, checkpointKey: t.keys.noteVerifier, on: Day("2026-11-20")!
            ).finding
        }
    }

    @Test("an untouched registry audits clean", arguments: TestStore.shared)
    func clean(_ kind: TestStore) async throws {
        #expect(try await Fixture(kind).audit() == nil)
    }

    @Test("an edited projection row is named by table and key", arguments: TestStore.shared)
    func editedRow(_ kind: TestStore) async throws {
        let f = try await Fixture(kind)
        let key = f.t.contract(0, 2).rawValue
        try await f.tamper(
            "UPDATE rights SET doc = replace(doc, '\"household:', '\"household:9') WHERE key = $1", [.text(key)])
        #expect(try await f.audit() == .rowDiffers(table: "rights", key: key))
    }

    @Test("a deleted or an added projection row is named", arguments: TestStore.shared)
    func missingAndExtraRows(_ kind: TestStore) async throws {
        let f = try await Fixture(kind)
        let parcel = f.t.parcel(1, 2).rawValue
        try await f.tamper("DELETE FROM parcels WHERE key = $1", [.text(parcel)])
        #expect(try await f.audit() == .missingRow(table: "parcels", key: parcel))
        let g = try await Fixture(kind)
        try await g.tamper("INSERT INTO encumbrances (key, right_id, kind, doc) VALUES ('E999', 'X', 'seizure', '{}')")
        #expect(try await g.audit() == .unexpectedRow(table: "encumbrances", key: "E999"))
    }

    @Test("an edited entry payload is named by its index", arguments: TestStore.shared)
    func editedEntry(_ kind: TestStore) async throws {
        let f = try await Fixture(kind)
        let row = try #require(try await f.t.store.logRows(4..<5).first)
        let edited = String(decoding: row.body, as: UTF8.self).replacingOccurrences(of: "人口股", with: "农龄股")
        #expect(Array(edited.utf8) != row.body)
        try await f.tamper("UPDATE log_entries SET body = $1 WHERE idx = 4", [.bytes(Array(edited.utf8))])
        #expect(try await f.audit() == .leafHashMismatch(index: 4))
    }

    @Test(
        "an edited entry with a recomputed leaf hash is caught by the stored subtree hashes",
        arguments: TestStore.shared)
    func editedEntryAndLeaf(_ kind: TestStore) async throws {
        let f = try await Fixture(kind)
        let row = try #require(try await f.t.store.logRows(6..<7).first)
        let forged = Array(
            String(decoding: row.body, as: UTF8.self).replacingOccurrences(
                of: #""land_use":"1""#, with: #""land_use":"2""#
            ).utf8)
        #expect(forged != row.body)
        try await f.tamper(
            "UPDATE log_entries SET body = $1, leaf_hash = $2 WHERE idx = 6",
            [.bytes(forged), .bytes(TreeHash.leaf(forged).bytes)])
        #expect(try await f.audit() == .subtreeHashMismatch(index: 7))
    }

    @Test("a deleted entry is named", arguments: TestStore.shared)
    func deletedEntry(_ kind: TestStore) async throws {
        let f = try await Fixture(kind)
        try await f.tamper("DELETE FROM log_entries WHERE idx = 3")
        #expect(try await f.audit() == .entryMissing(index: 3))
    }

    @Test("reordered entries are named", arguments: TestStore.shared)
    func reorderedEntries(_ kind: TestStore) async throws {
        let f = try await Fixture(kind)
        try await f.tamper(
            """
            UPDATE log_entries SET idx = -1 WHERE idx = 2;
            UPDATE log_entries SET idx = 2 WHERE idx = 3;
            UPDATE log_entries SET idx = 3 WHERE idx = -1
            """)
        #expect(try await f.audit() == .entryMisplaced(row: 2, entry: 3))
    }
}
