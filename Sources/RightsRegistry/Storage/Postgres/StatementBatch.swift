import Crypto
import Foundation
import PostgresNIO

/// Writes gathered into as few statements as the protocol's parameter limit allows: every
/// write is one data-modifying `WITH` clause of a statement, so an append's entries, projection
/// rows, request marks, checkpoint and log head cost one round trip, not one each (issue 16:
/// a settlement on PostgreSQL spent its time waiting for about forty round trips).
///
/// The clauses of one statement run against the same snapshot, so a batch must not write one
/// row twice; an append never does (a projection writes each key once, deleted or upserted).
struct StatementBatch: Sendable {
    /// Parameters per statement: under the protocol's 65,535, with room to spare.
    static let parameterLimit = 30_000

    /// How the batch's first clause moves the log's head (`w0`, returning the new size).
    enum Head: Sendable {
        /// The writer holds the log's lock: the head is at `from`, and the writes need no condition.
        case locked(from: UInt64, to: UInt64)
        /// No lock is held: the batch is one statement that writes only if, when its first
        /// clause locks the head row, the log still has `from` entries, `checkpoint` is its
        /// latest checkpoint (stored at that size, none after it) and its right edge's rows are
        /// still `edge`; otherwise it writes nothing (`guardedStatement`). Every other clause
        /// waits for that one, so nothing is written before the head is locked.
        case ifAt(UInt64, checkpoint: StoredCheckpoint, edge: EdgeRows, to: UInt64)
    }

    private let guarded: Bool
    private var statements: [(sql: String, binds: PostgresBindings)] = []
    private var clauses: [String] = []
    private var binds = PostgresBindings()
    private var movesHead = false

    /// A batch of writes that do not move the log's head (a rebuild, a copied checkpoint).
    init() { guarded = false }

    /// A batch of an append's writes, the head's move first.
    init(head: Head) {
        movesHead = true
        switch head {
        case .locked(let from, let to):
            guarded = false
            add([.integer(Int64(to)), .integer(Int64(from))]) {
                "UPDATE log_head SET size = \($0[0]) WHERE size = \($0[1]) RETURNING size"
            }
        case .ifAt(let from, let checkpoint, let edge, let to):
            guarded = true
            add([
                .integer(Int64(to)), .integer(Int64(from)), .text(checkpoint.note), .integers(edge.indices),
                .bytes(Data(edge.digest)),
            ]) {
                "UPDATE log_head SET size = \($0[0]) WHERE size = \($0[1]) "
                    + "AND EXISTS (SELECT FROM checkpoints WHERE size = \($0[1]) AND note = \($0[2])) "
                    + "AND NOT EXISTS (SELECT FROM checkpoints WHERE size > \($0[1])) "
                    + "AND (SELECT sha256(string_agg(leaf_hash || subtree_hashes, ''::bytea ORDER BY idx)) "
                    + "FROM log_entries WHERE idx = ANY(\($0[3]))) = \($0[4]) RETURNING size"
            }
        }
    }

    /// The condition a guarded batch's clauses add: the head row was moved.
    private var condition: String { guarded ? "EXISTS (SELECT FROM w0)" : "" }

    /// A write with `values` for parameters; `sql` is given their placeholders, in order.
    private mutating func add(_ values: [SQLValue], _ sql: (_ placeholders: [String]) -> String) {
        // A guarded batch is one statement whatever its size (`guardedStatement` refuses it).
        if !guarded, !clauses.isEmpty, binds.count + values.count > Self.parameterLimit { finishStatement() }
        let first = binds.count
        for value in values { value.bind(to: &binds) }
        clauses.append(sql(values.indices.map { "$\(first + $0 + 1)" }))
    }

    /// Multi-row INSERTs, as many rows per clause as the parameter limit allows.
    mutating func insert(into table: String, columns: [String], _ rows: [[SQLValue]], onConflict: String = "") {
        let perClause = max(1, Self.parameterLimit / columns.count)
        let condition = condition
        for start in stride(from: 0, to: rows.count, by: perClause) {
            let chunk = rows[start..<min(start + perClause, rows.count)]
            add(chunk.flatMap { $0 }) { placeholders in
                let tuples = chunk.indices.map { row in
                    let first = (row - start) * columns.count
                    return "(" + placeholders[first..<first + columns.count].joined(separator: ", ") + ")"
                }.joined(separator: ", ")
                let values =
                    condition.isEmpty ? "VALUES \(tuples)" : "SELECT * FROM (VALUES \(tuples)) AS v WHERE \(condition)"
                return "INSERT INTO \(table) (\(columns.joined(separator: ", "))) \(values)\(onConflict)"
            }
        }
    }

