import Foundation

/// `rights audit` and `rights rebuild`: the register checked against its own log, and the
/// current state rebuilt from it.
public struct Maintenance: Sendable {
    public let store: any RegistryStore
    public let catalog: EventCatalog
    public let tables: [EntityTable]
    /// Entries read and replayed per step.
    public let chunk: UInt64

    public init(
        store: any RegistryStore, catalog: EventCatalog, tables: [EntityTable] = RegistryTables.all,
        chunk: UInt64 = 5_000
    ) {
        self.store = store
        self.catalog = catalog
        self.tables = tables
        self.chunk = chunk
    }

    /// Empties the projections and applies every entry again. If interrupted, run it again.
    public func rebuild(progress: (UInt64, UInt64) -> Void = { _, _ in }) async throws {
        let size = try await store.size()
        try await store.clearProjections(tables)
        try await replay(from: store, into: store, size: size, progress: progress)
    }

    /// Copies the registry into `target`, which must be empty: every entry appended byte for
    /// byte (the target re-derives each leaf and subtree hash and applies each event, as for a
    /// new act), then the checkpoints — each checked against the copied tree at its size —, the
    /// settings and the side records. Refuses to finish unless the copy's root equals the
    /// source's. Copying a registry in use copies the log as it was when the copy began.
    public func copy(to target: any RegistryStore, progress: (UInt64, UInt64) -> Void = { _, _ in }) async throws
        -> (size: UInt64, root: TreeHash)
    {
        guard try await target.size() == 0, try await target.settings().isEmpty else {
            throw RegistryError.conflict("to", "the target already holds a register; copy into a new database")
        }
        let size = try await store.size()
        let expected = try await MerkleTree.root(size: size, reader: store)
        var root = TreeHash.emptyRoot
        var next: UInt64 = 0
        while next < size {
            let entries = try await store.entries(next..<min(size, next + chunk))
            let drafts = try entries.map { EntryDraft(logged: $0, event: try catalog.event(of: $0)) }
            let appended = try await target.append(drafts, expectedSize: next)
            (next, root) = (appended.size, appended.root)
            progress(next, size)
        }
        guard root == expected else {
            throw RegistryError(
                code: "integrity.copy",
                message: "the copy's root \(root.base64) differs from the source's \(expected.base64)")
        }
        var last: UInt64?
        while case let page = try await store.checkpoints(after: last, limit: 1_000), !page.isEmpty {
            for checkpoint in page where checkpoint.size <= size {
                let root = try await MerkleTree.root(size: checkpoint.size, reader: target)
                if let finding = check(checkpoint, root: root, key: nil) {
                    throw RegistryError(code: "integrity.copy", message: finding.description)
                }
                try await target.saveCheckpoint(checkpoint)
            }
            last = page.last?.size
        }
        for (name, value) in try await store.settings() { try await target.setSetting(name, value) }
        var position: SideRecordKey?
        while case let page = try await store.sideRecords(after: position, limit: 1_000), !page.isEmpty {
            for record in page {
                try await target.putSideRecord(
                    record.position.table, key: record.position.key, value: record.value, onlyIfAbsent: false)
            }
            position = page.last?.position
        }
        return (size, root)
    }

    func replay(
        from source: any RegistryStore, into target: any RegistryStore, size: UInt64, progress: (UInt64, UInt64) -> Void
    )
        async throws
    {
        var next: UInt64 = 0
        while next < size {
            let entries = try await source.entries(next..<min(size, next + chunk))
            try await target.applyLogged(try entries.map { ($0, try catalog.event(of: $0)) })
            next += UInt64(entries.count)
            progress(next, size)
        }
    }

