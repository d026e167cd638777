/// `rights import FILE [--check]`: registers 确权 data in the import format.
///
/// Pass 1 reads the whole file and reports every problem (`line N: field: reason`) against the
/// file so far and the register; if there is any, nothing is written. Pass 2 reads it again and
/// appends each batch of records as log entries with their projections in one transaction.
/// Records whose codes the register already holds are skipped, so a run killed half way is
/// completed by running it again, without duplicates.
public struct Importer: Sendable {
    public let registry: Registry
    public let batchSize: Int
    public let actor: String
    /// The largest file whose lines pass 1 keeps parsed for pass 2; a larger one is read again.
    public let keptBytes: UInt64

    public init(registry: Registry, actor: String, batchSize: Int = 4096, keptBytes: UInt64 = Importer.keptBytes) {
        self.registry = registry
        self.actor = actor
        self.batchSize = batchSize
        self.keptBytes = keptBytes
    }

    /// Pass 1 only: the problems, and what a run would register and skip.
    public func check(_ path: String, progress: (ImportProgress) -> Void = { _ in }) async throws -> ImportSummary {
        try await validate(path, keeping: 0, progress: progress).summary
    }

    /// Both passes. If pass 1 finds problems, returns them and writes nothing.
    ///
    /// Pass 2 shares the register with other writers (a bank's search is a logged write): each
    /// batch is decided against the register as it is and appended only if nothing was appended
    /// in between. When another writer got in first, the batch is decided again against the
    /// register as it now is, in pieces small enough to be decided and written between the other
    /// writers' acts — the batch is retried, never the file.
    public func run(_ path: String, progress: (ImportProgress) -> Void = { _ in }) async throws -> ImportSummary {
        let checked = try await validate(path, keeping: keptBytes, progress: progress)
        guard checked.summary.problems.isEmpty else { return checked.summary }
        _ = try registry.requireKeys()
        let (startSize, totalBytes) = (checked.size, checked.totalBytes)
        var summary = ImportSummary()
        summary.lines = checked.summary.lines
        let context = try await BatchContext(
            policy: registry.reads.policy(), time: registry.timeZone.timestamp(of: registry.clock.now()))
        // While one batch is written, the next is read, checked against the register, encoded
        // and, if nobody else writes, projected: the write transaction runs on the store's queue,
        // this loop on the caller's thread. An import into an empty register that nobody else
        // writes to needs no look-ups.
        var shared = startSize != 0
        // What the batches before the one being written wrote: with the log empty at the start,
        // the only rows the register can hold while nobody else appends.
        var written = WrittenKeys(capacity: min(summary.lines * Self.rowsPerLine, Self.writtenKeysLimit))
        var writing: Batch?
        var nextIndex = startSize
        // The lines pass 1 kept parsed, or the file read again and parsed on both cores, a slice
        // ahead: with the rows projected here, this loop has more to do than the write
        // transaction.
        var lines = try checked.lines(size: batchSize)
        do {
            while let (chunk, slice) = try await readChunk(&lines) {
                var batch = try await prepare(chunk, at: nextIndex, lookUp: shared, context)
                // Nobody else writing: the batch's rows are worked out now, over the rows the batch
                // being written writes and the register, and its append only writes them. Should
                // another writer append after all, the append is refused for its size and the batch
                // is decided again.
                if !shared, writing == nil || writing?.projection != nil {
                    try await project(&batch, after: writing, over: written)
                    if let writes = writing?.projection?.writes {
                        for position in writes.indices { written.insert(writes[position].key) }
                    }
                }
                if let previous = writing {
                    let end = try await settle(previous, into: &summary, shared: &shared, context)
                    if end != batch.start || shared && !batch.lookedUp {
                        batch = try await prepare(chunk, at: end, lookUp: shared, context)
                    }
                }
                let (drafts, expected, projection) = (batch.drafts, batch.start, batch.projection)
                batch.task =
                    drafts.isEmpty
                    ? nil
                    : Task {
                        // In turn with this process's other writers; another process's append in
                        // between is caught by the expected size.
                        try await registry.writeLock.withLock {
                            try await registry.commit(drafts, expectedSize: expected, projection: projection)
                        }
                    }
                nextIndex = batch.start + UInt64(drafts.count)
                writing = batch
                MemoryBudget.importer.keep()
                progress(
                    ImportProgress(
                        phase: .writing, lines: slice.lineNumber, bytes: slice.bytesRead, totalBytes: totalBytes))
            }
        } catch {
            // The append under way ends (or fails) before the error is reported: what the caller
            // is told was registered is all that will be.
            _ = try? await writing?.task?.value
            throw error
        }
        if let last = writing { _ = try await settle(last, into: &summary, shared: &shared, context) }
        return summary
    }

