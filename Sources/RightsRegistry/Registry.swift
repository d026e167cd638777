import Foundation
import Synchronization

/// The register as the CLI, the server and the exchange use it: decide an act against the
/// current state, then append it to the log with its projections in one transaction.
///
/// Acts are serialised within the process; across processes (two servers on one database) the
/// store's size check catches a lost race, and the act is decided again against the new state.
public final class Registry: Sendable {
    public let store: any RegistryStore
    public let clock: any RegistryClock
    public let timeZone: RegistryTimeZone
    public let reads: StoreReads
    /// The signing keys; a registry opened without them can read but not write (every write
    /// is followed by a signed checkpoint).
    public let keys: KeyRing?
    let writeLock = AsyncLock()

    public init(
        store: any RegistryStore, keys: KeyRing?, clock: any RegistryClock = SystemClock(),
        timeZone: RegistryTimeZone = .shanghai
    ) {
        self.store = store
        self.keys = keys
        self.clock = clock
        self.timeZone = timeZone
        reads = StoreReads(store: store)
    }

    /// The origin (checkpoint name) of this registry's log.
    public var origin: String? { keys?.origin }

    func requireKeys() throws -> KeyRing {
        guard let keys else {
            throw RegistryError.unavailable(
                "the registry was opened without its signing keys; writes need them (--keys)")
        }
        return keys
    }

    /// Signs a checkpoint for the log as `result` left it.
    @discardableResult
    public func checkpoint(after result: AppendResult) async throws -> StoredCheckpoint {
        try await Checkpointer(keys: try requireKeys()).checkpoint(size: result.size, root: result.root, in: store)
    }

    /// Today in the registry's zone.
    public var today: Day { timeZone.day(of: clock.now()) }

    /// Decides `act` and, if the rules allow it, logs it. Throws `RegistryError` naming the rule
    /// otherwise; a refused act writes nothing.
    @discardableResult
    public func perform(_ act: RegistryAct, actor: String) async throws -> LogEntry {
        try await perform(actor: actor) { registrar in try await registrar.decide(act) }[0]
    }

    /// Decides with `decide` (which may return several events, appended together) and logs the
    /// result. The exchange uses this to settle a deal and perform its registry acts in one
    /// transaction.
    public func perform(actor: String, _ decide: @Sendable (Registrar) async throws -> any RegistryEvent) async throws
        -> [LogEntry]
    {
        try await performAll(actor: actor) { registrar in [try await decide(registrar)] }
    }

    public func performAll(actor: String, _ decide: @Sendable (Registrar) async throws -> [any RegistryEvent])
        async throws -> [LogEntry]
    {
        _ = try requireKeys()
        return try await writeLock.withLock {
            var attempts = 0
            while true {
                let size = try await store.size()
                let now = clock.now()
                let registrar = Registrar(
                    reads: reads, policy: try await reads.policy(), today: timeZone.day(of: now), nextIndex: size)
                let events = try await decide(registrar)
                let time = timeZone.timestamp(of: now)
                do {
                    let drafts = try events.map { try EntryDraft(event: $0, time: time, actor: actor) }
                    let result = try await store.append(drafts, expectedSize: size)
                    try await checkpoint(after: result)
                    return result.entries
                } catch StoreError.sizeChanged where attempts < 10 {
                    attempts += 1
                }
            }
        }
    }

    /// Appends events already decided elsewhere (the import, which validated them as a whole
    /// file first), in one transaction.
    public func append(_ events: [any RegistryEvent], actor: String) async throws -> AppendResult {
        _ = try requireKeys()
        return try await writeLock.withLock {
            let time = timeZone.timestamp(of: clock.now())
            let result = try await store.append(
                try events.map { try EntryDraft(event: $0, time: time, actor: actor) }, expectedSize: nil)
            try await checkpoint(after: result)
            return result
        }
    }
}

/// A mutual-exclusion lock for async code: waiters resume in arrival order.
final class AsyncLock: Sendable {
    private struct State {
        var locked = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    func withLock<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { continuation in
            let acquired = state.withLock { state in
                if state.locked {
                    state.waiters.append(continuation)
                    return false
                }
                state.locked = true
                return true
            }
            if acquired { continuation.resume() }
        }
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty {
                state.locked = false
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}
