import PostgresNIO

/// Rows of one table with text fields, as an append writes projection rows: in its statement
/// as a multi-row `INSERT` (`StatementBatch.insert`), or — rows that are all new — with `COPY …
/// FROM STDIN` (issue 16: an import's batch inserts tens of thousands of rows, and as `INSERT`
/// statements PostgreSQL spent most of its share of the import parsing, planning and executing
/// them; COPY takes the rows as data).
///
/// COPY cannot update, so only rows no row of the table has the key of are copied; an append
/// knows which those are: it read the keys it touches under the lock every writer takes.
struct TableRows {
    let table: String
    let columns: [String]
    /// Text fields; nil is SQL NULL.
    private(set) var rows: [[String?]] = []

    init(table: String, columns: [String]) {
        self.table = table
        self.columns = columns
    }

    mutating func append(_ row: [String?]) {
        precondition(row.count == columns.count, "a row of \(table) with \(row.count) fields")
        rows.append(row)
    }

    /// The rows in COPY's text format (fields separated by tabs, a row per line, `\N` for NULL,
    /// backslash escapes), in buffers of about `chunk` bytes.
    func encoded(chunk: Int = 1 << 20) -> [ByteBuffer] {
        var buffers: [ByteBuffer] = []
        var buffer = ByteBuffer()
        for row in rows {
            for (position, field) in row.enumerated() {
                if position > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
                Self.write(field, into: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "\n"))
            if buffer.readableBytes >= chunk {
                buffers.append(buffer)
                buffer = ByteBuffer()
            }
        }
        if buffer.readableBytes > 0 { buffers.append(buffer) }
        return buffers
    }

    /// The rows as COPY sends them, with the table and columns they go to.
    func copyRows() -> CopyRows { CopyRows(table: table, columns: columns, buffers: encoded()) }

    private static func write(_ field: String?, into buffer: inout ByteBuffer) {
        guard var text = field else {
            buffer.writeStaticString("\\N")
            return
        }
        // A backslash starts an escape, and a tab, newline or carriage return would end the field
        // or the row: each is written as its escape; every other byte as it is (most fields have
        // none of them and are copied at once). Looked for in the string's contiguous UTF-8:
        // through its `utf8` view, byte by byte, it was a tenth of an import's COPY (issue 16).
        let plain = text.withUTF8 { bytes in
            guard !bytes.contains(where: { $0 == UInt8(ascii: "\\") || $0 < 0x20 }) else { return false }
            buffer.writeBytes(bytes)
            return true
        }
        if plain { return }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
            case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
            case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
            default: buffer.writeInteger(byte)
            }
        }
    }
}

/// Rows of one table encoded for `COPY … FROM STDIN` (`TableRows.copyRows`), ready to send.
struct CopyRows: Sendable {
    let table: String
    let columns: [String]
    let buffers: [ByteBuffer]
}
