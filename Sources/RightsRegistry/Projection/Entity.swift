/// A row of the register's current state (a projection of the log): stored under a key in its
/// table as a canonical JSON document, with a few index columns for queries.
///
/// Stores know nothing of the types: they store (table, key, columns, document). That keeps one
/// generic storage path for SQLite and PostgreSQL and lets the exchange add its own entities.
public protocol Entity: Codable, Sendable {
    static var table: EntityTable { get }
    var key: String { get }
    /// Values of `table.columns`, in order; nil is SQL NULL.
    var columnValues: [String?] { get }
}

/// A projection table: its name and its index columns (besides `key` and `doc`). Tables are
/// identified by name.
public struct EntityTable: Hashable, Sendable {
    public let name: String
    public let columns: [String]

    public init(name: String, columns: [String]) {
        self.name = name
        self.columns = columns
    }

    public static func == (lhs: EntityTable, rhs: EntityTable) -> Bool { lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}

/// Which entity: table and key.
public struct EntityKey: Hashable, Sendable, CustomStringConvertible {
    public let table: EntityTable
    public let key: String

    public init(table: EntityTable, key: String) {
        self.table = table
        self.key = key
    }

    public var description: String { "\(table.name)/\(key)" }

    /// The row's key and the length of its table's name: hashing the name as well cost an
    /// import a second string hash for every key it looked up (issue 16). Keys two tables share
    /// (a right and its certificate) still compare unequal, by the table.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(key)
        hasher.combine(table.name.utf8.count)
    }
}

extension Entity {
    public static func key(_ key: String) -> EntityKey { EntityKey(table: table, key: key) }
    public var entityKey: EntityKey { EntityKey(table: Self.table, key: key) }
}

/// A change to one projection row, as a store writes it.
public struct EntityWrite: Sendable {
    public let key: EntityKey
    /// The canonical JSON document; nil deletes the row.
    public let document: [UInt8]?
    public let columns: [String?]
    /// The row's index columns as the store held them when the projection read the row, if the
    /// store said; nil when it did not, or when there was no row. With them a store can rewrite
    /// only the columns that change: SQLite rewrites an index entry for every column an UPDATE
    /// sets, even to the value it had (issue 16: a settlement's commit wrote index pages of
    /// deals and listings whose indexed values had not changed). PostgreSQL compares an updated
    /// row's indexed values itself, so its store does not need them.
    public let storedColumns: [String?]?
    /// The row was looked for before the changes and not found: a store may insert it without
    /// looking for it (PostgreSQL copies such rows in). False when it was found, or not looked
    /// for.
    public let hadNoRow: Bool
}

/// One projection read of several asked together (`RegistryStore.documents(_:)`).
public enum DocumentRead: Sendable, Hashable {
    /// The row with this key, if there is one.
    case key(EntityKey)
    /// Every row of the table that passes the filters.
    case matching(EntityTable, [ColumnFilter])
}

/// A condition on an index column, for queries.
public enum ColumnFilter: Sendable, Hashable {
    case equals(String, String)
    /// The column's value starts with the prefix (region scopes: "330424101").
    case hasPrefix(String, String)
    case isIn(String, [String])
    /// The column's value is what column `column` of the row `row` holds after `prefix`; no row
    /// passes when that row is missing or its value starts otherwise. The row a reference points
    /// at, read in the statement that reads the row holding it: a right's household with the
    /// right (issue 16: on PostgreSQL a round trip less for a bank's search).
    case equalsReference(String, row: EntityKey, column: String, prefix: String)
}
