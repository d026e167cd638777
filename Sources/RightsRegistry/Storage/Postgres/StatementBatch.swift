import Foundation
import PostgresNIO

/// Writes gathered into as few statements as the protocol's parameter limit allows: every
/// write is one data-modifying `WITH` clause of a statement, so an append's entries, projection
/// rows, request marks, checkpoint and log head cost one round trip, not one each (issue 16:
/// a settlement on PostgreSQL spent its time waiting for about forty round trips).
///
/// The clauses of one statement run against the same snapshot, so a batch must not write one
/// row twice; an append never does (a projection writes each key once, deleted or upserted).
struct StatementBatch {
    /// Parameters per statement: under the protocol's 65,535, with room to spare.
    static let parameterLimit = 30_000

    private var statements: [(sql: String, binds: PostgresBindings)] = []
    private var clauses: [String] = []
    private var binds = PostgresBindings()

    /// A write with `values` for parameters; `sql` is given their placeholders, in order.
    mutating func add(_ values: [SQLValue], _ sql: (_ placeholders: [String]) -> String) {
        if !clauses.isEmpty, binds.count + values.count > Self.parameterLimit { finishStatement() }
        let first = binds.count
        for value in values { value.bind(to: &binds) }
        clauses.append(sql(values.indices.map { "$\(first + $0 + 1)" }))
    }

    /// Multi-row INSERTs, as many rows per clause as the parameter limit allows.
    mutating func insert(into table: String, columns: [String], _ rows: [[SQLValue]], onConflict: String = "") {
        let perClause = max(1, Self.parameterLimit / columns.count)
        for start in stride(from: 0, to: rows.count, by: perClause) {
            let chunk = rows[start..<min(start + perClause, rows.count)]
            add(chunk.flatMap { $0 }) { placeholders in
                let tuples = chunk.indices.map { row in
                    let first = (row - start) * columns.count
                    return "(" + placeholders[first..<first + columns.count].joined(separator: ", ") + ")"
                }
                return
                    "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES \(tuples.joined(separator: ", "))"
                    + onConflict
            }
        }
    }

    /// The rows as multi-row INSERTs (the statement's way of writing what COPY would).
    mutating func insert(_ rows: TableRows, onConflict: String = "") {
        insert(into: rows.table, columns: rows.columns, rows.rows.map { $0.map(SQLValue.text) }, onConflict: onConflict)
    }

    /// The statements to run, in order.
    mutating func finish() -> [(sql: String, binds: PostgresBindings)] {
        finishStatement()
        defer { statements = [] }
        return statements
    }

    private mutating func finishStatement() {
        guard !clauses.isEmpty else { return }
        let sql =
            clauses.count == 1
            ? clauses[0]
            : "WITH " + clauses.enumerated().map { "w\($0.offset) AS (\($0.element))" }.joined(separator: ", ")
                + " SELECT 1"
        statements.append((sql, binds))
        clauses = []
        binds = PostgresBindings()
    }
}

/// A parameter of a batched write.
enum SQLValue {
    case text(String?)
    case texts([String])
    case integer(Int64)
    case bytes(Data)

    func bind(to binds: inout PostgresBindings) {
        switch self {
        case .text(let value): binds.append(value)
        case .texts(let values): binds.append(values)
        case .integer(let value): binds.append(value)
        case .bytes(let value): binds.append(ByteBuffer(bytes: value))
        }
    }
}