    /// What every batch of a run is decided with.
    struct BatchContext: Sendable {
        let policy: RegistryPolicy
        let time: String
    }

    /// Records decided into entries for the log at `start`, and the append under way.
    struct Batch: Sendable {
        let chunk: [(Int, ImportRecord)]
        let start: UInt64
        let drafts: [EntryDraft]
        let registered: [String: Int]
        let skipped: [String: Int]
        /// Decided against the register (not only the file).
        let lookedUp: Bool
        /// The rows the entries write, when worked out before the append (`project`).
        var projection: Projection?
        var task: Task<AppendResult, any Error>?
    }

    /// Works out the rows `batch`'s entries write, over the rows the batch being written
    /// (`earlier`, projected the same way) touched, as it leaves them, and, for the others, the
    /// register — asked only for the rows `written` says the batches before `earlier` may have
    /// written: done while that batch is written, so the thread holding the write transaction
    /// only writes (issue 16).
    func project(_ batch: inout Batch, after earlier: Batch?, over written: WrittenKeys) async throws {
        let start = batch.start
        // The entries themselves are made by the store, as it appends them.
        let entries = batch.drafts.enumerated().map { offset, draft in
            (draft.context(at: start + UInt64(offset)), draft.event)
        }
        let store = registry.store
        // Rows neither `earlier` nor the batches before it wrote are not in the register.
        let projection = try await Projector.project(entries, at: start, over: earlier?.projection) { keys in
            try await store.projectionRows(keys.filter(written.mayContain))
        }
        // And put in the form the store sends, while `earlier` is still being written.
        batch.projection = store.preparing(projection, entries: entries.count)
    }

    /// Decides `chunk` into entries for the log at `start`: against the register (`lookUp`), or,
    /// for an import into an empty register nobody else writes to, against the file alone.
    func prepare(_ chunk: [(Int, ImportRecord)], at start: UInt64, lookUp: Bool, _ context: BatchContext)
        async throws -> Batch
    {
        let facts =
            lookUp
            ? try await RegisterFacts.load(for: chunk.map(\.1), from: registry.store, on: registry.today) : .empty
        var events: [any RegistryEvent] = []
        var registered: [String: Int] = [:]
        var skipped: [String: Int] = [:]
        for (_, record) in chunk {
            guard
                let event = try event(
                    for: record, facts: facts, policy: context.policy, entry: start + UInt64(events.count))
            else {
                skipped[record.typeName, default: 0] += 1
                continue
            }
            registered[record.typeName, default: 0] += 1
            events.append(event)
        }
        let (time, actor) = (context.time, actor)
        // Payloads encoded, and entries made for where they go, on every core: the write
        // transaction only stores them.
        let drafts = try Array(events.enumerated()).mapOnEveryCore { offset, event in
            try EntryDraft(event: event, time: time, actor: actor).placing(at: start + UInt64(offset))
        }
        return Batch(
            chunk: chunk, start: start, drafts: drafts, registered: registered, skipped: skipped, lookedUp: lookUp)
    }

    /// The largest import file pass 1 keeps parsed for pass 2 by default (about 36,000
    /// households of the synthetic county): its records take about as much memory as their
    /// lines (an import of 20,000 households, a 35 MB file, peaked ~33 MB higher keeping it).
    public static let keptBytes: UInt64 = 64 << 20

    /// Projection rows a line writes, about (a household its row and roster lines, a right its
    /// row and parcel claims: ~3 on the synthetic county): what `WrittenKeys` is sized for.
    static let rowsPerLine = 4
    /// The most keys `WrittenKeys` is sized for (20 MB): a larger file (a province in one run)
    /// gets more false positives — rows asked for and not found, as before the filter — not a
    /// larger filter.
    static let writtenKeysLimit = 1 << 24

    /// Pieces of a contended batch: small enough to be decided and appended between other writers.
    static let pieceSize = 16
    /// Attempts per piece before the import gives up (the batches before stay committed).
    static let attempts = 400

