import NIOCore
import Testing

@testable import RightsRegistry

/// PostgreSQL appends send their writes as few statements as fit (issue 16).
@Suite("Statement batch")
struct StatementBatchTests {
    @Test("small writes share one statement as WITH clauses, placeholders numbered across them")
    func shared() {
        var batch = StatementBatch(head: .locked(from: 7, to: 9))
        batch.insert(
            into: "log_entries", columns: ["idx", "body"], [[.integer(7), .text("a")], [.integer(8), .text("b")]])
        batch.delete(from: "rights", keys: ["k1", "k2"])
        let statements = batch.finish()
        #expect(statements.count == 1)
        #expect(
            statements.first?.sql
                == "WITH w0 AS (UPDATE log_head SET size = $1 WHERE size = $2 RETURNING size), "
                + "w1 AS (INSERT INTO log_entries (idx, body) VALUES ($3, $4), ($5, $6)), "
                + "w2 AS (DELETE FROM rights WHERE key = ANY($7)) SELECT size FROM w0")
        #expect(statements.first?.binds.count == 7)
        #expect(batch.finish().isEmpty)
    }

    /// PostgreSQL plans a text once it has a name for it (`PreparedText.appendNames`): an act of
    /// one shape must send one text, whatever dictionary its writes passed through.
    @Test(
        "an append's writes to the same tables in the same order make one text, the tables in the order of their writes"
    )
    func oneTextForOneShape() throws {
        let tables = [
            Right.table, ParcelClaim.table, Household.table, Membership.table, Collective.table, Organisation.table,
        ]
        let writes = tables.enumerated().map { offset, table in
            EntityWrite(
                key: EntityKey(table: table, key: "k\(offset)"), document: Array(#"{"v":1}"#.utf8),
                columns: table.columns.map { _ in "c" }, storedColumns: nil, hadNoRow: false)
        }
        let texts = (0..<20).map { _ in
            var batch = StatementBatch(head: .locked(from: 7, to: 8))
            var copies: [CopyRows] = []
            _ = PostgresRegistryStore.queue(writes, into: &batch, copying: &copies)
            #expect(copies.isEmpty)
            return batch.finish().map(\.sql).joined(separator: ";")
        }
        #expect(Set(texts).count == 1)
        let text = try #require(texts.first)
        let positions = tables.map { text.range(of: "INTO \($0.name) ")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap(\.self) == positions.compactMap(\.self).sorted(), "\(text)")
    }

    @Test(
        "rows copied in COPY's text format: tabs between fields, a line a row, \\N for NULL, escapes only where needed")
    func copyText() {
        var rows = TableRows(table: "t", columns: ["key", "a", "doc"])
        rows.append(["k1", nil, #"{"名":"浙江"}"#])
        rows.append(["k2", "tab\there", "back\\slash\nline\rreturn"])
        rows.append(["", "\u{1}", "😀"])
        let text = rows.copyRows().buffers.map { String(buffer: $0) }.joined()
        #expect(
            text
                == "k1\t\\N\t{\"名\":\"浙江\"}\n"
                + "k2\ttab\\there\tback\\\\slash\\nline\\rreturn\n"
                + "\t\u{1}\t😀\n")
        // Rows are split between buffers only at the end of a row.
        let chunks = rows.copyRows(chunk: 8).buffers
        #expect(chunks.count == 3)
        #expect(chunks.allSatisfy { String(buffer: $0).hasSuffix("\n") })
    }

    @Test("a row copied from its document's bytes is the row copied from its fields as text")
    func copiedFromBytes() {
        let rows: [(key: String, columns: [String?], document: String)] = [
            ("k1", [nil, "a"], #"{"名":"浙江"}"#),
            ("k\t2", ["tab\there", nil], #"{"n":"back\\slash\nline","r":"\r"}"#),
            ("", ["\u{1}", "x\\y"], "😀\u{1F}"),
        ]
        var fromText = CopyRows(table: "t", columns: ["key", "a", "b", "doc"], chunk: 16)
        var fromBytes = CopyRows(table: "t", columns: ["key", "a", "b", "doc"], chunk: 16)
        for row in rows {
            fromText.append([row.key] + row.columns + [row.document])
            fromBytes.append(key: row.key, columns: row.columns, document: Array(row.document.utf8))
        }
        #expect(fromBytes.buffers == fromText.buffers)
        #expect(fromBytes.buffers.count == 3)
        let lines: [String] = [
            "k1\t\\N\ta\t{\"名\":\"浙江\"}",
            "k\\t2\ttab\\there\t\\N\t" + #"{"n":"back\\\\slash\\nline","r":"\\r"}"#,
            "\t\u{1}\tx\\\\y\t😀\u{1F}",
        ]
        let copied = fromBytes.buffers.map { String(buffer: $0) }.joined()
        #expect(copied == lines.map { $0 + "\n" }.joined())
    }

    @Test("a lone write is sent as it is; writes past the parameter limit start a new statement")
    func split() {
        var single = StatementBatch()
        single.delete(from: "rights", keys: ["k1"])
        #expect(single.finish().map(\.sql) == ["DELETE FROM rights WHERE key = ANY($1)"])

        var batch = StatementBatch()
        let rows = (0..<25_000).map { [SQLValue.integer(Int64($0)), .text("r\($0)")] }
        batch.insert(into: "t", columns: ["a", "b"], rows)
        batch.delete(from: "rights", keys: ["k1"])
        let statements = batch.finish()
        // 50,000 parameters: a clause of 15,000 rows fills a statement; the rest and the delete share the next.
        #expect(statements.map(\.binds.count) == [30_000, 20_001])
        #expect(statements.allSatisfy { $0.binds.count <= StatementBatch.parameterLimit })
        #expect(statements[0].sql.hasPrefix("INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"))
        #expect(statements[1].sql.hasPrefix("WITH w0 AS (INSERT INTO t (a, b) VALUES ($1, $2)"))
        #expect(statements[1].sql.hasSuffix("w1 AS (DELETE FROM rights WHERE key = ANY($20001)) SELECT 1"))
    }

    @Test(
        "a guarded batch is one statement whose every write waits for the head's conditional move; too big for one, it is not sent"
    )
    func guarded() throws {
        let checkpoint = StoredCheckpoint(size: 7, note: "note")
        let edge = try #require(EdgeRows(size: 7, before: [:], appended: [3: [1], 5: [2], 6: [3]]))
        var batch = StatementBatch(head: .ifAt(7, checkpoint: checkpoint, edge: edge, to: 8))
        batch.insert(
            into: "log_entries", columns: ["idx", "body"], [[SQLValue.integer(7), SQLValue.text("a")]],
            onConflict: " ON CONFLICT DO NOTHING")
        batch.delete(from: "rights", keys: ["k1"])
        let guarded = batch.guardedStatement()
        let statement = try #require(guarded)
        let head =
            "UPDATE log_head SET size = $1 WHERE size = $2 "
            + "AND EXISTS (SELECT FROM checkpoints WHERE size = $2 AND note = $3) "
            + "AND NOT EXISTS (SELECT FROM checkpoints WHERE size > $2) "
            + "AND (SELECT sha256(string_agg(leaf_hash || subtree_hashes, ''::bytea ORDER BY idx)) "
            + "FROM log_entries WHERE idx = ANY($4)) = $5 RETURNING size"
        let insert =
            "INSERT INTO log_entries (idx, body) SELECT * FROM (VALUES ($6, $7)) AS v "
            + "WHERE EXISTS (SELECT FROM w0) ON CONFLICT DO NOTHING"
        let delete = "DELETE FROM rights WHERE key = ANY($8) AND EXISTS (SELECT FROM w0)"
        #expect(
            statement.sql == "WITH w0 AS (\(head)), w1 AS (\(insert)), w2 AS (\(delete)) SELECT size FROM w0")
        #expect(statement.binds.count == 8)
        #expect(edge.indices == [3, 5, 6])

        var big = StatementBatch(head: .ifAt(7, checkpoint: checkpoint, edge: edge, to: 8))
        big.insert(into: "t", columns: ["a", "b"], (0..<16_000).map { [SQLValue.integer(Int64($0)), .text("r")] })
        let tooBig = big.guardedStatement()
        #expect(tooBig == nil)
    }

    @Test("the right edge of a grown log is made of rows of the smaller log's edge and the rows appended")
    func edgeRows() throws {
        for size in UInt64(1)...70 {
            let before = Dictionary(
                uniqueKeysWithValues: CompactRange.subtrees(size: size).map {
                    ($0.lastLeaf, [UInt8(truncatingIfNeeded: $0.lastLeaf)])
                })
            for grown in size + 1...size + 9 {
                let appended = Dictionary(
                    uniqueKeysWithValues: (size..<grown).map { ($0, [UInt8(truncatingIfNeeded: $0)]) })
                let edge = try #require(EdgeRows(size: grown, before: before, appended: appended), "\(size) → \(grown)")
                #expect(edge.indices == CompactRange.subtrees(size: grown).map { Int64($0.lastLeaf) }.sorted())
            }
        }
        #expect(EdgeRows(size: 6, before: [:], appended: [5: [1]]) == nil, "a row of the edge not known")
    }
}
