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
    /// The names of the one-statement appends it prepares (`PostgresRegistryStore.appendAtOwnEnd`):
    /// each shape of act writes a text of its own, so they get names of their own — a text once
    /// it has been seen twice — and never take the reads' (issue 16: parsing and planning the
    /// append's statement each time cost PostgreSQL more than the round trips it saved).
    static let appendNames = PreparedNames(limit: 64, prefix: "rights_append_", sightings: 2)
}

/// The name of each text prepared so far. A connection keeps every statement it prepared until
/// it closes, so only `limit` names are given out; texts beyond them run unnamed.
final class PreparedNames: Sendable {
    let limit: Int
    let prefix: String
    /// How often a text is asked for before it gets a name: texts seen once run unnamed.
    let sightings: Int
    private struct Names {
        var byText: [String: String] = [:]
        var issued = 0
        /// How often texts not yet named were asked for (at most `seenLimit` of them).
        var seen: [String: Int] = [:]
    }
    private let names = Mutex(Names())
    static let seenLimit = 4_096

    init(limit: Int, prefix: String = "rights_", sightings: Int = 1) {
        self.limit = limit
        self.prefix = prefix
        self.sightings = sightings
    }

    /// The name `sql` is prepared under, or nil when it has been seen fewer than `sightings`
    /// times or `limit` names were given out.
    func name(of sql: String) -> String? {
        names.withLock { names in
            if let name = names.byText[sql] { return name }
            guard names.issued < limit else { return nil }
            if sightings > 1 {
                let seen = names.seen[sql, default: 0] + 1
                guard seen >= sightings else {
                    if names.seen.count >= Self.seenLimit { names.seen.removeAll(keepingCapacity: true) }
                    names.seen[sql] = seen
                    return nil
                }
                names.seen[sql] = nil
            }
            let name = "\(prefix)\(names.issued)"
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
