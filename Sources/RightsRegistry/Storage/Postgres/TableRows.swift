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

    /// The rows in COPY's text format (`CopyRows`), in buffers of about `chunk` bytes.
    func copyRows(chunk: Int = CopyRows.chunk) -> CopyRows {
        var copy = CopyRows(table: table, columns: columns, chunk: chunk)
        for row in rows { copy.append(row) }
        return copy
    }
}

/// Rows of one table in `COPY … FROM STDIN`'s text format — fields separated by tabs, a row per
/// line, `\N` for NULL, backslash escapes — written as they are added, in buffers of about
/// `chunk` bytes, split only between rows.
///
/// An import's new rows are written here straight from their documents' bytes (issue 16: made
/// into strings first, validated, put in arrays and then written, they were the largest part of
/// preparing a batch for PostgreSQL).
struct CopyRows: Sendable {
    static let chunk = 1 << 20

    let table: String
    let columns: [String]
    private let chunk: Int
    private var full: [ByteBuffer] = []
    private var buffer = ByteBuffer()

    init(table: String, columns: [String], chunk: Int = Self.chunk) {
        self.table = table
        self.columns = columns
        self.chunk = chunk
    }

    var isEmpty: Bool { full.isEmpty && buffer.readableBytes == 0 }

    /// The rows written, in order.
    var buffers: [ByteBuffer] { buffer.readableBytes > 0 ? full + [buffer] : full }

    mutating func append(_ row: [String?]) {
        precondition(row.count == columns.count, "a row of \(table) with \(row.count) fields")
        for position in row.indices {
            if position > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
            if var text = row[position] {
                text.withUTF8 { write($0) }
            } else {
                buffer.writeStaticString("\\N")
            }
        }
        endRow()
    }

    /// A projection row: its key, its index columns and its document's bytes.
    mutating func append(key: String, columns values: [String?], document: [UInt8]) {
        precondition(values.count + 2 == columns.count, "a row of \(table) with \(values.count + 2) fields")
        var key = key
        key.withUTF8 { write($0) }
        for value in values {
            buffer.writeInteger(UInt8(ascii: "\t"))
            if var text = value {
                text.withUTF8 { write($0) }
            } else {
                buffer.writeStaticString("\\N")
            }
        }
        buffer.writeInteger(UInt8(ascii: "\t"))
        document.withUnsafeBufferPointer { write($0) }
        endRow()
    }

    private mutating func endRow() {
        buffer.writeInteger(UInt8(ascii: "\n"))
        if buffer.readableBytes >= chunk {
            full.append(buffer)
            buffer = ByteBuffer()
        }
    }

    /// A field's bytes: a backslash starts an escape, and a tab, newline or carriage return
    /// would end the field or the row, so each is written as its escape; every other byte as it
    /// is, runs between them at once (byte by byte through a string's `utf8` view, this was a
    /// tenth of an import's COPY; the runs are found eight bytes at a time, `PlainRun`).
    private mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        var run = 0
        while true {
            let end = PlainRun.end(in: bytes, from: run, quotes: false)
            buffer.writeBytes(UnsafeBufferPointer(rebasing: bytes[run..<end]))
            guard end < bytes.count else { break }
            switch bytes[end] {
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
            case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
            case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
            default: buffer.writeInteger(bytes[end])
            }
            run = end + 1
        }
    }
}
