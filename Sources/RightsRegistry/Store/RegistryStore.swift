import Foundation

/// Where the register lives: the log (entries with their stored subtree hashes) and the current
/// state projected from it. SQLite and PostgreSQL implement it; both pass one conformance suite.
///
/// The store knows nothing of rights or households. It appends entries and applies their
/// events to the entities they name — in one transaction — and answers keyed and filtered reads
/// of projection documents.
public protocol RegistryStore: SubtreeReader {
    /// Number of entries in the log.
    func size() async throws -> UInt64
    /// The stored rows of entries `range` as they are, hashes included, for the audit.
    func logRows(_ range: Range<UInt64>) async throws -> [StoredLogRow]

    /// Appends the drafts as entries `expectedSize…` and applies their events, atomically, with
    /// the checkpoint `checkpoint` signs for the new size and root in the same transaction —
    /// after `checkpoint` has verified, in that transaction, the log's end (`LogEnd`) against
    /// the latest stored checkpoint.
    /// If the log no longer has `expectedSize` entries (another writer was first) it throws
    /// `StoreError.sizeChanged` and writes nothing; nil skips the check.
    ///
    /// With a `projection` (the events' rows worked out beforehand, at the log's size it names)
    /// the store writes its rows instead of applying the events, and throws
    /// `StoreError.sizeChanged` if the log is not of that size.
    func append(_ drafts: [EntryDraft], expectedSize: UInt64?, checkpoint: Checkpointer?, projection: Projection?)
        async throws -> AppendResult

    /// `projection`, of `entries` entries, with what `append` will send for it made now, by a
    /// store that sends rows in a form of its own (PostgreSQL: COPY's text): an import calls it
    /// while the append before is written, so that the append, which holds the log's lock, only
    /// sends. A store that sends the documents as they are returns it unchanged.
    func preparing(_ projection: Projection, entries: Int) -> Projection

    /// The rows with these keys as committed, each with its index columns if the store keeps
    /// them for writes (`StoredRow.columns`): what a `Projection` is worked out over.
    func projectionRows(_ keys: [EntityKey]) async throws -> [EntityKey: StoredRow]

    /// Runs `body`, whose reads may share what the store would otherwise set up for each (on
    /// PostgreSQL one pooled connection instead of one lease a read). For the reads of one
    /// request; what `body` writes is written as outside it.
    func reading<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T

    /// Runs the reads of a decision (`reading`) at the log's size, which `body` is given and
    /// must append at (`append(expectedSize:)`): since that append is refused if the log moved,
    /// the store may answer the decision's key lookups from documents it knows to be those at
    /// that size (PostgreSQL: `DecisionDocuments`).
    func deciding<T: Sendable>(_ body: @escaping @Sendable (UInt64) async throws -> T) async throws -> T

    /// Runs the reads that answer an act with what it changed (`body`), once the act's append
    /// left the log with `size` entries: the store may answer key lookups with the documents that
    /// append wrote (PostgreSQL: `DecisionDocuments`) instead of asking for what this process has
    /// just written. The answer is then the register as the act left it — a state it had during
    /// the request — even if another process has appended since.
    func answering<T: Sendable>(after size: UInt64, _ body: @escaping @Sendable () async throws -> T)
        async throws -> T

    /// Projection reads.
    func document(_ key: EntityKey) async throws -> JSONValue?
    func documents(_ table: EntityTable, where filters: [ColumnFilter], after key: String?, limit: Int?) async throws
        -> [JSONValue]
    /// Several projection reads answered together, in order: a `.key` read gives its document
    /// or none, a `.matching` read the rows that pass its filters, in key order. A store that
    /// pays a round trip per statement asks them in one (PostgreSQL); the default asks them one
    /// after another.
    func documents(_ reads: [DocumentRead]) async throws -> [[JSONValue]]
    /// Whether `documents(_:)` asks its reads in one round trip, so that reading a row that may
    /// not be needed is cheaper than reading it after: what a caller guessing ahead asks.
    var readsTogether: Bool { get }
    func count(_ table: EntityTable, where filters: [ColumnFilter]) async throws -> Int
    /// Which of `keys` have a row in `table`.
    func existingKeys(_ table: EntityTable, among keys: [String]) async throws -> Set<String>
    /// Every row of a table as (key, canonical document), in key order, for the audit.
    func rows(_ table: EntityTable, after key: String?, limit: Int) async throws -> [(key: String, document: [UInt8])]

