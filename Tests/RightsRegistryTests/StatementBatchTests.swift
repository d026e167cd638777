import Testing

@testable import RightsRegistry

/// PostgreSQL appends send their writes as few statements as fit (issue 16).
@Suite("Statement batch")
struct StatementBatchTests {
    @Test("small writes share one statement as WITH clauses, placeholders numbered across them")
    func shared() {
        var batch = StatementBatch()
        batch.insert(
            into: "log_entries", columns: ["idx", "body"], [[.integer(7), .text("a")], [.integer(8), .text("b")]])
        batch.add([.texts(["k1", "k2"])]) { "DELETE FROM rights WHERE key = ANY(\($0[0]))" }
        batch.add([.integer(9)]) { "UPDATE log_head SET size = \($0[0])" }
        let statements = batch.finish()
        #expect(statements.count == 1)
        #expect(
            statements.first?.sql
                == "WITH w0 AS (INSERT INTO log_entries (idx, body) VALUES ($1, $2), ($3, $4)), "
                + "w1 AS (DELETE FROM rights WHERE key = ANY($5)), w2 AS (UPDATE log_head SET size = $6) SELECT 1")
        #expect(statements.first?.binds.count == 6)
        #expect(batch.finish().isEmpty)
    }

    @Test("a lone write is sent as it is; writes past the parameter limit start a new statement")
    func split() {
        var single = StatementBatch()
        single.add([.integer(1)]) { "UPDATE log_head SET size = \($0[0])" }
        #expect(single.finish().map(\.sql) == ["UPDATE log_head SET size = $1"])

        var batch = StatementBatch()
        let rows = (0..<25_000).map { [SQLValue.integer(Int64($0)), .text("r\($0)")] }
        batch.insert(into: "t", columns: ["a", "b"], rows)
        batch.add([.integer(1)]) { "UPDATE log_head SET size = \($0[0])" }
        let statements = batch.finish()
        // 50,000 parameters: a clause of 15,000 rows fills a statement; the rest and the update share the next.
        #expect(statements.map(\.binds.count) == [30_000, 20_001])
        #expect(statements.allSatisfy { $0.binds.count <= StatementBatch.parameterLimit })
        #expect(statements[0].sql.hasPrefix("INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"))
        #expect(statements[1].sql.hasPrefix("WITH w0 AS (INSERT INTO t (a, b) VALUES ($1, $2)"))
        #expect(statements[1].sql.hasSuffix("w1 AS (UPDATE log_head SET size = $20001) SELECT 1"))
    }
}