    /// Re-derives every leaf hash and every stored subtree hash from the stored entries, then
    /// replays the entries into a scratch store and compares every projection row with the live
    /// one. Stops at the first mismatch and names it.
    ///
    /// Every stored checkpoint is checked too: its signature (with `checkpointKey`) and its root
    /// against the root re-derived from the entries at its size — so a log rewritten consistently
    /// from some entry on is still caught by the checkpoints signed before.
    ///
    /// Last, the register's invariants are checked as of `day` (`RegisterInvariants`): a log can
    /// replay faithfully and still say something false, and the audit names that too.
    public func audit(
        scratchPath: String, migrations: [StoreMigration], checkpointKey: SignedNote.Verifier?, on day: Day,
        progress: (String, UInt64, UInt64) -> Void = { _, _, _ in }
    ) async throws -> AuditResult {
        let size = try await store.size()
        var checkpoints: [StoredCheckpoint] = []
        while true {
            let page = try await store.checkpoints(after: checkpoints.last?.size, limit: 10_000)
            if page.isEmpty { break }
            checkpoints += page
        }
        if let beyond = checkpoints.last, beyond.size > size {
            let reason = "checkpoint \(beyond.size) is beyond the log's \(size) entries"
            return AuditResult(size: size, root: nil, finding: .checkpoint(reason: reason))
        }
        var nextCheckpoint = checkpoints.startIndex
        var range = CompactRange()
        var next: UInt64 = 0
        while next < size {
            let rows = try await store.logRows(next..<min(size, next + chunk))
            for row in rows {
                guard row.index == next else {
                    return AuditResult(size: size, root: nil, finding: .entryMissing(index: next))
                }
                let entry: LogEntry
                do {
                    entry = try LogEntry(bytes: row.body)
                } catch {
                    return AuditResult(
                        size: size, root: nil, finding: .entryMalformed(index: row.index, reason: error.message))
                }
                guard entry.index == row.index else {
                    return AuditResult(
                        size: size, root: nil, finding: .entryMisplaced(row: row.index, entry: entry.index))
                }
                guard entry.leafHash.bytes == row.leafHash else {
                    return AuditResult(size: size, root: nil, finding: .leafHashMismatch(index: row.index))
                }
                let completed = range.append(entry.leafHash)
                guard completed.flatMap(\.bytes) == row.subtreeHashes else {
                    return AuditResult(size: size, root: nil, finding: .subtreeHashMismatch(index: row.index))
                }
                next += 1
                while nextCheckpoint < checkpoints.endIndex, checkpoints[nextCheckpoint].size == next {
                    if let finding = check(checkpoints[nextCheckpoint], root: range.root, key: checkpointKey) {
                        return AuditResult(size: size, root: nil, finding: finding)
                    }
                    nextCheckpoint += 1
                }
            }
            if rows.isEmpty { return AuditResult(size: size, root: nil, finding: .entryMissing(index: next)) }
            progress("log", next, size)
        }

        try? FileManager.default.removeItem(atPath: scratchPath)
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: scratchPath + suffix) }
        }
        let scratch = try SQLiteRegistryStore(path: scratchPath, migrations: migrations, scratch: true)
        do {
            try await replay(from: store, into: scratch, size: size) { done, total in progress("replay", done, total) }
        } catch {
            return AuditResult(size: size, root: range.root, finding: .replayFailed(reason: "\(error)"))
        }
        for table in tables {
            if let finding = try await compare(table, live: store, replayed: scratch) {
                return AuditResult(size: size, root: range.root, finding: finding)
            }
        }
        if let violation = try await InvariantCheck(store: store).violations(on: day, limit: 1).first {
            return AuditResult(size: size, root: range.root, finding: .invariant(violation))
        }
        return AuditResult(size: size, root: range.root, finding: nil)
    }

    func check(_ stored: StoredCheckpoint, root: TreeHash, key: SignedNote.Verifier?) -> AuditFinding? {
        let checkpoint: Checkpoint
        do {
            if let key {
                checkpoint = try Checkpoint.open(stored.note, verifier: key)
            } else {
                let text = stored.note.components(separatedBy: "\n\n").first.map { $0 + "\n" } ?? ""
                checkpoint = try Checkpoint(text: text)
            }
        } catch {
            return .checkpoint(reason: "checkpoint \(stored.size): \(error)")
        }
        guard checkpoint.size == stored.size, checkpoint.root == root else {
            return .checkpoint(
                reason: "checkpoint \(stored.size) signed root \(checkpoint.root.base64), the log gives \(root.base64)")
        }
        return nil
    }

    /// Walks both tables in key order, a page at a time.
    func compare(_ table: EntityTable, live: any RegistryStore, replayed: any RegistryStore) async throws
        -> AuditFinding?
    {
        var liveRows = RowCursor(store: live, table: table)
        var replayedRows = RowCursor(store: replayed, table: table)
        while true {
            switch (try await liveRows.current(), try await replayedRows.current()) {
            case (nil, nil):
                return nil
            case (let row?, nil):
                return .unexpectedRow(table: table.name, key: row.key)
            case (nil, let row?):
                return .missingRow(table: table.name, key: row.key)
            case (let l?, let r?):
                if l.key < r.key { return .unexpectedRow(table: table.name, key: l.key) }
                if r.key < l.key { return .missingRow(table: table.name, key: r.key) }
                if l.document != r.document { return .rowDiffers(table: table.name, key: l.key) }
                liveRows.advance()
                replayedRows.advance()
            }
        }
    }
}