    /// Rebuilding: empties the projection tables, then applies already-logged entries (without
    /// appending them) in batches.
    func clearProjections(_ tables: [EntityTable]) async throws
    func applyLogged(_ entries: [(LogEntry, any RegistryEvent)]) async throws

    /// Signed checkpoints, kept beside the log (every one ever issued).
    func latestCheckpoint() async throws -> StoredCheckpoint?
    /// The smallest checkpoint with at least `size` entries.
    func checkpoint(covering size: UInt64) async throws -> StoredCheckpoint?
    func checkpoints(after size: UInt64?, limit: Int) async throws -> [StoredCheckpoint]
    /// Stores a checkpoint; one of the same size already stored is kept.
    func saveCheckpoint(_ checkpoint: StoredCheckpoint) async throws

    /// Records kept beside the register but not part of it (API token hashes, idempotency
    /// keys): not logged, not audited, not rebuilt.
    func sideRecord(_ table: String, key: String) async throws -> [UInt8]?
    /// Stores a record; with `onlyIfAbsent`, writes nothing and returns false if the key exists.
    @discardableResult
    func putSideRecord(_ table: String, key: String, value: [UInt8], onlyIfAbsent: Bool) async throws -> Bool
    func deleteSideRecord(_ table: String, key: String) async throws
    /// Replaces a record only if it still holds `expected` (compare-and-swap); false otherwise.
    func replaceSideRecord(_ table: String, key: String, expected: [UInt8], with value: [UInt8]) async throws -> Bool

    /// Side records in (table, key) order, a page at a time, for copying a registry.
    func sideRecords(after position: SideRecordKey?, limit: Int) async throws -> [SideRecord]

    /// Registry settings kept beside the log (origin name, time zone).
    func setting(_ name: String) async throws -> String?
    func setSetting(_ name: String, _ value: String) async throws
    /// Every setting, for copying a registry.
    func settings() async throws -> [String: String]
}

public struct SideRecordKey: Sendable, Hashable {
    public let table: String
    public let key: String

    public init(table: String, key: String) {
        self.table = table
        self.key = key
    }
}

public struct SideRecord: Sendable {
    public let position: SideRecordKey
    public let value: [UInt8]
}

/// A log row exactly as stored.
public struct StoredLogRow: Sendable {
    public let index: UInt64
    public let leafHash: [UInt8]
    /// Hashes of the subtrees this leaf completes, level 1 upwards, 32 bytes each.
    public let subtreeHashes: [UInt8]
    public let body: [UInt8]

    public init(index: UInt64, leafHash: [UInt8], subtreeHashes: [UInt8], body: [UInt8]) {
        self.index = index
        self.leafHash = leafHash
        self.subtreeHashes = subtreeHashes
        self.body = body
    }
}

extension Subtree {
    /// This subtree's hash as the log stores it, in the row of its last leaf: the leaf hash at
    /// level 0, else slot `level - 1` of the hashes of the subtrees that leaf completes.
    /// `leafHash` is nil when the row is missing.
    func storedHash(leafHash: Data?, subtreeHashes: Data?) throws -> TreeHash {
        guard let leafHash, let subtreeHashes else {
            throw RegistryError(code: "integrity.tree", message: "no entry \(lastLeaf) for subtree \(self)")
        }
        let bytes = level == 0 ? leafHash : subtreeHashes
        let offset = level == 0 ? 0 : (level - 1) * 32
        guard bytes.count >= offset + 32, let hash = TreeHash(bytes: bytes.dropFirst(offset).prefix(32)) else {
            throw RegistryError(code: "integrity.tree", message: "entry \(lastLeaf) lacks the hash of subtree \(self)")
        }
        return hash
    }
}

