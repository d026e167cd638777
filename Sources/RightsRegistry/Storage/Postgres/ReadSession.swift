import PostgresNIO
import Synchronization

/// One pooled connection lent to the reads of one request (`RegistryStore.reading`), so a
/// decision's dozen reads take one lease instead of twelve. Leasing is most of what a key
/// lookup costs here: ~330 µs a read through the pool against ~170 µs on a held connection
/// (BENCHMARKS.md, 2026-11-26).
///
/// The session is found through a task-local, which tasks started inside it inherit; so that
/// such a task can never use the connection after it went back to the pool (where another
/// lease's transaction would take the statement as its own), the session counts the reads in
/// flight, refuses new ones once it is closing, and `close` waits for the ones running.
final class ReadSession: Sendable {
    /// The store that opened it: a session on one store is not used by another.
    let store: ObjectIdentifier
    private let connection: PostgresConnection
    private struct State {
        var closing = false
        var inFlight = 0
        var closed: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())

    init(store: ObjectIdentifier, connection: PostgresConnection) {
        self.store = store
        self.connection = connection
    }

    /// The session of the current task, if one is open.
    @TaskLocal static var current: ReadSession?

    /// Runs `read` on the session's connection; nil (nothing run) when the session is closing.
    func run<T>(_ read: (PostgresConnection) async throws -> T) async throws -> T? {
        let open = state.withLock { state -> Bool in
            guard !state.closing else { return false }
            state.inFlight += 1
            return true
        }
        guard open else { return nil }
        defer {
            let closed = state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.inFlight -= 1
                guard state.inFlight == 0 else { return nil }
                defer { state.closed = nil }
                return state.closed
            }
            closed?.resume()
        }
        return try await read(connection)
    }

    /// Refuses new reads and returns once none is running: then the connection can go back.
    func close() async {
        await withCheckedContinuation { continuation in
            let idle = state.withLock { state -> Bool in
                state.closing = true
                guard state.inFlight > 0 else { return true }
                state.closed = continuation
                return false
            }
            if idle { continuation.resume() }
        }
    }
}
