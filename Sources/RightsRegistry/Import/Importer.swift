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

    public init(registry: Registry, actor: String, batchSize: Int = 4096) {
        self.registry = registry
        self.actor = actor
        self.batchSize = batchSize
    }

    /// Pass 1 only: the problems, and what a run would register and skip.
    public func check(_ path: String, progress: (ImportProgress) -> Void = { _ in }) async throws -> ImportSummary {
        try await validate(path, progress: progress).summary
    }

    /// Both passes. If pass 1 finds problems, returns them and writes nothing.
    public func run(_ path: String, progress: (ImportProgress) -> Void = { _ in }) async throws -> ImportSummary {
        let (checked, startSize) = try await validate(path, progress: progress)
        guard checked.problems.isEmpty else { return checked }
        _ = try registry.requireKeys()
        var summary = ImportSummary()
        summary.lines = checked.lines
        let reader = try LineReader(path: path)
        let policy = try await registry.reads.policy()
        let store = registry.store
        let time = registry.timeZone.timestamp(of: registry.clock.now())
        // While one batch is written, the next is read, checked against the register and encoded:
        // the write transaction runs on the store's queue, this loop on the caller's thread.
        var writing: Task<AppendResult, any Error>?
        var nextIndex = startSize
        while let chunk = try readChunk(reader) {
            let facts =
                startSize == 0
                ? .empty : try await RegisterFacts.load(for: chunk.map(\.1), from: store, on: registry.today)
            var drafts: [EntryDraft] = []
            for (_, record) in chunk {
                guard
                    let event = try event(
                        for: record, facts: facts, policy: policy, entry: nextIndex + UInt64(drafts.count))
                else {
                    summary.skipped[record.typeName, default: 0] += 1
                    continue
                }
                summary.registered[record.typeName, default: 0] += 1
                drafts.append(try EntryDraft(event: event, time: time, actor: actor))
            }
            if let previous = writing { summary.entries += try await finish(previous) }
            let expected = nextIndex
            nextIndex += UInt64(drafts.count)
            writing = drafts.isEmpty ? nil : Task { try await registry.commit(drafts, expectedSize: expected) }
            progress(
                ImportProgress(
                    phase: .writing, lines: reader.lineNumber, bytes: reader.bytesRead, totalBytes: reader.totalBytes))
        }
        if let last = writing { summary.entries += try await finish(last) }
        return summary
    }

    /// Waits for a batch's transaction; a lost race with another writer stops the import (the
    /// batches before it stay committed and a re-run continues after them).
    func finish(_ batch: Task<AppendResult, any Error>) async throws -> Int {
        do {
            return try await batch.value.entries.count
        } catch StoreError.sizeChanged {
            throw RegistryError.conflict(
                "import", "the register changed while importing (another writer); run the import again to continue")
        }
    }

    /// Reads up to `batchSize` records; lines that do not parse cannot occur here (pass 1 passed).
    func readChunk(_ reader: LineReader) throws -> [(Int, ImportRecord)]? {
        var chunk: [(Int, ImportRecord)] = []
        while chunk.count < batchSize, let parsed = try reader.nextLine(Self.parse) {
            if case .record(let record) = parsed { chunk.append((reader.lineNumber, record)) }
        }
        return chunk.isEmpty ? nil : chunk
    }

    /// A line, or nil for a blank one.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> ImportRecord.Parsed? {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 } ? nil : ImportRecord.parse(bytes)
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