/// An entry about to be appended: its event, who and when. The payload is encoded when the
/// draft is made, so that work happens before (and, for the importer, beside) the write
/// transaction rather than inside it.
public struct EntryDraft: Sendable {
    public let event: any RegistryEvent
    public let time: String
    public let actor: String
    let kind: String
    let version: Int
    let payload: [UInt8]
    /// The request this entry answers (`Registry.requestMark`), if one was named: the store
    /// records, in the entry's own transaction, that the request committed (`requestCommits`), so
    /// a retry after a crash can tell a write that happened from one that did not.
    public var requestMark: String?
    /// The entry made beforehand for the index it was expected at (`placing(at:)`), if it was.
    private var made: PlacedEntry?

    public init(event: any RegistryEvent, time: String, actor: String) throws {
        self.event = event
        self.time = time
        self.actor = actor
        kind = type(of: event).kind
        version = type(of: event).version
        payload = try JSONValueEncoder().canonicalBytes(event)
    }

    /// An entry of another log, to be appended byte for byte as it was (copying a registry).
    init(logged entry: LogEntry, event: any RegistryEvent) {
        self.event = event
        time = entry.time
        actor = entry.actor
        kind = entry.kind
        version = entry.version
        payload = Array(entry.payloadBytes)
    }

    /// The side-record table where appends record the requests they answered.
    public static let requestCommits = "request_commits"

    /// The request-commit records of the entries appended from these drafts, in order, as
    /// entries `first…`.
    static func commits(_ drafts: [EntryDraft], from first: UInt64) -> [(mark: String, value: [UInt8])] {
        var byMark: [String: [UInt64]] = [:]
        // By position: a `zip` copied every draft (and retained its parts) to read its mark.
        for position in drafts.indices {
            if let mark = drafts[position].requestMark { byMark[mark, default: []].append(first + UInt64(position)) }
        }
        return byMark.sorted { $0.key < $1.key }.map { mark, indices in
            (mark, CanonicalJSON.bytes(["entries": .array(indices.map { .number(Double($0)) })]))
        }
    }

    func entry(at index: UInt64) -> LogEntry {
        LogEntry(index: index, kind: kind, version: version, time: time, actor: actor, payloadBytes: payload)
    }

    /// This draft with its entry for `index`, and the entry's leaf hash, made now: an import
    /// makes its batch's entries on every core while the batch before is written, so the
    /// writing thread only stores them (issue 16). Appended anywhere else, the entry is made
    /// again for where it goes.
    func placing(at index: UInt64) -> EntryDraft {
        var placed = self
        placed.made = self.placed(at: index)
        return placed
    }

    /// The entry at `index` and its leaf hash: as made beforehand, if made for `index`.
    func placed(at index: UInt64) -> PlacedEntry {
        if let made, made.entry.index == index { return made }
        let entry = entry(at: index)
        return PlacedEntry(entry: entry, leaf: entry.leafHash)
    }

    /// What its event may know of the entry at `index` (`LogEntry.context`), without making the
    /// entry: an import works out its rows from these, and only the store makes the entries.
    func context(at index: UInt64) -> EntryContext {
        EntryContext(index: index, day: LogEntry.day(of: time), actor: actor)
    }
}

extension [EntryDraft] {
    /// The drafts' entries for the log at `size…`, with their leaf hashes, and each entry with
    /// its draft's event. By position: an `enumerated` and a `zip` over the drafts copied each
    /// draft twice more (retaining its parts), a tenth of what a PostgreSQL import's sending
    /// thread did.
    func placed(from size: UInt64) -> (placed: [PlacedEntry], batch: [(LogEntry, any RegistryEvent)]) {
        let placed = indices.map { self[$0].placed(at: size + UInt64($0)) }
        return (placed, indices.map { (placed[$0].entry, self[$0].event) })
    }
}

/// An entry made for its index in the log, with its leaf hash.
struct PlacedEntry: Sendable {
    let entry: LogEntry
    let leaf: TreeHash
}

public struct AppendResult: Sendable {
    public let entries: [LogEntry]
    public let size: UInt64
    public let root: TreeHash
    /// The checkpoint written with the entries, if one was asked for.
    public let checkpoint: StoredCheckpoint?
}

extension RegistryStore {
    /// Entries `range`, in order, read back from their stored bytes.
    public func entries(_ range: Range<UInt64>) async throws -> [LogEntry] {
        try await logRows(range).map { row in
            let entry = try LogEntry(bytes: row.body)
            guard entry.index == row.index else {
                throw RegistryError(code: "integrity.entry", message: "row \(row.index) holds entry \(entry.index)")
            }
            return entry
        }
    }

