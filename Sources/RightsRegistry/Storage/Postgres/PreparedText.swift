import PostgresNIO
import Synchronization

/// A statement text PostgreSQL parses and plans once per connection, then only binds and
/// executes (issue 16). Parsing and planning an unnamed statement was ~45 % of PostgreSQL's CPU
/// under a load of bank searches (`pg_stat_statements`: ~100 µs of planning a search for its
/// three reads, ~30 µs of executing them).
///
/// PostgresNIO prepares statements per connection by name, each named and written by a type
/// (`PostgresPreparedStatement`'s static `name` and `sql`). Our texts are built at run time from
/// the schema's table names, so one type carries the name and text of the statement being run
/// in a task-local value; PostgresNIO (1.33.2) reads both in `execute` before it sends the
/// statement, in the calling task.
///
/// A statement that fails with the server's error gets a new name: PostgresNIO keeps a failed
/// preparation's error under its name for the connection's life.
struct PreparedText: PostgresPreparedStatement {
    typealias Row = PostgresRow

    struct Text: Sendable {
        let name: String
        let sql: String
    }
    @TaskLocal static var running = Text(name: "", sql: "")

    static var name: String { running.name }
    static var sql: String { running.sql }

    let binds: PostgresBindings

    func makeBindings() -> PostgresBindings { binds }
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }

    /// The names of the texts this process prepares.
    static let names = PreparedNames(limit: 128)
}

/// The name of each text prepared so far. A connection keeps every statement it prepared until
/// it closes, so only `limit` names are given out; texts beyond them run unnamed.
final class PreparedNames: Sendable {
    let limit: Int
    private struct Names {
        var byText: [String: String] = [:]
        var issued = 0
    }
    private let names = Mutex(Names())

    init(limit: Int) { self.limit = limit }

    /// The name `sql` is prepared under, or nil when `limit` names were given out.
    func name(of sql: String) -> String? {
        names.withLock { names in
            if let name = names.byText[sql] { return name }
            guard names.issued < limit else { return nil }
            let name = "rights_\(names.issued)"
            names.issued += 1
            names.byText[sql] = name
            return name
        }
    }

    /// Gives `sql` a new name the next time it is asked for (if `name` is still its name): the
    /// connection where preparing it failed keeps that failure under the old name.
    func retire(_ sql: String, name: String) {
        names.withLock { names in
            if names.byText[sql] == name { names.byText[sql] = nil }
        }
    }
}