    /// Rows given column by column, each column one array parameter that `unnest` turns back
    /// into rows: a clause of one parameter a column however many rows it writes, and one text
    /// for any number of rows (issue 16: an import's 4,096 log entries a batch were 16,384
    /// parameters, each bound, numbered and named in the text on the thread that holds the log's
    /// lock). Every array must have as many elements as there are rows.
    mutating func insert(into table: String, columns: [(name: String, values: SQLValue)], onConflict: String = "") {
        let condition = condition
        add(columns.map(\.values)) { placeholders in
            let rows =
                "SELECT * FROM unnest(\(placeholders.joined(separator: ", "))) AS v"
                + (condition.isEmpty ? "" : " WHERE \(condition)")
            return "INSERT INTO \(table) (\(columns.map(\.name).joined(separator: ", "))) \(rows)\(onConflict)"
        }
    }

    /// The rows as multi-row INSERTs (the statement's way of writing what COPY would).
    mutating func insert(_ rows: TableRows, onConflict: String = "") {
        insert(into: rows.table, columns: rows.columns, rows.rows.map { $0.map(SQLValue.text) }, onConflict: onConflict)
    }

    /// Deletes the rows of `table` with `keys`.
    mutating func delete(from table: String, keys: [String]) {
        let condition = condition
        add([.texts(keys)]) {
            "DELETE FROM \(table) WHERE key = ANY(\($0[0]))" + (condition.isEmpty ? "" : " AND \(condition)")
        }
    }

    /// The statements to run, in order (a batch that moves the head: the first returns the new
    /// size, no row if the head was not where the batch expected it). A guarded batch is one
    /// statement, however many parameters it has: send it with `guardedStatement`.
    mutating func finish() -> [(sql: String, binds: PostgresBindings)] {
        finishStatement()
        defer { statements = [] }
        return statements
    }

    /// A guarded batch's one statement, returning the new size if it wrote, no row if the log
    /// had moved; nil for a batch that is not guarded or needs more parameters than one
    /// statement takes (the writer then appends under the lock).
    mutating func guardedStatement() -> (sql: String, binds: PostgresBindings)? {
        guard guarded, binds.count <= Self.parameterLimit else { return nil }
        return finish().first
    }

    private mutating func finishStatement() {
        guard !clauses.isEmpty else { return }
        let result = movesHead && statements.isEmpty ? "SELECT size FROM w0" : "SELECT 1"
        let sql =
            clauses.count == 1
            ? clauses[0]
            : "WITH " + clauses.enumerated().map { "w\($0.offset) AS (\($0.element))" }.joined(separator: ", ")
                + " \(result)"
        statements.append((sql, binds))
        clauses = []
        binds = PostgresBindings()
    }
}

/// The stored rows of a log's right edge — the entries whose hash columns hold the hashes of
/// the complete subtrees a log of its size ends with (`CompactRange.subtrees`) — as an append
/// left them: their indices, and a digest of their `leaf_hash || subtree_hashes` in index order
/// (PostgreSQL's `sha256` of the same bytes, in `StatementBatch.Head.ifAt`).
struct EdgeRows: Sendable {
    /// Each row's `leaf_hash || subtree_hashes` by index.
    let rows: [UInt64: [UInt8]]

    var indices: [Int64] { rows.keys.sorted().map(Int64.init) }
    var digest: [UInt8] { Array(SHA256.hash(data: rows.keys.sorted().flatMap { rows[$0] ?? [] })) }

    /// The edge of a log of `size` entries that grew from one with edge `before` by the rows
    /// `appended` (each subtree of the larger log's edge that ends before the new rows is one
    /// of the smaller log's edge); nil if a row is missing.
    init?(size: UInt64, before: [UInt64: [UInt8]], appended: [UInt64: [UInt8]]) {
        var rows: [UInt64: [UInt8]] = [:]
        for subtree in CompactRange.subtrees(size: size) {
            guard let row = appended[subtree.lastLeaf] ?? before[subtree.lastLeaf] else { return nil }
            rows[subtree.lastLeaf] = row
        }
        self.rows = rows
    }
}

/// A parameter of a batched write.
enum SQLValue {
    case text(String?)
    case texts([String])
    case integer(Int64)
    case integers([Int64])
    case bytes(Data)
    /// A `bytea[]`, each element written straight from its bytes.
    case blobs([[UInt8]])

    func bind(to binds: inout PostgresBindings) {
        switch self {
        case .text(let value): binds.append(value)
        case .texts(let values): binds.append(values)
        case .integer(let value): binds.append(value)
        case .integers(let values): binds.append(values)
        case .bytes(let value): binds.append(ByteBuffer(bytes: value))
        case .blobs(let values): binds.append(values.map(Blob.init))
        }
    }
}

/// Bytes bound as `bytea` as they are: an array of them is a `bytea[]` written in one pass, not
/// copied into a `Data` and a `ByteBuffer` first.
private struct Blob: PostgresNonThrowingEncodable, PostgresArrayEncodable {
    let bytes: [UInt8]

    static var psqlType: PostgresDataType { .bytea }
    static var psqlFormat: PostgresFormat { .binary }
    static var psqlArrayType: PostgresDataType { .byteaArray }

    func encode<JSONEncoder: PostgresJSONEncoder>(
        into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) {
        buffer.writeBytes(bytes)
    }
}
