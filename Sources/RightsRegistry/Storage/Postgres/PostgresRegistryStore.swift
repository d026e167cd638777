import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The scale-out store: the same log and projections as `SQLiteRegistryStore`, on PostgreSQL
/// through PostgresNIO's connection pool, for registries with many clerks, banks and servers
/// at once.
///
/// Appends lock the one `log_head` row first, inside the transaction that inserts the entries,
/// applies their events and stores the checkpoint; so writers in any number of processes take
/// turns, the log stays gapless and ordered, and a crash leaves all of an act or none. A process
/// appending again at the end its own last append left does all of that in one statement, which
/// locks the same row first and writes only if the log still ends there (`appendAtOwnEnd`).
/// Reads run on their own connections and never wait for the lock.
public final class PostgresRegistryStore: RegistryStore {
    private let client: PostgresClient
    /// Where the pool's connections live and the work on them runs (`connected`).
    private let taskExecutor: EventLoopTaskExecutor
    private let running: Task<Void, Never>
    private let logger: Logger
    /// When a request waiting for a connection is refused (`connected`).
    private let deadlines = LeaseDeadlines(timeout: acquireTimeout)
    /// The log's size as this process last saw it in an append: which hashes and documents the
    /// next append reads with the lock (`lockEnd`).
    private let knownSize = Atomic<Int64>(0)
    /// Connections leased so far (for tests of the read sessions).
    private let leaseCount = Atomic<Int>(0)
    var leases: Int { leaseCount.load(ordering: .relaxed) }
    /// The documents at the log's size as this process knows them, for its decisions.
    let decisionDocuments = DecisionDocuments()
    /// Document reads (key lookups and filtered reads) that went to the database (for tests of
    /// `decisionDocuments`).
    private let lookupCount = Atomic<Int>(0)
    var lookups: Int { lookupCount.load(ordering: .relaxed) }
    /// Sizes read for decisions (for tests of `deciding`).
    private let sizeReadCount = Atomic<Int>(0)
    var sizeReads: Int { sizeReadCount.load(ordering: .relaxed) }
    /// Where the store is, without its password, for messages.
    public let location: PostgresLocation

    /// Connects. With `migrate`, applies pending migrations (in one transaction, one migrator at
    /// a time); without it, refuses a database whose schema is behind with
    /// `StoreError.migrationsPending`.
    public init(_ location: PostgresLocation, migrations: [StoreMigration], migrate: Bool) async throws {
        self.location = location
        var logger = Logger(label: "rights.postgres")
        // Errors only: PostgresNIO warns when a lease comes before `run()` has started, which
        // the first query after `init` races with harmlessly.
        logger.logLevel = .error
        self.logger = logger
        // All the store's connections on one event loop, and the work done on them too
        // (`connected`): a lease, its statements and what comes between them run on one thread,
        // without a hand-off to the cooperative pool and back at each step.
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let executor = EventLoopTaskExecutor(loop)
        taskExecutor = executor
        let client = PostgresClient(
            configuration: location.configuration, eventLoopGroup: loop, backgroundLogger: logger)
        self.client = client
        running = Task(executorPreference: executor) { await client.run() }
        do {
            if migrate {
                try await self.migrate(migrations)
            } else {
                let pending = try await self.pendingMigrations(migrations)
                if !pending.isEmpty { throw StoreError.migrationsPending(pending) }
            }
        } catch {
            running.cancel()
            throw error
        }
    }

    deinit { running.cancel() }

    // MARK: Migrations

    /// Names of `migrations` not yet applied. Throws if the database has migrations this
    /// program does not know (a newer version wrote it).
    public func pendingMigrations(_ migrations: [StoreMigration]) async throws -> [String] {
        try await connected { connection in
            try await self.pending(migrations, connection)
        }
    }

    private func pending(_ migrations: [StoreMigration], _ connection: PostgresConnection) async throws -> [String] {
        let exists = try await rows("SELECT to_regclass('schema_migrations') IS NOT NULL", on: connection)
        guard try exists.first?.decode(Bool.self) == true else { return migrations.map(\.name) }
        let applied = Set(
            try await rows("SELECT name FROM schema_migrations", on: connection).map { try $0.decode(String.self) })
        if let unknown = applied.subtracting(migrations.map(\.name)).sorted().first {
            throw StoreError.newerSchema(unknown)
        }
        return migrations.map(\.name).filter { !applied.contains($0) }
    }

    private func migrate(_ migrations: [StoreMigration]) async throws {
        try await connected { connection in
            try await self.transaction(on: connection) {
                // One migrator at a time, across processes: the others wait, then find nothing to do.
                // The schema is created under the lock too: two `CREATE SCHEMA IF NOT EXISTS` at
                // once can both pass the check and one then fail on the catalogue's unique index.
                try await self.rows("SELECT pg_advisory_xact_lock(7406310428)", on: connection)
                if let schema = self.location.schema {
                    try await self.rows("CREATE SCHEMA IF NOT EXISTS \(Self.quoted(schema))", on: connection)
                }
                try await self.rows(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                    on: connection)
                let pending = Set(try await self.pending(migrations, connection))
                for migration in migrations where pending.contains(migration.name) {
                    for statement in Self.statements(migration.sql) { try await self.rows(statement, on: connection) }
                    var binds = PostgresBindings()
                    binds.append(migration.name)
                    try await self.rows("INSERT INTO schema_migrations (name) VALUES ($1)", binds, on: connection)
                }
            }
        }
    }

