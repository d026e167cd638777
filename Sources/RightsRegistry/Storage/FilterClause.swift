/// The WHERE clause of a projection query, shared by the SQL stores: conditions on a table's
/// declared index columns (never user-supplied names), written with the dialect's placeholders.
struct FilterClause {
    /// Empty, or " WHERE …".
    let sql: String
    let arguments: [String]

    /// How a dialect writes the n-th (1-based) parameter.
    enum Placeholder {
        /// `?` (SQLite)
        case question
        /// `$n` (PostgreSQL)
        case numbered
    }

    /// `bound`: how many parameters the statement binds before this clause's (a clause that is
    /// part of a larger statement numbers its own after them).
    init(_ table: EntityTable, _ filters: [ColumnFilter], after key: String?, placeholder: Placeholder, bound: Int = 0)
    {
        var conditions: [String] = []
        var arguments: [String] = []
        func bind(_ value: String) -> String {
            arguments.append(value)
            return placeholder == .question ? "?" : "$\(bound + arguments.count)"
        }
        func column(_ name: String) -> String {
            precondition(name == "key" || table.columns.contains(name), "\(table.name) has no column \(name)")
            return name
        }
        for filter in filters {
            switch filter {
            case .equals(let name, let value):
                conditions.append("\(column(name)) = \(bind(value))")
            case .hasPrefix(let name, let prefix):
                // A range, so the index is used: "330424101" ≤ value < "330424101\u{FFFF}". Both
                // stores compare text bytewise (PostgreSQL's columns are COLLATE "C").
                conditions.append(
                    "\(column(name)) >= \(bind(prefix)) AND \(column(name)) < \(bind(prefix + "\u{FFFF}"))")
            case .isIn(let name, let values):
                conditions.append(
                    values.isEmpty ? "1 = 0" : "\(column(name)) IN (\(values.map(bind).joined(separator: ",")))")
            case .equalsReference(let name, let row, let reference, let prefix):
                precondition(row.table.columns.contains(reference), "\(row.table.name) has no column \(reference)")
                // substr counts characters (code points) in both stores; NULL when the row is
                // missing or starts otherwise, and nothing equals NULL.
                let length = prefix.unicodeScalars.count
                conditions.append(
                    "\(column(name)) = (SELECT substr(\(reference), \(length + 1)) FROM \(row.table.name) WHERE key = "
                        + "\(bind(row.key)) AND substr(\(reference), 1, \(length)) = \(bind(prefix)))")
            }
        }
        if let key { conditions.append("key > \(bind(key))") }
        sql = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        self.arguments = arguments
    }
}
