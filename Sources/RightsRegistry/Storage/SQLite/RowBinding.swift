import GRDB
import GRDBSQLite

/// The values of one execution of a statement, bound with SQLite's own calls (issue 16: an
/// import writes hundreds of thousands of rows a minute, and on its writing thread boxing each
/// argument for GRDB and copying each document into a `String` took about as long as SQLite's
/// own work on the row; reading a row by key through GRDB's `Row` cost four times SQLite's
/// own lookup). Positions count from 1, as in SQL.
struct RowBinding {
    fileprivate let statement: SQLiteStatement
    /// The first failed bind's result code.
    fileprivate var failure: CInt = SQLITE_OK

    mutating func text(_ value: String?, at position: CInt) {
        guard var value else { return check(sqlite3_bind_null(statement, position)) }
        value.withUTF8 { check(sqlite3_bind_text(statement, position, $0.baseAddress, CInt($0.count), transient)) }
    }

    /// UTF-8 bytes (a canonical document) bound as text, without making a `String` of them.
    mutating func text(utf8 bytes: [UInt8], at position: CInt) {
        bytes.withUnsafeBufferPointer {
            check(sqlite3_bind_text(statement, position, $0.baseAddress, CInt($0.count), transient))
        }
    }

    mutating func blob(_ bytes: [UInt8], at position: CInt) {
        bytes.withUnsafeBytes {
            check(sqlite3_bind_blob(statement, position, $0.baseAddress, CInt($0.count), transient))
        }
    }

    mutating func integer(_ value: Int64, at position: CInt) {
        check(sqlite3_bind_int64(statement, position, value))
    }

    private mutating func check(_ code: CInt) {
        if failure == SQLITE_OK, code != SQLITE_OK { failure = code }
    }

    /// SQLite copies the value (`SQLITE_TRANSIENT`): the Swift buffer lives only for the call.
    private var transient: sqlite3_destructor_type {
        unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
    }
}

/// The row a query has stepped to, read with SQLite's own calls. Columns count from 0, as in
/// SQLite's `sqlite3_column_*`; valid only inside the `read` closure that is given it.
struct RowColumns {
    fileprivate let statement: SQLiteStatement

    /// Column `index` as text; nil for NULL.
    func text(_ index: CInt) -> String? {
        // `sqlite3_column_text` first, then the byte count of what it returned (SQLite's rule).
        guard sqlite3_column_type(statement, index) != SQLITE_NULL, let bytes = sqlite3_column_text(statement, index)
        else { return nil }
        let count = Int(sqlite3_column_bytes(statement, index))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// Column `index` as bytes; nil for NULL. An empty blob is empty bytes (SQLite answers it
    /// with no pointer at all).
    func blob(_ index: CInt) -> [UInt8]? {
        guard sqlite3_column_type(statement, index) != SQLITE_NULL else { return nil }
        guard let bytes = sqlite3_column_blob(statement, index) else { return [] }
        let count = Int(sqlite3_column_bytes(statement, index))
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }
}

extension Statement {
    /// Runs this statement (an insert, update or delete) once with the values `bind` binds, and
    /// leaves it reset with no bindings, as GRDB expects to find it (a row it returned would not
    /// be read). Throws `DatabaseError` with SQLite's message if a bind or the step fails.
    func run(_ db: Database, _ bind: (inout RowBinding) -> Void) throws {
        try step(db, bind) { _ in () }
    }

    /// Runs this query with the values `bind` binds and returns its first row as `read` reads
    /// it, or nil when it has none; leaves the statement reset with no bindings. For reads by
    /// key: the rest of the rows, if any, are not read.
    func first<T>(_ db: Database, _ bind: (inout RowBinding) -> Void, read: (RowColumns) throws -> T) throws -> T? {
        try step(db, bind, read)
    }

    private func step<T>(_ db: Database, _ bind: (inout RowBinding) -> Void, _ read: (RowColumns) throws -> T)
        throws -> T?
    {
        var binding = RowBinding(statement: sqliteStatement)
        defer {
            sqlite3_reset(sqliteStatement)
            sqlite3_clear_bindings(sqliteStatement)
        }
        bind(&binding)
        switch binding.failure == SQLITE_OK ? sqlite3_step(sqliteStatement) : binding.failure {
        case SQLITE_DONE: return nil
        case SQLITE_ROW: return try read(RowColumns(statement: sqliteStatement))
        case let code:
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                sql: sql)
        }
    }
}

extension StatementArguments {
    /// Arguments from a list of values, without GRDB's generic initialiser: unspecialised in
    /// this module, it builds a key path at run time on every call (`\.databaseValue`), which
    /// was ~1 % of a collateral search's CPU (issue 16).
    init(listing values: some Sequence<some DatabaseValueConvertible>) {
        self.init(values.map { value -> (any DatabaseValueConvertible)? in value })
    }
}