/// Reads a projection table in key order, one page at a time.
struct RowCursor {
    let store: any RegistryStore
    let table: EntityTable
    private var page: [(key: String, document: [UInt8])] = []
    private var position = 0
    private var lastKey: String?
    private var exhausted = false

    init(store: any RegistryStore, table: EntityTable) {
        self.store = store
        self.table = table
    }

    mutating func current() async throws -> (key: String, document: [UInt8])? {
        if position == page.count, !exhausted {
            page = try await store.rows(table, after: lastKey, limit: 2_000)
            position = 0
            exhausted = page.isEmpty
            lastKey = page.last?.key ?? lastKey
        }
        return position < page.count ? page[position] : nil
    }

    mutating func advance() { position += 1 }
}

/// What an audit found.
public struct AuditResult: Sendable {
    public let size: UInt64
    /// The root re-derived from the entries (nil if the log itself failed).
    public let root: TreeHash?
    /// The first mismatch, or nil when everything matches.
    public let finding: AuditFinding?
}

public enum AuditFinding: Sendable, Equatable, CustomStringConvertible {
    case entryMissing(index: UInt64)
    case entryMalformed(index: UInt64, reason: String)
    case entryMisplaced(row: UInt64, entry: UInt64)
    case leafHashMismatch(index: UInt64)
    case subtreeHashMismatch(index: UInt64)
    case replayFailed(reason: String)
    case rowDiffers(table: String, key: String)
    case missingRow(table: String, key: String)
    case unexpectedRow(table: String, key: String)
    case checkpoint(reason: String)
    /// The log replays to the live state, and that state breaks an invariant of the register.
    case invariant(RegisterInvariants.Violation)

    public var description: String {
        switch self {
        case .entryMissing(let index): "entry \(index): missing from the log"
        case .entryMalformed(let index, let reason): "entry \(index): \(reason)"
        case .entryMisplaced(let row, let entry): "entry \(row): the row holds entry \(entry) (entries moved)"
        case .leafHashMismatch(let index): "entry \(index): stored leaf hash does not match the entry's bytes"
        case .subtreeHashMismatch(let index): "entry \(index): stored subtree hashes do not match the log"
        case .replayFailed(let reason): "replaying the log failed: \(reason)"
        case .rowDiffers(let table, let key): "table \(table), key \(key): row differs from the one the log produces"
        case .missingRow(let table, let key): "table \(table), key \(key): row the log produces is missing"
        case .unexpectedRow(let table, let key): "table \(table), key \(key): row that no log entry produces"
        case .checkpoint(let reason): "checkpoint: \(reason)"
        case .invariant(let violation): "the register says something false: \(violation)"
        }
    }
}