    /// Waits for `batch`'s append and counts it; if another writer appended first, decides the
    /// batch again in pieces against the register as it is, until each piece is appended.
    /// Returns the log size after the batch.
    func settle(_ batch: Batch, into summary: inout ImportSummary, shared: inout Bool, _ context: BatchContext)
        async throws -> UInt64
    {
        do {
            if let task = batch.task { _ = try await task.value }
            summary.count(batch)
            return batch.start + UInt64(batch.drafts.count)
        } catch StoreError.sizeChanged {
            shared = true
        }
        var end: UInt64 = 0
        var pieceStart = batch.chunk.startIndex
        while pieceStart < batch.chunk.endIndex {
            let piece = Array(batch.chunk[pieceStart..<min(pieceStart + Self.pieceSize, batch.chunk.endIndex)])
            end = try await appendContended(piece, into: &summary, context)
            pieceStart += piece.count
        }
        return end
    }

    /// Decides and appends `piece` against the register as it is, again after every append by
    /// another process, waiting a little longer each time (with jitter, so writers do not
    /// collide in step).
    func appendContended(_ piece: [(Int, ImportRecord)], into summary: inout ImportSummary, _ context: BatchContext)
        async throws -> UInt64
    {
        for attempt in 0..<Self.attempts {
            do {
                // Writers in this process wait their turn; those in others are caught by the size.
                let batch = try await registry.writeLock.withLock {
                    let size = try await registry.store.size()
                    let batch = try await prepare(piece, at: size, lookUp: true, context)
                    if !batch.drafts.isEmpty { _ = try await registry.commit(batch.drafts, expectedSize: size) }
                    return batch
                }
                summary.count(batch)
                return batch.start + UInt64(batch.drafts.count)
            } catch StoreError.sizeChanged {
                let ceiling = min(50, 2 << min(attempt, 5))
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...ceiling)))
            }
        }
        throw RegistryError.conflict(
            "import",
            "other writers kept the register busy for \(Self.attempts) attempts; the batches before are committed, run the import again to continue"
        )
    }

    /// The next records, up to `batchSize`, and the slice they came in (for progress); lines that
    /// do not parse cannot occur here (pass 1 passed).
    func readChunk(_ lines: inout CheckedLines) async throws -> ([(Int, ImportRecord)], ParallelLines.Slice)? {
        while let slice = try await lines.next() {
            let chunk = slice.lines.compactMap { line -> (Int, ImportRecord)? in
                guard case .record(let record) = line.parsed else { return nil }
                return (line.number, record)
            }
            if !chunk.isEmpty { return (chunk, slice) }
        }
        return nil
    }

    /// A line of spaces and tabs only: skipped.
    static func isBlank(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }

    /// The entry for a record, or nil when the register already holds it.
    func event(for record: ImportRecord, facts: RegisterFacts, policy: RegistryPolicy, entry: UInt64) throws
        -> (any RegistryEvent)?
    {
        switch record {
        case .collective(let application):
            guard facts.collectives[application.code] == nil else { return nil }
            return CollectiveRegistered(
                code: application.code, name: application.name, creditCode: application.creditCode,
                charter: application.charter)
        case .household(let application):
            guard !facts.households.contains(application.code) else { return nil }
            return HouseholdRegistered(
                code: application.code, head: application.head, members: application.members, origin: .imported)
        case .right(let application):
            switch application.subject {
            case .contractLand(let contract, let parcels):
                guard !facts.rights.contains(contract.rawValue) else { return nil }
                return RightRegistered.contractLand(
                    contract, term: try requireTerm(application.term), parcels: parcels, origin: .imported,
                    noticeEnds: nil)
            case .homestead(let household, let unit, let homestead):
                guard !facts.rights.contains(unit.rawValue) else { return nil }
                return RightRegistered.homestead(
                    unit, of: household, try Rules.applyAreaStandard(homestead, policy: policy, origin: .imported),
                    origin: .imported, noticeEnds: nil)
            case .collectiveShare(let collective, let holder, let holding):
                let key = ImportIndex.ShareKey(
                    holder: .init(collective: collective, holder: holder), shareClass: holding.shareClass)
                guard !facts.shareKeys.contains(key) else { return nil }
                return RightRegistered.shares(holding, in: collective, for: holder, origin: .imported, entry: entry)
            case .landManagement:
                throw RegistryError.invalid("type", "the import format has no 土地经营权 lines")
            }
        }
    }
}

extension ImportRecord {
    /// The line's `type`, for summaries.
    public var typeName: String {
        switch self {
        case .collective: "collective"
        case .household: "household"
        case .right(let application):
            switch application.subject {
            case .contractLand: "contract-land"
            case .homestead: "homestead"
            case .collectiveShare: "share"
            case .landManagement: "land-management"
            }
        }
    }
}

extension Importer {
    func requireTerm(_ term: Term?) throws -> Term {
        guard let term else { throw RegistryError.invalid("term", "contract land needs its term") }
        return term
    }
}
