import Foundation
import GRDB
import Synchronization

/// Short reads on the calling thread, for a file registry (issue 16).
///
/// An awaited GRDB read hops from Swift's executor to a reader queue and back. A settlement
/// makes a few dozen reads, and those hand-offs were ~40% of its profile (BENCHMARKS.md), more
/// than the reads: one row by key takes microseconds. This reader has read-only connections of
/// its own that never wait, so a read can run on a cooperative thread without holding it:
/// - a connection is used only when no other task is using it (a compare-and-swap, not a lock);
/// - its busy handler is off, so a read that would have to wait for a lock (recovery after a
///   crash, another process's exclusive lock) fails at once;
/// in both cases the caller makes the read the awaited way, on GRDB's reader pool. Only
/// statements bounded by a key or a small limit come here; scans stay awaited.
final class QuickReader: Sendable {
    /// A connection and whether a task is using it.
    private final class Slot: Sendable {
        let connection: DatabaseQueue
        let inUse = Atomic<Bool>(false)
        init(_ connection: DatabaseQueue) { self.connection = connection }
    }
    /// One per core: as many reads as there are threads to run them.
    private let slots: [Slot]

    /// Read-only connections to the database at `path`, which must exist (the store's pool has
    /// created it and keeps it in WAL mode).
    init(path: String, connections: Int = min(4, max(1, ProcessInfo.processInfo.activeProcessorCount))) throws {
        var configuration = Configuration()
        configuration.readonly = true
        // Opening may wait like the store's pool does (another process may hold a lock while
        // this one starts); reads afterwards may not.
        configuration.busyMode = .timeout(30)
        slots = try (0..<connections).map { _ in
            let connection = try DatabaseQueue(path: path, configuration: configuration)
            try connection.inDatabase { db in try db.execute(sql: "PRAGMA busy_timeout = 0") }
            return Slot(connection)
        }
    }

    /// `body`'s result, or nil when the read cannot be made at once (every connection is in
    /// use, or SQLite would have to wait for a lock): then the caller awaits it elsewhere.
    /// `body` runs one statement, which is its own read transaction (no BEGIN/COMMIT around it).
    func read<T>(_ body: (Database) throws -> T) throws -> T? {
        for slot in slots
        where slot.inUse.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
            defer { slot.inUse.store(false, ordering: .releasing) }
            do {
                return try slot.connection.inDatabase(body)
            } catch let error as DatabaseError
                where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
            {
                return nil
            }
        }
        return nil
    }
}
