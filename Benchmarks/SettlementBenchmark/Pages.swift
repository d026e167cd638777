import GRDB
import GRDBSQLite

/// Pages `db`'s connection has written to its database or write-ahead log since it opened
/// (`SQLITE_DBSTATUS_CACHE_WRITE`), as `SQLiteRegistryStore.pagesWritten()` counts its writer's.
func pagesWritten(_ db: Database) -> Int {
    var current: Int32 = 0
    var highwater: Int32 = 0
    sqlite3_db_status(db.sqliteConnection, SQLITE_DBSTATUS_CACHE_WRITE, &current, &highwater, 0)
    return Int(current)
}
