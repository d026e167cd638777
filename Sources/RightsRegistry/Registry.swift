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
    let checkpointer: Checkpointer?
    let writeLock = AsyncLock()
    let group = GroupCommit()
    /// What other parts of the product decide in answer to an act, in its transaction.
    let reactions: [any RegistryReaction]

    public init(
        store: any RegistryStore, keys: KeyRing?, clock: any RegistryClock = SystemClock(),
        timeZone: RegistryTimeZone = .shanghai, reactions: [any RegistryReaction] = []
    ) {
        self.store = store
        self.reactions = reactions
        self.keys = keys
        checkpointer = keys.map(Checkpointer.init)
        self.clock = clock
        self.timeZone = timeZone
        reads = StoreReads(store: store)
    }

    /// The request being answered (an idempotency key's scope), if the caller named one: the
    /// entries a write appends while it is set carry it, and the store records in the same
    /// transaction that the request committed.
    @TaskLocal public static var requestMark: String?

    /// The draft of an entry this registry appends now, marked with the current request.
    func draft(_ event: any RegistryEvent, time: String, actor: String) throws -> EntryDraft {
        var draft = try EntryDraft(event: event, time: time, actor: actor)
        draft.requestMark = Self.requestMark
        return draft
    }

    /// The origin (checkpoint name) of this registry's log.
    public var origin: String? { keys?.origin }

    static let keysMissing = RegistryError.unavailable(
        "the registry was opened without its signing keys; writes need them (--keys)")

    func requireKeys() throws -> KeyRing {
        guard let keys else { throw Self.keysMissing }
        return keys
    }

    /// Appends `drafts` with the signed checkpoint that covers them, in one transaction — in
    /// which the store first checks that the log still holds the tree the latest checkpoint signed
    /// — writing `projection` if their rows were worked out beforehand.
    public func commit(_ drafts: [EntryDraft], expectedSize: UInt64?, projection: Projection? = nil) async throws
        -> AppendResult
    {
        guard let checkpointer else { throw Self.keysMissing }
        return try await store.append(
            drafts, expectedSize: expectedSize, checkpoint: checkpointer, projection: projection)
    }

    /// A checkpoint note from the store, its signature checked (once per note).
    public func openCheckpoint(_ note: String) throws -> Checkpoint {
        guard let checkpointer else { throw Self.keysMissing }
        return try checkpointer.open(note)
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
    @discardableResult
    public func perform(actor: String, _ decide: @escaping @Sendable (Registrar) async throws -> any RegistryEvent)
        async throws
        -> [LogEntry]
    {
        try await performAll(actor: actor) { registrar in [try await decide(registrar)] }
    }

    @discardableResult
    public func performAll(actor: String, _ decide: @escaping @Sendable (Registrar) async throws -> [any RegistryEvent])
        async throws -> [LogEntry]
    {
        _ = try requireKeys()
        return try await writeLock.withLock {
            var attempts = 0
            while true {
                // The decision's reads share what the store sets up for reads (one connection),
                // at the size the append below expects.
                let (size, now, events) = try await store.deciding { size in
                    let now = self.clock.now()
                    let registrar = Registrar(
                        reads: self.reads, policy: try await self.reads.policy(), today: self.timeZone.day(of: now),
                        now: now, nextIndex: size)
                    var events = try await decide(registrar)
                    for reaction in self.reactions { events += try await reaction.react(to: events, registrar) }
                    return (size, now, events)
                }
                let time = timeZone.timestamp(of: now)
                do {
                    let drafts = try events.map { try draft($0, time: time, actor: actor) }
                    return try await commit(drafts, expectedSize: size).entries
                } catch StoreError.sizeChanged where attempts < 10 {
                    attempts += 1
                }
            }
        }
    }

    /// Runs the reads that answer an act with what it changed, as the act's append — which ended
    /// with `entry` — left the register (`RegistryStore.answering`). Given an entry before the
    /// append's last, the reads ask the database as outside an answer.
    public func answering<T: Sendable>(after entry: LogEntry, _ body: @escaping @Sendable () async throws -> T)
        async throws -> T
    {
        try await store.answering(after: entry.index + 1, body)
    }

    /// Logs an event that needs no decision against the register's state — a collateral search
    /// records what was asked and answered, whatever else is happening. Such events arriving
    /// together are committed together: one transaction, one checkpoint for the group (group
    /// commit), so a burst of searches costs one fsync and one signature, not one each.
    /// Returns the entry and the signed checkpoint committed with it.
    public func record(_ event: any RegistryEvent, actor: String) async throws -> (LogEntry, StoredCheckpoint) {
        _ = try requireKeys()
        let draft = try draft(event, time: timeZone.timestamp(of: clock.now()), actor: actor)
        return try await group.submit(draft) { drafts in
            try await self.writeLock.withLock { try await self.commit(drafts, expectedSize: nil) }
        }
    }

    /// Appends events already decided elsewhere (the import, which validated them as a whole
    /// file first), in one transaction.
    public func append(_ events: [any RegistryEvent], actor: String) async throws -> AppendResult {
        _ = try requireKeys()
        return try await writeLock.withLock {
            let time = timeZone.timestamp(of: clock.now())
            return try await commit(
                try events.map { try draft($0, time: time, actor: actor) }, expectedSize: nil)
        }
    }
}

/// Another part of the product that answers what an act did, in the same transaction: given
/// the events decided (and the state they were decided over), the events that follow from them
/// — the exchange suspends a listing whose right a court has just seized. A reaction decides
/// over reads like the `Registrar`, and what it returns is logged with the act or not at all.
public protocol RegistryReaction: Sendable {
    func react(to events: [any RegistryEvent], _ registrar: Registrar) async throws -> [any RegistryEvent]
}

/// Group commit: drafts submitted while a commit is running wait for the next one and are
/// committed together. The first submitter of an idle group starts a drain task that commits
/// whatever is queued, in arrival order, until the queue is empty.
final class GroupCommit: Sendable {
    typealias Commit = @Sendable ([EntryDraft]) async throws -> AppendResult

    private struct Waiting {
        let draft: EntryDraft
        let continuation: CheckedContinuation<(LogEntry, StoredCheckpoint), any Error>
    }
    private struct State {
        var queue: [Waiting] = []
        var draining = false
    }
    private let state = Mutex(State())
    /// The most drafts in one transaction: bounds the transaction's size and the wait of the last.
    static let limit = 512

    func submit(_ draft: EntryDraft, commit: @escaping Commit) async throws -> (LogEntry, StoredCheckpoint) {
        try await withCheckedThrowingContinuation { continuation in
            let start = state.withLock { state in
                state.queue.append(Waiting(draft: draft, continuation: continuation))
                defer { state.draining = true }
                return !state.draining
            }
            if start { Task { await self.drain(commit) } }
        }
    }

    private func drain(_ commit: Commit) async {
        while true {
            let batch = state.withLock { state -> [Waiting] in
                let batch = Array(state.queue.prefix(Self.limit))
                state.queue.removeFirst(batch.count)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                let result = try await commit(batch.map(\.draft))
                guard let checkpoint = result.checkpoint else { throw Registry.keysMissing }
                for (waiting, entry) in zip(batch, result.entries) {
                    waiting.continuation.resume(returning: (entry, checkpoint))
                }
            } catch {
                for waiting in batch { waiting.continuation.resume(throwing: error) }
            }
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
