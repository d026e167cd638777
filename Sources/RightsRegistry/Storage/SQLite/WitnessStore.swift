import Foundation
import GRDB

/// A witness's durable state: for each log, the head it last cosigned (C2SP tlog-witness). It is
/// decided and advanced in one SQLite transaction (synchronous=FULL), and the update only ever
/// moves a head forward, so no restart and no race makes the witness cosign two checkpoints of
/// one log that are not consistent. A witness whose state file is lost must be retired, not
/// restarted with an empty one.
public final class WitnessStore: Sendable {
    let queue: DatabaseQueue

    public init(path: String) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.write { db in
            try db.execute(
                sql:
                    "CREATE TABLE IF NOT EXISTS witnessed (origin TEXT PRIMARY KEY, size INTEGER NOT NULL, root TEXT NOT NULL)"
            )
        }
    }

    /// The head last cosigned for `origin`.
    public func head(_ origin: String) async throws -> WitnessedHead? {
        try await queue.read { db in try Self.head(origin, db) }
    }

    static func head(_ origin: String, _ db: Database) throws -> WitnessedHead? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT size, root FROM witnessed WHERE origin = ?", arguments: [origin]),
            let size = UInt64(exactly: row["size"] as Int64), let root = TreeHash(base64: row["root"] as String)
        else { return nil }
        return WitnessedHead(origin: origin, size: size, root: root)
    }

    /// Decides `request` over the stored head and stores the new one before answering.
    public func add(_ request: AddCheckpoint, witness: Witness, time: UInt64) async throws -> Witness.Outcome {
        try await queue.write { db in
            let origin = request.checkpoint.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
            let outcome = witness.decide(request, latest: try Self.head(origin, db), time: time)
            if case .cosigned(_, let head) = outcome {
                try db.execute(
                    sql: """
                        INSERT INTO witnessed (origin, size, root) VALUES (?, ?, ?)
                        ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root
                        WHERE witnessed.size <= excluded.size
                        """,
                    arguments: [head.origin, Int64(head.size), head.root.base64])
            }
            return outcome
        }
    }
}