    /// The entry at `index`, if the log has one (any index a caller names, `UInt64.max`
    /// included).
    public func entry(_ index: UInt64) async throws -> LogEntry? {
        guard index < UInt64.max else { return nil }
        return try await entries(index..<(index + 1)).first
    }

    public func reading<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await body()
    }

    public func answering<T: Sendable>(after size: UInt64, _ body: @escaping @Sendable () async throws -> T)
        async throws -> T
    {
        try await body()
    }

    public func deciding<T: Sendable>(_ body: @escaping @Sendable (UInt64) async throws -> T) async throws -> T {
        try await reading { try await body(try await self.size()) }
    }

    public func documents(_ reads: [DocumentRead]) async throws -> [[JSONValue]] {
        try await documentsOneByOne(reads)
    }

    /// `documents(_:)` answered read by read.
    func documentsOneByOne(_ reads: [DocumentRead]) async throws -> [[JSONValue]] {
        var answers: [[JSONValue]] = []
        for read in reads {
            switch read {
            case .key(let key): answers.append(try await document(key).map { [$0] } ?? [])
            case .matching(let table, let filters):
                answers.append(try await documents(table, where: filters, after: nil, limit: nil))
            }
        }
        return answers
    }

    /// Appends, applying the events in the append's transaction.
    public func append(_ drafts: [EntryDraft], expectedSize: UInt64?, checkpoint: Checkpointer?) async throws
        -> AppendResult
    {
        try await append(drafts, expectedSize: expectedSize, checkpoint: checkpoint, projection: nil)
    }

    /// Appends without a checkpoint (tests, benchmarks, tools that sign separately).
    public func append(_ drafts: [EntryDraft], expectedSize: UInt64?) async throws -> AppendResult {
        try await append(drafts, expectedSize: expectedSize, checkpoint: nil)
    }
}

public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another writer appended first; decide again against the new state.
    case sizeChanged(expected: UInt64, actual: UInt64)
    /// The database needs these migrations before this program may use it.
    case migrationsPending([String])
    /// The database has a migration this program does not know: a newer version wrote it.
    case newerSchema(String)

    public var description: String {
        switch self {
        case .sizeChanged(let expected, let actual): "the log has \(actual) entries, expected \(expected)"
        case .migrationsPending(let names): "the schema needs migrating (\(names.joined(separator: ", ")))"
        case .newerSchema(let name):
            "the database has migration \(name), which this version does not know (a newer version wrote it)"
        }
    }
}

/// A named, append-only schema change. Once released a migration is never edited; changes are
/// new migrations.
public struct StoreMigration: Sendable {
    public let name: String
    public let sql: String

    public init(_ name: String, _ sql: String) {
        self.name = name
        self.sql = sql
    }
}

/// The projection step shared by every store: load what the events touch, apply them in order,
/// return the rows to write.
public enum Projector {
    public static func touchedKeys(_ batch: [(LogEntry, any RegistryEvent)]) -> [EntityKey] {
        // A few keys an entry: room for them at once, not grown (and rehashed) as they come.
        var seen = Set<EntityKey>(minimumCapacity: batch.count * 4)
        var keys: [EntityKey] = []
        keys.reserveCapacity(batch.count * 4)
        for (entry, event) in batch {
            for key in event.touches(entry.context) where seen.insert(key).inserted { keys.append(key) }
        }
        return keys
    }

    public static func apply(_ batch: [(LogEntry, any RegistryEvent)], to state: inout ProjectionState) throws
        -> [EntityWrite]
    {
        try apply(batch.lazy.map { entry, event in (entry.context, event) }, to: &state)
    }

    /// Applies the events in order, each with what it may know of its entry; the changed rows.
    static func apply(
        _ batch: some Sequence<(EntryContext, any RegistryEvent)>, to state: inout ProjectionState
    ) throws -> [EntityWrite] {
        for (context, event) in batch { try event.apply(to: &state, entry: context) }
        return try state.takeWrites()
    }
}

extension LogEntry {
    /// What an event may know about its entry.
    public var context: EntryContext { EntryContext(index: index, day: day, actor: actor) }
}
