import GRDB
import PostgresNIO

/// Errors from a store that say it cannot be used right now — the disk is full, a file cannot be
/// written, the database server is down or restarting — as opposed to a bug or a refusal. A
/// client is told to retry later (503 with `Retry-After`) with a stable code:
/// `unavailable.storage` for the embedded SQLite file, `unavailable.database` for PostgreSQL.
public enum StoreOutage {
    /// The outage `error` stands for, or nil if it is not one.
    public static func classify(_ error: any Error) -> RegistryError? {
        switch error {
        case let error as RegistryError:
            return error.category == .unavailable ? error : nil
        case let error as DatabaseError:
            return sqlite(error)
        case let error as PSQLError:
            return postgres(error)
        default:
            return nil
        }
    }

    /// SQLite's result codes for a file it cannot write or read now.
    static func sqlite(_ error: DatabaseError) -> RegistryError? {
        let cause: String
        switch error.resultCode.primaryResultCode {
        case .SQLITE_FULL: cause = "the disk is full"
        case .SQLITE_IOERR: cause = "the database file cannot be read or written"
        case .SQLITE_CANTOPEN: cause = "the database file cannot be opened"
        case .SQLITE_READONLY: cause = "the database file is read-only"
        case .SQLITE_BUSY, .SQLITE_LOCKED: cause = "the database is locked by another writer"
        case .SQLITE_NOMEM: cause = "out of memory"
        case .SQLITE_NOLFS: cause = "the file system does not support large files"
        default: return nil
        }
        return RegistryError(code: "unavailable.storage", message: "storage unavailable: \(cause)")
    }

    /// A connection that failed or was closed, or a server error of the classes that mean the
    /// server cannot serve now: 08 connection exception, 53 insufficient resources (disk full,
    /// out of memory, too many connections), 57P admin shutdown / cannot connect now, 58 system
    /// error.
    static func postgres(_ error: PSQLError) -> RegistryError? {
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
            return database("the connection to PostgreSQL failed")
        case .server:
            guard let state = error.serverInfo?[.sqlState],
                ["08", "53", "57P", "58"].contains(where: state.hasPrefix)
            else { return nil }
            return database("PostgreSQL cannot serve now (\(state): \(error.serverInfo?[.message] ?? "-"))")
        default:
            return nil
        }
    }

    /// PostgreSQL cannot be reached or used now.
    public static func database(_ cause: String) -> RegistryError {
        RegistryError(code: "unavailable.database", message: "database unavailable: \(cause)")
    }
}