    /// A migration's statements: PostgreSQL prepares one statement per query.
    static func statements(_ sql: String) -> [String] {
        sql.components(separatedBy: ";\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .map { $0.hasSuffix(";") ? String($0.dropLast()) : $0 }.filter { !$0.isEmpty }
    }

    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: Queries

    /// A statement on `connection`; with `prepared`, a text of fixed shape prepared there the
    /// first time it runs (`prepared(_:_:on:logger:rerun:)`), its error standing at once.
    @discardableResult
    private func rows(
        _ sql: String, _ binds: PostgresBindings = PostgresBindings(), on connection: PostgresConnection,
        prepared: Bool = false
    ) async throws -> [PostgresRow] {
        if prepared { return try await Self.prepared(sql, binds, on: connection, logger: logger, rerun: false) }
        return try await Self.statement(PostgresQuery(unsafeSQL: sql, binds: binds), on: connection, logger: logger)
    }

    /// One statement on `connection`, written from the connection's event loop and only while
    /// its channel is open; every statement of this store goes through here.
    ///
    /// PostgresNIO (1.33.2) hands a query to its channel without a promise for the write. Written
    /// after the channel closed — the server gone between a lease and its statement — the write
    /// fails unseen and the query never completes: a bank's search during an outage waited for
    /// ever, holding its pooled connection. On the loop that owns the channel, the check and the
    /// write are one step: the query reaches an open channel (which fails it if it closes
    /// later), or it is refused here as a lost connection.
    static func statement(_ query: PostgresQuery, on connection: PostgresConnection, logger: Logger) async throws
        -> [PostgresRow]
    {
        try await onOpenChannel(connection) { try await connection.query(query, logger: logger).collect() }
    }

    /// A statement of fixed text, prepared on `connection` the first time it runs there under a
    /// name from `names` (`PreparedText`), sent the way `statement` sends one; unnamed when
    /// `names` gives it none. With `rerun`, a statement that fails
    /// with the server's error runs again unnamed and its own answer or error stands; inside a
    /// transaction (which the error aborted) the error stands at once.
    static func prepared(
        _ sql: String, _ binds: PostgresBindings, on connection: PostgresConnection, logger: Logger, rerun: Bool = true,
        names: PreparedNames = PreparedText.names
    ) async throws -> [PostgresRow] {
        let unnamed = PostgresQuery(unsafeSQL: sql, binds: binds)
        guard let name = names.name(of: sql) else {
            return try await statement(unnamed, on: connection, logger: logger)
        }
        do {
            return try await onOpenChannel(connection) {
                try await PreparedText.$running.withValue(PreparedText.Text(name: name, sql: sql)) {
                    var rows: [PostgresRow] = []
                    for try await row in try await connection.execute(PreparedText(binds: binds), logger: logger) {
                        rows.append(row)
                    }
                    return rows
                }
            }
        } catch let error as PSQLError where error.code == .server {
            names.retire(sql, name: name)
            guard rerun else { throw error }
            return try await statement(unnamed, on: connection, logger: logger)
        }
    }

    /// `rows` written with COPY on `connection`, sent the way `statement` sends a statement.
    static func copy(_ rows: CopyRows, on connection: PostgresConnection, logger: Logger) async throws {
        try await onOpenChannel(connection) {
            try await connection.copyFrom(table: rows.table, columns: rows.columns, logger: logger) { writer in
                for buffer in rows.buffers { try await writer.write(buffer) }
            }
        }
    }

    /// Runs `send` on the connection's event loop once its channel is known to be open.
    private static func onOpenChannel<T: Sendable>(
        _ connection: PostgresConnection, _ send: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        @Sendable func checked() async throws -> T {
            guard !connection.isClosed else {
                throw StoreOutage.database("the connection to PostgreSQL closed before the statement was sent")
            }
            return try await send()
        }
        if connection.eventLoop.inEventLoop { return try await checked() }
        return try await withTaskExecutorPreference(EventLoopTaskExecutor(connection.eventLoop)) {
            try await checked()
        }
    }

    /// The writes gathered in `writes`, in as few statements as they fit.
    /// Returns the first statement's rows (of a batch that moves the log's head: the new size).
    @discardableResult
    private func run(_ writes: inout StatementBatch, on connection: PostgresConnection) async throws -> [PostgresRow] {
        var first: [PostgresRow]?
        for statement in writes.finish() {
            let rows = try await rows(statement.sql, statement.binds, on: connection)
            if first == nil { first = rows }
        }
        return first ?? []
    }

    /// A statement on its own (autocommit): on the connection of the current read session
    /// (`reading`), else on a pooled connection of its own. With `prepared`, a text of fixed
    /// shape that runs often (a document by its key, a side record) is prepared on each
    /// connection the first time it runs there.
    @discardableResult
    private func read(_ sql: String, _ binds: PostgresBindings = PostgresBindings(), prepared: Bool = false)
        async throws -> [PostgresRow]
    {
        let logger = logger
        let run: @Sendable (PostgresConnection) async throws -> [PostgresRow] = { connection in
            if prepared { return try await Self.prepared(sql, binds, on: connection, logger: logger) }
            return try await Self.statement(PostgresQuery(unsafeSQL: sql, binds: binds), on: connection, logger: logger)
        }
        if let session = ReadSession.current, session.store == ObjectIdentifier(self) {
            do {
                if let rows = try await session.run(run) { return rows }
            } catch {
                throw StoreOutage.classify(error) ?? error
            }
        }
        return try await connected(run)
    }

    /// `body`'s statements share one pooled connection (`ReadSession`), each on its own as
    /// outside a session; transactions (appends) take connections of their own.
    public func reading<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        if let session = ReadSession.current, session.store == ObjectIdentifier(self) { return try await body() }
        return try await connected { connection in
            let session = ReadSession(store: ObjectIdentifier(self), connection: connection)
            do {
                // Already on the connection's event loop (`connected`): each read's round trip
                // stays on one thread.
                let result = try await ReadSession.$current.withValue(session) { try await body() }
                await session.close()
                return result
            } catch {
                await session.close()
                throw error
            }
        }
    }

    /// A decision's reads in one session, its key lookups answered from `decisionDocuments` where
    /// it knows the documents at the decision's size. That size is read first, unless this
    /// process writes alone (`DecisionDocuments.assumedSize`): then it is the one its last append
    /// left, and should another process have appended since, the decision's append is refused for
    /// its size; a decision that throws — a refusal — is decided again at the size read then, if
    /// it moved, so nothing is refused over a state that has passed.
    public func deciding<T: Sendable>(_ body: @escaping @Sendable (UInt64) async throws -> T) async throws -> T {
        try await reading {
            var size: UInt64
            if let assumed = self.decisionDocuments.assumedSize {
                size = assumed
            } else {
                size = try await self.readSize()
                self.decisionDocuments.begin(at: size)
            }
            while true {
                do {
                    return try await DecisionDocuments.$deciding.withValue(
                        DecisionDocuments.Mark(store: ObjectIdentifier(self), size: size)
                    ) { try await body(size) }
                } catch {
                    let current = try await self.readSize()
                    guard current != size else { throw error }
                    size = current
                    self.decisionDocuments.moved(to: size)
                }
            }
        }
    }

    /// The log's size, read for a decision (counted, for tests of `deciding`).
    private func readSize() async throws -> UInt64 {
        sizeReadCount.add(1, ordering: .relaxed)
        return try await size()
    }

