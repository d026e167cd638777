import Crypto
import Foundation
import GRDB
import RegistryTestSupport
import Testing

@testable import RightsRegistry

/// `rights audit` finds edits made to the database behind the program's back and names them.
@Suite("Audit")
struct AuditTests {
    struct Fixture {
        let directory: TemporaryDirectory
        let path: String
        let t: TestRegistry

        init() async throws {
            directory = try TemporaryDirectory("rights-audit")
            path = directory.file("registry.sqlite")
            t = try await TestRegistry(store: try SQLiteRegistryStore(path: path))
            try await t.act(t.contract(0, 1), .seizure(court: "海盐县人民法院", caseNumber: "(2026)浙0424执9号"))
        }

        /// Edits the file with plain SQL, as someone with file access could.
        func tamper(_ sql: String, _ arguments: StatementArguments = []) throws {
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in try db.execute(sql: sql, arguments: arguments) }
            try queue.close()
        }

        func audit() async throws -> AuditFinding? {
            let store = try SQLiteRegistryStore(path: path)
            return try await Maintenance(store: store, catalog: .registry).audit(
                scratchPath: directory.file("scratch-\(UUID().uuidString).sqlite"),
                migrations: SQLiteSchema.registry, checkpointKey: t.keys.noteVerifier
            ).finding
        }
    }

    @Test("an untouched registry audits clean")
    func clean() async throws {
        #expect(try await Fixture().audit() == nil)
    }

    @Test("an edited projection row is named by table and key")
    func editedRow() async throws {
        let f = try await Fixture()
        let key = f.t.contract(0, 2).rawValue
        try f.tamper("UPDATE rights SET doc = replace(doc, '\"household:', '\"household:9') WHERE key = ?", [key])
        #expect(try await f.audit() == .rowDiffers(table: "rights", key: key))
    }

    @Test("a deleted or an added projection row is named")
    func missingAndExtraRows() async throws {
        let f = try await Fixture()
        let parcel = f.t.parcel(1, 2).rawValue
        try f.tamper("DELETE FROM parcels WHERE key = ?", [parcel])
        #expect(try await f.audit() == .missingRow(table: "parcels", key: parcel))
        let g = try await Fixture()
        try g.tamper("INSERT INTO encumbrances (key, right_id, kind, doc) VALUES ('E999', 'X', 'seizure', '{}')")
        #expect(try await g.audit() == .unexpectedRow(table: "encumbrances", key: "E999"))
    }

    @Test("an edited entry payload is named by its index")
    func editedEntry() async throws {
        let f = try await Fixture()
        try f.tamper(
            "UPDATE log_entries SET body = CAST(replace(CAST(body AS TEXT), '人口股', '农龄股') AS BLOB) WHERE idx = 4")
        #expect(try await f.audit() == .leafHashMismatch(index: 4))
    }

    @Test("an edited entry with a recomputed leaf hash is caught by the stored subtree hashes")
    func editedEntryAndLeaf() async throws {
        let f = try await Fixture()
        let store = try SQLiteRegistryStore(path: f.path)
        let row = try #require(try await store.logRows(6..<7).first)
        let forged = Array(
            String(decoding: row.body, as: UTF8.self).replacingOccurrences(
                of: #""land_use":"1""#, with: #""land_use":"2""#
            ).utf8)
        #expect(forged != row.body)
        try f.tamper(
            "UPDATE log_entries SET body = ?, leaf_hash = ? WHERE idx = 6",
            [Data(forged), Data(TreeHash.leaf(forged).bytes)])
        #expect(try await f.audit() == .subtreeHashMismatch(index: 7))
    }

    @Test("a deleted entry is named")
    func deletedEntry() async throws {
        let f = try await Fixture()
        try f.tamper("DELETE FROM log_entries WHERE idx = 3")
        #expect(try await f.audit() == .entryMissing(index: 3))
    }

    @Test("reordered entries are named")
    func reorderedEntries() async throws {
        let f = try await Fixture()
        try f.tamper(
            """
            UPDATE log_entries SET idx = -1 WHERE idx = 2;
            UPDATE log_entries SET idx = 2 WHERE idx = 3;
            UPDATE log_entries SET idx = 3 WHERE idx = -1;
            """)
        #expect(try await f.audit() == .entryMisplaced(row: 2, entry: 3))
    }
}