    /// Runs `body` on a connection from the pool. Not getting one — the server down,
    /// restarting, unreachable — is an outage the caller may retry (`unavailable.database`),
    /// and so is a connection lost under `body`; `body`'s other errors reach the caller as they are.
    ///
    /// The pool keeps trying to connect while the server is away and a request would wait for
    /// it for a minute or more; a connection not had within `acquireTimeout` is an outage now.
    ///
    /// The lease and `body` run on the store's event loop, the connection's (`taskExecutor`).
    func connected<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T)
        async throws -> T
    {
        // The lease runs in a task of its own and the deadline answers without waiting for it:
        // a pool that does not give up a lease when asked to (seen with the database gone) must
        // not hold the request. Whichever comes first decides, once; a connection that arrives
        // after the deadline does no work, so nothing is written after the caller was told no.
        let outcome = Outcome<T>()
        do {
            return try await withCheckedThrowingContinuation { continuation in
                outcome.install(continuation)
                let lease = Task(executorPreference: taskExecutor) {
                    do {
                        let value = try await self.client.withConnection { connection in
                            guard outcome.claimConnection() else { throw CancellationError() }
                            self.leaseCount.add(1, ordering: .relaxed)
                            do { return try await body(connection) } catch { throw BodyFailure(error: error) }
                        }
                        outcome.resume(.success(value))
                    } catch {
                        outcome.resume(.failure(error))
                    }
                }
                let deadlines = self.deadlines
                outcome.setDeadline(
                    deadlines.add {
                        if outcome.expireUnlessConnected() {
                            lease.cancel()
                            outcome.resume(
                                .failure(StoreOutage.database("no connection within \(Self.acquireTimeout)")))
                        }
                    }, on: deadlines)
            }
        } catch let failure as BodyFailure {
            throw StoreOutage.classify(failure.error) ?? failure.error
        } catch {
            throw StoreOutage.classify(error) ?? StoreOutage.database(StoreLocation.explain(error))
        }
    }

    /// One request's race between its connection and its deadline: resumed exactly once.
    private final class Outcome<T: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<T, any Error>?
            var pending: Result<T, any Error>?
            var connected = false
            var expired = false
            var deadline: (key: UInt64, deadlines: LeaseDeadlines)?
        }
        private let state = Mutex(State())

        func install(_ continuation: CheckedContinuation<T, any Error>) {
            let early = state.withLock { state -> Result<T, any Error>? in
                if let pending = state.pending { return pending }
                state.continuation = continuation
                return nil
            }
            if let early { continuation.resume(with: early) }
        }

        /// The request's deadline, withdrawn once the request is answered.
        func setDeadline(_ key: UInt64, on deadlines: LeaseDeadlines) {
            let answered = state.withLock { state -> Bool in
                state.deadline = (key, deadlines)
                return state.pending != nil
            }
            if answered { deadlines.remove(key) }
        }

        /// A connection arrived: it may be used unless the deadline passed first.
        func claimConnection() -> Bool {
            state.withLock { state in
                guard !state.expired else { return false }
                state.connected = true
                return true
            }
        }

        /// The deadline: true if it passed before any connection (the request is refused).
        func expireUnlessConnected() -> Bool {
            state.withLock { state in
                guard !state.connected else { return false }
                state.expired = true
                return true
            }
        }

        func resume(_ result: Result<T, any Error>) {
            let (continuation, deadline) = state.withLock {
                state -> (CheckedContinuation<T, any Error>?, (key: UInt64, deadlines: LeaseDeadlines)?) in
                guard state.pending == nil else { return (nil, nil) }
                state.pending = result
                defer { state.continuation = nil }
                return (state.continuation, state.deadline)
            }
            deadline.map { $0.deadlines.remove($0.key) }
            continuation?.resume(with: result)
        }
    }

    static let acquireTimeout = Duration.seconds(5)

    /// An error of the work done on a connection, told apart from failing to get the connection.
    private struct BodyFailure: Error {
        let error: any Error
    }

    /// Runs `body` in a transaction on `connection`, rethrowing `body`'s own error after the
    /// rollback (so `StoreError.sizeChanged` reaches the caller as it is).
    private func transaction<T>(on connection: PostgresConnection, _ body: () async throws -> T) async throws -> T {
        try await rows("BEGIN", on: connection)
        do {
            let result = try await body()
            try await rows("COMMIT", on: connection)
            return result
        } catch {
            _ = try? await rows("ROLLBACK", on: connection)
            throw error
        }
    }

    private func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T)
        async throws -> T
    {
        try await connected { connection in
            try await self.transaction(on: connection) { try await body(connection) }
        }
    }

    // MARK: Log

    public func size() async throws -> UInt64 {
        UInt64(try await read("SELECT size FROM log_head", prepared: true).first?.decode(Int64.self) ?? 0)
    }

    public func logRows(_ range: Range<UInt64>) async throws -> [StoredLogRow] {
        guard !range.isEmpty else { return [] }
        var binds = PostgresBindings()
        binds.append(Int64(range.lowerBound))
        binds.append(Int64(range.upperBound))
        return try await read(
            "SELECT idx, leaf_hash, subtree_hashes, body FROM log_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx",
            binds
        ).map { row in
            let (index, leaf, subtrees, body) = try row.decode((Int64, Data, Data, Data).self)
            return StoredLogRow(
                index: UInt64(index), leafHash: Array(leaf), subtreeHashes: Array(subtrees), body: Array(body))
        }
    }

    public func hashes(of subtrees: [Subtree]) async throws -> [Subtree: TreeHash] {
        try await connected { connection in try await self.hashes(of: subtrees, connection) }
    }

    /// One query for all the rows that hold the subtrees' hashes (about 2 log₂ n of them).
    private func hashes(of subtrees: [Subtree], _ connection: PostgresConnection) async throws -> [Subtree: TreeHash] {
        let leaves = Array(Set(subtrees.map { Int64($0.lastLeaf) }))
        guard !leaves.isEmpty else { return [:] }
        var binds = PostgresBindings()
        binds.append(leaves)
        var byIndex: [UInt64: (Data, Data)] = [:]
        for row in try await rows(
            "SELECT idx, leaf_hash, subtree_hashes FROM log_entries WHERE idx = ANY($1)", binds, on: connection,
            prepared: true)
        {
            let (index, leaf, completed) = try row.decode((Int64, Data, Data).self)
            byIndex[UInt64(index)] = (leaf, completed)
        }
        var result: [Subtree: TreeHash] = [:]
        for subtree in subtrees {
            let row = byIndex[subtree.lastLeaf]
            result[subtree] = try subtree.storedHash(leafHash: row?.0, subtreeHashes: row?.1)
        }
        return result
    }

    public func append(
        _ drafts: [EntryDraft], expectedSize: UInt64?, checkpoint: Checkpointer?, projection: Projection?
    ) async throws -> AppendResult {
        // Taken, not read: an append that fails leaves the next to read the log's end. An append
        // that fails leaves what this process knows as it was: if it committed after all, the
        // size moved, and the next decision starts afresh.
        let own = ownEnd.withLock { $0.take() }
        let appended: Appended
        if let own, projection == nil,
            let atOwnEnd = try await appendAtOwnEnd(drafts, expectedSize: expectedSize, checkpoint: checkpoint, own)
        {
            appended = atOwnEnd
        } else {
            appended = try await transaction { connection in
                try await self.append(
                    drafts, expectedSize: expectedSize, checkpoint: checkpoint, projection: projection, connection)
            }
        }
        decisionDocuments.appended(from: appended.from, to: appended.result.size, writes: appended.writes)
        knownSize.store(Int64(appended.result.size), ordering: .relaxed)
        if let checkpoint, let signed = appended.result.checkpoint, let edge = appended.edge {
            ownEnd.withLock {
                $0 = OwnEnd(end: LogEnd(appended.range, signed: signed), edge: edge, checkpointer: checkpoint)
            }
        }
        return appended.result
    }

    /// What an append committed: from which size, and the documents it wrote.
    private struct Appended: Sendable {
        let result: AppendResult
        let from: UInt64
        /// The log's right edge after it, and the rows that hold it (nil: not known).
        let range: CompactRange
        let edge: EdgeRows?
        /// The stored text of each document written (nil text: deleted); nil for bulk work,
        /// which is not remembered.
        let writes: [(EntityKey, String?)]?
    }

    /// The log's end as this store's last append left it, with the checkpointer that signed it
    /// there (issue 16: an append on PostgreSQL took four round trips — BEGIN, the locked read
    /// of the log's end, the writes, COMMIT — where one statement can carry it).
    private struct OwnEnd {
        let end: LogEnd
        let edge: EdgeRows
        /// Held, not only identified: the end's checkpoint was checked with its keys.
        let checkpointer: Checkpointer
    }
    private let ownEnd = Mutex<OwnEnd?>(nil)
    /// Appends made in one statement at this process's own end (for tests of `appendAtOwnEnd`).
    private let ownEndAppendCount = Atomic<Int>(0)
    var ownEndAppends: Int { ownEndAppendCount.load(ordering: .relaxed) }

    /// Appends in one statement, without a transaction or a lock held across round trips, when
    /// the log still ends where this process's last append left it: the statement writes only
    /// if the log's head is at that size, that append's checkpoint is the latest, and the rows of
    /// the log's right edge are as that append left them (`StatementBatch.Head.ifAt`) — what the
    /// append under the lock reads and checks against the checkpoint (`Checkpointer.verify`),
    /// checked in the statement instead: a tree rewritten there behind the program's back is
    /// appended to under the lock, which refuses to sign. Every change to the documents is an
    /// append, and every append moves the head; so if the head has not moved, the documents a
    /// decision knows at that size (`decisionDocuments`) or a read finds before the statement
    /// are those in the database.
    ///
    /// Nil, having written nothing, for bulk work (it needs COPY or several statements) and when
    /// the log's end is not that one (another process appended); the caller then appends under
    /// the lock, which reads the log's end. A checkpoint signed for a statement that wrote
    /// nothing is dropped with it, never stored or shown.
    private func appendAtOwnEnd(
        _ drafts: [EntryDraft], expectedSize: UInt64?, checkpoint: Checkpointer?, _ own: OwnEnd
    ) async throws -> Appended? {
        let size = own.end.size
        guard let checkpoint, checkpoint === own.checkpointer, let latest = own.end.latest,
            (expectedSize ?? size) == size
        else { return nil }
        let (placed, batch) = drafts.placed(from: size)
        let keys = Projector.touchedKeys(batch)
        guard keys.count <= DecisionDocuments.bulkWrites else { return nil }
        return try await connected { connection -> Appended? in
            var known = ProjectionState()
            var unknown: [EntityKey] = []
            for key in keys {
                switch self.decisionDocuments.text(key, at: size) {
                case .none: unknown.append(key)
                case .some(let text): known.load(key, document: try text.map { try Self.document($0, row: key) })
                }
            }
            // A document the decision did not read is often one the entries only write (the right
            // an entry registers, named by its index): applied without it first, and only if
            // an event needs its content (`ProjectionState.get` refuses a key not loaded) is it
            // read — should the log have moved since this process's append, the statement
            // below writes nothing.
            var changed: [EntityWrite]
            do {
                var state = known
                changed = try Projector.apply(batch, to: &state)
            } catch {
                guard !unknown.isEmpty else { throw error }
                var state = known
                let found = try await self.documents(unknown, connection)
                for key in unknown { state.load(key, document: found[key]) }
                changed = try Projector.apply(batch, to: &state)
            }
            var writes = StatementBatch(
                head: .ifAt(size, checkpoint: latest, edge: own.edge, to: size + UInt64(drafts.count)))
            var copies: [CopyRows] = []
            // Not bulk work (at most `bulkWrites` keys): nothing copied, every write remembered.
            guard let written = Self.queue(changed, into: &writes, copying: &copies) else {
                return nil
            }
            var range = own.end.range
            let (signed, rows) = try Self.queue(drafts, placed, onto: &range, checkpoint: checkpoint, into: &writes)
            guard let statement = writes.guardedStatement(),
                !(try await Self.prepared(
                    statement.sql, statement.binds, on: connection, logger: self.logger, rerun: false,
                    names: PreparedText.appendNames)).isEmpty
            else { return nil }
            self.ownEndAppendCount.add(1, ordering: .relaxed)
            return Appended(
                result: AppendResult(entries: batch.map(\.0), size: range.size, root: range.root, checkpoint: signed),
                from: size, range: range, edge: EdgeRows(size: range.size, before: own.edge.rows, appended: rows),
                writes: written)
        }
    }

    private func append(
        _ drafts: [EntryDraft], expectedSize: UInt64?, checkpoint: Checkpointer?, projection: Projection?,
        _ connection: PostgresConnection
    ) async throws -> Appended {
        // Which hashes and documents the append reads depends on the log's size, which only
        // the lock tells; they are read with it for the size the caller expects or this process
        // saw last, and read again (now under the lock) when the locked size is another.
        var guess = expectedSize ?? projection?.size ?? UInt64(knownSize.load(ordering: .relaxed))
        while true {
            let (placed, batch) = drafts.placed(from: guess)
            // A projection worked out beforehand needs no documents read.
            let keys = projection == nil ? Projector.touchedKeys(batch) : []
            let locked = try await lockEnd(guess: guess, touching: keys, checkpointed: checkpoint != nil, connection)
            for expected in [expectedSize, projection?.size].compactMap(\.self) where expected != locked.size {
                // Another process appended: the next decision reads the size first.
                decisionDocuments.moved(to: locked.size)
                throw StoreError.sizeChanged(expected: expected, actual: locked.size)
            }
            guard locked.size == guess else {
                guess = locked.size
                continue
            }
            var hashes = locked.hashes
            let needed = LogEnd.subtrees(size: locked.size, latest: locked.latest).filter { hashes[$0] == nil }
            if !needed.isEmpty { hashes.merge(try await self.hashes(of: needed, connection)) { $1 } }
            let end = try LogEnd(size: locked.size, latest: locked.latest, hashes: hashes)
            try checkpoint?.verify(end)
            let newSize = locked.size + UInt64(drafts.count)
            var (writes, copies, written): (StatementBatch, [CopyRows], [(EntityKey, String?)]?)
            if let prepared = projection?.prepared as? PreparedWrites, prepared.from == locked.size,
                prepared.to == newSize
            {
                (writes, copies, written) = (prepared.writes, prepared.copies, prepared.written)
            } else {
                writes = StatementBatch(head: .locked(from: locked.size, to: newSize))
                copies = []
                written =
                    if let projection {
                        Self.queue(projection.writes, into: &writes, copying: &copies)
                    } else {
                        try Self.project(batch, keys: keys, found: locked.documents, into: &writes, copying: &copies)
                    }
            }
            var range = end.range
            let (signed, rows) = try Self.queue(drafts, placed, onto: &range, checkpoint: checkpoint, into: &writes)
            for rows in copies { try await Self.copy(rows, on: connection, logger: self.logger) }
            guard try await self.run(&writes, on: connection).count == 1 else {
                throw RegistryError(code: "integrity.log", message: "the log's head moved while its lock was held")
            }
            return Appended(
                result: AppendResult(entries: batch.map(\.0), size: range.size, root: range.root, checkpoint: signed),
                from: locked.size, range: range,
                edge: EdgeRows(size: range.size, before: locked.edgeRows, appended: rows), writes: written)
        }
    }

    /// What an import's append sends for its projection, made while the append before is
    /// written (`preparing`; issue 16: made under the log's lock, on the thread that sends, the
    /// COPY text and the statement's parameters were a fifth of an import's time on PostgreSQL,
    /// and PostgreSQL waited for them).
    private struct PreparedWrites: Sendable {
        /// The head's move the writes were made for: from the projection's size, by its entries.
        let from: UInt64
        let to: UInt64
        /// The head's move, the deletions and the updates; the entries and the checkpoint are
        /// added under the lock, where the log's end is known.
        let writes: StatementBatch
        let copies: [CopyRows]
        let written: [(EntityKey, String?)]?
    }

    public func preparing(_ projection: Projection, entries: Int) -> Projection {
        let to = projection.size + UInt64(entries)
        var writes = StatementBatch(head: .locked(from: projection.size, to: to))
        var copies: [CopyRows] = []
        let written = Self.queue(projection.writes, into: &writes, copying: &copies)
        var prepared = projection
        prepared.prepared = PreparedWrites(
            from: projection.size, to: to, writes: writes, copies: copies, written: written)
        return prepared
    }

    /// Queues an append's writes other than its documents: the `placed` entries onto `range`
    /// (left at the new end), the requests' marks, and the checkpoint `checkpoint` signs over
    /// the new end. Returns that checkpoint and, for the entries on the new end's right edge
    /// (`EdgeRows`), each one's `leaf_hash || subtree_hashes`.
    private static func queue(
        _ drafts: [EntryDraft], _ placed: [PlacedEntry], onto range: inout CompactRange,
        checkpoint: Checkpointer?, into writes: inout StatementBatch
    ) throws -> (StoredCheckpoint?, edge: [UInt64: [UInt8]]) {
        let first = range.size
        let edge = Set(CompactRange.subtrees(size: first + UInt64(placed.count)).map(\.lastLeaf))
        var indices: [Int64] = []
        var leaves: [[UInt8]] = []
        var completedHashes: [[UInt8]] = []
        var bodies: [[UInt8]] = []
        indices.reserveCapacity(placed.count)
        leaves.reserveCapacity(placed.count)
        completedHashes.reserveCapacity(placed.count)
        bodies.reserveCapacity(placed.count)
        var edgeRows: [UInt64: [UInt8]] = [:]
        // Each leaf hashed once (it was hashed again for each of its three uses); by position,
        // as a `for` over them copied every entry (and retained its parts) first.
        for position in placed.indices {
            let (entry, leaf) = (placed[position].entry, placed[position].leaf)
            let completed = range.append(leaf).flatMap(\.bytes)
            if edge.contains(entry.index) { edgeRows[entry.index] = leaf.bytes + completed }
            indices.append(Int64(entry.index))
            leaves.append(leaf.bytes)
            completedHashes.append(completed)
            bodies.append(entry.bytes)
        }
        // Entries go in the statement even in bulk: their bytes bind as binary, where COPY's
        // text would carry them as hex, twice the size (tried: the import was 20 % slower).
        if !placed.isEmpty {
            writes.insert(
                into: "log_entries",
                columns: [
                    ("idx", .integers(indices)), ("leaf_hash", .blobs(leaves)),
                    ("subtree_hashes", .blobs(completedHashes)), ("body", .blobs(bodies)),
                ])
        }
        writes.insert(
            into: "side_records", columns: ["tbl", "key", "value"],
            EntryDraft.commits(drafts, from: first).map {
                [.text(EntryDraft.requestCommits), .text($0.mark), .bytes(Data($0.value))]
            },
            onConflict: " ON CONFLICT (tbl, key) DO UPDATE SET value = excluded.value")
        let signed = try checkpoint?.sign(size: range.size, root: range.root)
        if let signed { save(signed, into: &writes) }
        return (signed, edgeRows)
    }

    /// What an append reads, read with the lock every writer takes first (one round trip).
    private struct LockedEnd {
        let size: UInt64
        let latest: StoredCheckpoint?
        /// The stored hashes of the right edge of a log of the guessed size, and the rows that
        /// hold them (`leaf_hash || subtree_hashes` by index).
        let hashes: [Subtree: TreeHash]
        let edgeRows: [UInt64: [UInt8]]
        let documents: [EntityKey: JSONValue]
    }

    /// Locks the log's end and reads, in the same statement, the latest checkpoint, the stored
    /// hashes of the right edge of a log of `guess` entries and the documents of `keys`.
    ///
    /// The statement's other reads see its snapshot, taken before the lock was granted; they
    /// are the state at the locked size only if no append committed in between — and every
    /// append changes the size, which was `guess` before the statement began (the caller saw
    /// it). So they are used only when the locked size is `guess`; the caller reads again
    /// otherwise, in a new statement, which sees everything committed before the lock.
    private func lockEnd(
        guess: UInt64, touching keys: [EntityKey], checkpointed: Bool, _ connection: PostgresConnection
    ) async throws -> LockedEnd {
        let edge = CompactRange.subtrees(size: guess)
        var binds = PostgresBindings()
        binds.append(Array(Set(edge.map { Int64($0.lastLeaf) })))
        var selects = [
            "WITH head AS (SELECT size FROM log_head FOR UPDATE) "
                + "SELECT -1::int4 AS t, size AS n, NULL::text AS key, NULL::text AS doc, NULL::bytea AS leaf, "
                + "NULL::bytea AS completed FROM head",
            "SELECT -3, idx, NULL, NULL, leaf_hash, subtree_hashes FROM log_entries WHERE idx = ANY($1)",
        ]
        if checkpointed {
            selects.append("(SELECT -2, size, NULL, note, NULL, NULL FROM checkpoints ORDER BY size DESC LIMIT 1)")
        }
        let tables = Self.byTable(keys)
        for (position, (table, keys)) in tables.enumerated() {
            binds.append(keys.map(\.key))
            selects.append(
                "SELECT \(position), NULL, key, doc, NULL, NULL FROM \(table.name) WHERE key = ANY($\(binds.count))")
        }
        var size: UInt64?
        var latest: StoredCheckpoint?
        var byIndex: [UInt64: (Data, Data)] = [:]
        var documents: [EntityKey: JSONValue] = [:]
        for row in try await rows(selects.joined(separator: " UNION ALL "), binds, on: connection, prepared: true) {
            let (kind, number, key, doc, leaf, completed) = try row.decode(
                (Int32, Int64?, String?, String?, Data?, Data?).self)
            switch (kind, number, key, doc, leaf, completed) {
            case (-1, let number?, _, _, _, _): size = UInt64(number)
            case (-2, let number?, _, let note?, _, _): latest = StoredCheckpoint(size: UInt64(number), note: note)
            case (-3, let number?, _, _, let leaf?, let completed?): byIndex[UInt64(number)] = (leaf, completed)
            case (0..., _, let key?, let doc?, _, _) where Int(kind) < tables.count:
                let entityKey = EntityKey(table: tables[Int(kind)].key, key: key)
                documents[entityKey] = try Self.document(doc, row: entityKey)
            default:
                throw RegistryError(
                    code: "integrity.log", message: "unexpected row of kind \(kind) reading the log's end")
            }
        }
        guard let size else { throw RegistryError(code: "integrity.log", message: "the log has no head row") }
        var hashes: [Subtree: TreeHash] = [:]
        for subtree in edge {
            guard let row = byIndex[subtree.lastLeaf] else { continue }
            hashes[subtree] = try subtree.storedHash(leafHash: row.0, subtreeHashes: row.1)
        }
        return LockedEnd(
            size: size, latest: latest, hashes: hashes,
            edgeRows: byIndex.mapValues { Array($0.0) + Array($0.1) }, documents: documents)
    }

    /// `keys` by table, the tables in name order: the same tables make the same statement text,
    /// prepared once on a connection (a dictionary's order would vary from one set of keys to
    /// the next).
    static func byTable(_ keys: [EntityKey]) -> [(key: EntityTable, value: [EntityKey])] {
        Dictionary(grouping: keys, by: \.table).sorted { $0.key.name < $1.key.name }
    }

    /// Loads the documents the batch touches (one query for every table).
    private func documents(_ keys: [EntityKey], _ connection: PostgresConnection) async throws -> [EntityKey: JSONValue]
    {
        let tables = Self.byTable(keys)
        guard !tables.isEmpty else { return [:] }
        var binds = PostgresBindings()
        var selects: [String] = []
        for (position, (table, keys)) in tables.enumerated() {
            binds.append(keys.map(\.key))
            selects.append(
                "SELECT \(position)::int4 AS t, key, doc FROM \(table.name) WHERE key = ANY($\(position + 1))")
        }
        var found: [EntityKey: JSONValue] = [:]
        for row in try await rows(selects.joined(separator: " UNION ALL "), binds, on: connection) {
            let (position, key, doc) = try row.decode((Int32, String, String).self)
            let entityKey = EntityKey(table: tables[Int(position)].key, key: key)
            found[entityKey] = try Self.document(doc, row: entityKey)
        }
        return found
    }

    /// Applies the batch to the documents it touches (`found`: those of `keys` that exist) and
    /// queues the rows it changes (`queue`).
    @discardableResult
    private static func project(
        _ batch: [(LogEntry, any RegistryEvent)], keys: [EntityKey], found: [EntityKey: JSONValue],
        into writes: inout StatementBatch, copying copies: inout [CopyRows]
    ) throws -> [(EntityKey, String?)]? {
        var state = ProjectionState()
        for key in keys { state.load(key, document: found[key]) }
        let changed = try Projector.apply(batch, to: &state)
        return queue(changed, into: &writes, copying: &copies)
    }

    /// Adds the changed rows to `writes` — or, for bulk work, the rows looked for and not found
    /// (`EntityWrite.hadNoRow`) to `copies` — and returns them as stored text (nil: deleted),
    /// unless they are bulk work.
    ///
    /// Tables come in the order of their first write, so an act of one shape sends one text each
    /// time, which PostgreSQL parses and plans once (`PreparedText.appendNames`). Grouped through
    /// a dictionary they came in its order, which Swift seeds with each dictionary's address: a
    /// settlement's text changed from one append to the next, never got a name, and was planned
    /// afresh every time (issue 16: PostgreSQL's CPU per settlement 720–780 µs, 420–440 µs with
    /// the tables in the order of the writes).
    static func queue(
        _ changed: [EntityWrite], into writes: inout StatementBatch,
        copying copies: inout [CopyRows]
    ) -> [(EntityKey, String?)]? {
        // Bulk work is not remembered for decisions (`DecisionDocuments.bulkWrites`).
        let bulk = changed.count > DecisionDocuments.bulkWrites
        var written: [(EntityKey, String?)]? = bulk ? nil : []
        // Each table's writes, by position, the tables in the order of their first write (and the
        // writes not copied to be grouped: a tenth of the append's own samples in an import).
        var tables: [(table: EntityTable, positions: [Int])] = []
        for position in changed.indices {
            if let found = tables.firstIndex(where: { $0.table == changed[position].key.table }) {
                tables[found].positions.append(position)
            } else {
                tables.append((changed[position].key.table, [position]))
            }
        }
        for (table, positions) in tables {
            let deleted = positions.filter { changed[$0].document == nil }.map { changed[$0].key.key }
            if !deleted.isEmpty {
                writes.delete(from: table.name, keys: deleted)
            }
            let columns = ["key"] + table.columns + ["doc"]
            var upserts = TableRows(table: table.name, columns: columns)
            var inserts = CopyRows(table: table.name, columns: columns)
            // Each write read where it lies: bound whole (`let write = changed[position]`), it was
            // copied, its parts retained and released: over a quarter of queueing an import's batch.
            for position in positions {
                guard let document = changed[position].document else {
                    written?.append((changed[position].key, nil))
                    continue
                }
                // A key the batch read and found absent has no row: nothing else writes
                // projections while an append holds the log's lock, nor between a projection's
                // reads and its append at the size it was read at (and a rebuild writes into
                // emptied tables; a second one at once fails on the duplicate key). Bulk work
                // is not remembered, so a copied row is never made a string.
                if bulk && changed[position].hadNoRow {
                    inserts.append(
                        key: changed[position].key.key, columns: changed[position].columns, document: document)
                    continue
                }
                let text = String(decoding: document, as: UTF8.self)
                written?.append((changed[position].key, text))
                var row: [String?] = []
                row.reserveCapacity(columns.count)
                row.append(changed[position].key.key)
                row.append(contentsOf: changed[position].columns)
                row.append(text)
                upserts.append(row)
            }
            let updates = (table.columns + ["doc"]).map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
            writes.insert(upserts, onConflict: " ON CONFLICT (key) DO UPDATE SET \(updates)")
            if !inserts.isEmpty { copies.append(inserts) }
        }
        return written
    }

    public func applyLogged(_ entries: [(LogEntry, any RegistryEvent)]) async throws {
        ownEnd.withLock { $0 = nil }
        decisionDocuments.forget()
        defer { decisionDocuments.forget() }
        try await transaction { connection in
            let keys = Projector.touchedKeys(entries)
            var writes = StatementBatch()
            var copies: [CopyRows] = []
            try Self.project(
                entries, keys: keys, found: try await self.documents(keys, connection), into: &writes,
                copying: &copies)
            for rows in copies { try await Self.copy(rows, on: connection, logger: self.logger) }
            try await self.run(&writes, on: connection)
        }
    }

    /// Documents only: this store's writes do not need a row's stored columns.
    public func projectionRows(_ keys: [EntityKey]) async throws -> [EntityKey: StoredRow] {
        guard !keys.isEmpty else { return [:] }
        return try await connected { connection in
            try await self.documents(keys, connection).mapValues { StoredRow(document: $0, columns: nil) }
        }
    }

    public func clearProjections(_ tables: [EntityTable]) async throws {
        ownEnd.withLock { $0 = nil }
        decisionDocuments.forget()
        defer { decisionDocuments.forget() }
        try await transaction { connection in
            for table in tables { try await self.rows("DELETE FROM \(table.name)", on: connection) }
        }
    }

    // MARK: Projection reads

    public func answering<T: Sendable>(after size: UInt64, _ body: @escaping @Sendable () async throws -> T)
        async throws -> T
    {
        try await DecisionDocuments.$answering.withValue(
            DecisionDocuments.Mark(store: ObjectIdentifier(self), size: size), operation: body)
    }

    public func document(_ key: EntityKey) async throws -> JSONValue? {
        if let answer = DecisionDocuments.answering, answer.store == ObjectIdentifier(self),
            let written = decisionDocuments.text(key, at: answer.size)
        {
            return try written.map { try Self.document($0, row: key) }
        }
        guard let decision = DecisionDocuments.deciding, decision.store == ObjectIdentifier(self) else {
            return try await storedText(key).map { try Self.document($0, row: key) }
        }
        if let known = decisionDocuments.text(key, at: decision.size) {
            return try known.map { try Self.document($0, row: key) }
        }
        let text = try await storedText(key)
        decisionDocuments.remember(key, text, at: decision.size)
        return try text.map { try Self.document($0, row: key) }
    }

    /// The stored text of row `key`, read from the database.
    private func storedText(_ key: EntityKey) async throws -> String? {
        lookupCount.add(1, ordering: .relaxed)
        var binds = PostgresBindings()
        binds.append(key.key)
        let rows = try await read("SELECT doc FROM \(key.table.name) WHERE key = $1", binds, prepared: true)
        return try rows.first?.decode(String.self)
    }

    public func documents(_ table: EntityTable, where filters: [ColumnFilter], after key: String?, limit: Int?)
        async throws -> [JSONValue]
    {
        let texts: [String]
        if let decision = DecisionDocuments.deciding, decision.store == ObjectIdentifier(self) {
            let query = DecisionDocuments.Query(table: table, filters: filters, after: key, limit: limit)
            if let known = decisionDocuments.answer(query, at: decision.size) {
                texts = known
            } else {
                texts = try await storedTexts(table, where: filters, after: key, limit: limit)
                decisionDocuments.remember(query, texts, at: decision.size)
            }
        } else {
            texts = try await storedTexts(table, where: filters, after: key, limit: limit)
        }
        return try texts.map { try Self.document($0) }
    }

    /// `documents(_:)` asks all its reads in one statement.
    public var readsTogether: Bool { true }

    /// The reads in one statement (one round trip instead of one each). In a decision, the reads
    /// it knows the answers to at its size are answered from them and only the others asked —
    /// together — then known in turn.
    public func documents(_ reads: [DocumentRead]) async throws -> [[JSONValue]] {
        let decision = DecisionDocuments.deciding.flatMap { $0.store == ObjectIdentifier(self) ? $0 : nil }
        // Each row's key where it is known, so that its document is parsed once (`Documents.parse`).
        var answers: [[(key: String?, text: String)]?] = reads.map { read in
            decision.flatMap { decisionDocuments.texts(read, at: $0.size) }?.map { (nil, $0) }
        }
        let asked = reads.indices.filter { answers[$0] == nil }
        let found: [[(key: String?, text: String)]] =
            switch asked.count {
            case 0: []
            case 1: [try await storedTexts(reads[asked[0]]).map { (nil, $0) }]
            default: try await storedTexts(asked.map { reads[$0] }).map { rows in rows.map { ($0.key, $0.text) } }
            }
        for (position, rows) in zip(asked, found) {
            answers[position] = rows
            if let decision { decisionDocuments.remember(reads[position], rows.map(\.text), at: decision.size) }
        }
        return try zip(reads, answers).map { read, rows in
            try (rows ?? []).map { row in
                let key: EntityKey? =
                    switch read {
                    case .key(let key): key
                    case .matching(let table, _): row.key.map { EntityKey(table: table, key: $0) }
                    }
                return try Self.document(row.text, row: key)
            }
        }
    }

    /// The stored texts a read finds, read from the database on their own.
    private func storedTexts(_ read: DocumentRead) async throws -> [String] {
        switch read {
        case .key(let key): try await storedText(key).map { [$0] } ?? []
        case .matching(let table, let filters): try await storedTexts(table, where: filters, after: nil, limit: nil)
        }
    }

    /// The stored texts of several reads, asked in one statement, each read's rows in key order.
    private func storedTexts(_ reads: [DocumentRead]) async throws -> [[(key: String, text: String)]] {
        lookupCount.add(1, ordering: .relaxed)
        var arguments: [String] = []
        var selects: [String] = []
        for (position, read) in reads.enumerated() {
            let (table, filters): (EntityTable, [ColumnFilter]) =
                switch read {
                case .key(let key): (key.table, [.equals("key", key.key)])
                case .matching(let table, let filters): (table, filters)
                }
            let clause = FilterClause(table, filters, after: nil, placeholder: .numbered, bound: arguments.count)
            selects.append("SELECT \(position)::int4 AS t, key, doc FROM \(table.name)\(clause.sql)")
            arguments += clause.arguments
        }
        var answers = Array(repeating: [(key: String, text: String)](), count: reads.count)
        for row in try await read(selects.joined(separator: " UNION ALL "), Self.binds(arguments), prepared: true) {
            let (position, key, text) = try row.decode((Int32, String, String).self)
            guard answers.indices.contains(Int(position)) else {
                throw RegistryError(code: "integrity.projection", message: "unexpected row of read \(position)")
            }
            answers[Int(position)].append((key, text))
        }
        // In key order, as PostgreSQL's key columns compare (bytewise, COLLATE "C").
        return answers.map { rows in rows.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) } }
    }

    /// The stored texts of the rows of `table` that pass `filters`, read from the database.
    private func storedTexts(_ table: EntityTable, where filters: [ColumnFilter], after key: String?, limit: Int?)
        async throws -> [String]
    {
        lookupCount.add(1, ordering: .relaxed)
        let clause = FilterClause(table, filters, after: key, placeholder: .numbered)
        var binds = Self.binds(clause.arguments)
        var sql = "SELECT doc FROM \(table.name)\(clause.sql) ORDER BY key"
        if let limit {
            // Bound, not written into the text: one prepared text for every limit.
            binds.append(Int64(limit))
            sql += " LIMIT $\(binds.count)"
        }
        return try await read(sql, binds, prepared: true).map { try $0.decode(String.self) }
    }

    /// A stored document, parsed. Kept out of line: inlined into an async function, the typed
    /// throws of `JSONParser.parse` crash Swift 6.3's optimiser (LLVM coroutine splitting,
    /// `emitSetAndGetSwiftErrorValueAround`) in release builds.
    /// With the row's key, a text read before is not parsed again (`Documents`).
    @inline(never)
    private static func document(_ text: String, row key: EntityKey? = nil) throws -> JSONValue {
        guard let key else { return try JSONParser.parse(text) }
        return try Documents.parse(key, text)
    }

    public func count(_ table: EntityTable, where filters: [ColumnFilter]) async throws -> Int {
        let clause = FilterClause(table, filters, after: nil, placeholder: .numbered)
        let rows = try await read("SELECT COUNT(*) FROM \(table.name)\(clause.sql)", Self.binds(clause.arguments))
        return Int(try rows.first?.decode(Int64.self) ?? 0)
    }

    public func existingKeys(_ table: EntityTable, among keys: [String]) async throws -> Set<String> {
        guard !keys.isEmpty else { return [] }
        var binds = PostgresBindings()
        binds.append(keys)
        return Set(
            try await read("SELECT key FROM \(table.name) WHERE key = ANY($1)", binds).map {
                try $0.decode(String.self)
            })
    }

    public func rows(_ table: EntityTable, after key: String?, limit: Int) async throws -> [(
        key: String, document: [UInt8]
    )] {
        var binds = PostgresBindings()
        binds.append(key ?? "")
        binds.append(Int64(limit))
        return try await read("SELECT key, doc FROM \(table.name) WHERE key > $1 ORDER BY key LIMIT $2", binds).map {
            let (key, doc) = try $0.decode((String, String).self)
            return (key: key, document: Array(doc.utf8))
        }
    }

    private static func binds(_ values: [String]) -> PostgresBindings {
        var binds = PostgresBindings(capacity: values.count)
        for value in values { binds.append(value) }
        return binds
    }

    // MARK: Checkpoints

    public func latestCheckpoint() async throws -> StoredCheckpoint? {
        try await read("SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1").first.map(Self.checkpoint)
    }

    public func checkpoint(covering size: UInt64) async throws -> StoredCheckpoint? {
        var binds = PostgresBindings()
        binds.append(Int64(size))
        return try await read("SELECT size, note FROM checkpoints WHERE size >= $1 ORDER BY size LIMIT 1", binds).first
            .map(Self.checkpoint)
    }

    public func checkpoints(after size: UInt64?, limit: Int) async throws -> [StoredCheckpoint] {
        var binds = PostgresBindings()
        binds.append(size.map(Int64.init) ?? -1)
        binds.append(Int64(limit))
        return try await read("SELECT size, note FROM checkpoints WHERE size > $1 ORDER BY size LIMIT $2", binds).map(
            Self.checkpoint)
    }

    public func saveCheckpoint(_ checkpoint: StoredCheckpoint) async throws {
        ownEnd.withLock { $0 = nil }
        try await connected { connection in try await self.save(checkpoint, connection) }
    }

    private func save(_ checkpoint: StoredCheckpoint, _ connection: PostgresConnection) async throws {
        var writes = StatementBatch()
        Self.save(checkpoint, into: &writes)
        try await run(&writes, on: connection)
    }

    private static func save(_ checkpoint: StoredCheckpoint, into writes: inout StatementBatch) {
        writes.insert(
            into: "checkpoints", columns: ["size", "note"],
            [[.integer(Int64(checkpoint.size)), .text(checkpoint.note)]],
            onConflict: " ON CONFLICT (size) DO NOTHING")
    }

    private static func checkpoint(_ row: PostgresRow) throws -> StoredCheckpoint {
        let (size, note) = try row.decode((Int64, String).self)
        return StoredCheckpoint(size: UInt64(size), note: note)
    }

    // MARK: Side records and settings

    public func sideRecord(_ table: String, key: String) async throws -> [UInt8]? {
        var binds = PostgresBindings()
        binds.append(table)
        binds.append(key)
        let rows = try await read("SELECT value FROM side_records WHERE tbl = $1 AND key = $2", binds, prepared: true)
        return try rows.first.map { Array(try $0.decode(Data.self)) }
    }

    @discardableResult
    public func putSideRecord(_ table: String, key: String, value: [UInt8], onlyIfAbsent: Bool) async throws -> Bool {
        var binds = PostgresBindings()
        binds.append(table)
        binds.append(key)
        binds.append(ByteBuffer(bytes: value))
        let conflict = onlyIfAbsent ? "DO NOTHING" : "DO UPDATE SET value = excluded.value"
        return
            !(try await read(
                "INSERT INTO side_records (tbl, key, value) VALUES ($1, $2, $3) ON CONFLICT (tbl, key) \(conflict) RETURNING 1",
                binds
            ).isEmpty)
    }

    public func replaceSideRecord(_ table: String, key: String, expected: [UInt8], with value: [UInt8]) async throws
        -> Bool
    {
        var binds = PostgresBindings()
        binds.append(ByteBuffer(bytes: value))
        binds.append(table)
        binds.append(key)
        binds.append(ByteBuffer(bytes: expected))
        return
            !(try await read(
                "UPDATE side_records SET value = $1 WHERE tbl = $2 AND key = $3 AND value = $4 RETURNING 1", binds
            ).isEmpty)
    }

    public func deleteSideRecord(_ table: String, key: String) async throws {
        var binds = PostgresBindings()
        binds.append(table)
        binds.append(key)
        try await read("DELETE FROM side_records WHERE tbl = $1 AND key = $2", binds)
    }

    public func sideRecords(after position: SideRecordKey?, limit: Int) async throws -> [SideRecord] {
        var binds = PostgresBindings()
        binds.append(position?.table ?? "")
        binds.append(position?.key ?? "")
        binds.append(Int64(limit))
        return try await read(
            "SELECT tbl, key, value FROM side_records WHERE (tbl, key) > ($1, $2) ORDER BY tbl, key LIMIT $3", binds
        ).map { row in
            let (table, key, value) = try row.decode((String, String, Data).self)
            return SideRecord(position: SideRecordKey(table: table, key: key), value: Array(value))
        }
    }

    public func settings() async throws -> [String: String] {
        Dictionary(
            uniqueKeysWithValues: try await read("SELECT name, value FROM registry_settings").map {
                try $0.decode((String, String).self)
            })
    }

    public func setting(_ name: String) async throws -> String? {
        var binds = PostgresBindings()
        binds.append(name)
        return try await read("SELECT value FROM registry_settings WHERE name = $1", binds).first?.decode(String.self)
    }

    public func setSetting(_ name: String, _ value: String) async throws {
        var binds = PostgresBindings()
        binds.append(name)
        binds.append(value)
        try await read(
            "INSERT INTO registry_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            binds)
    }
}
