/// The rows a batch of entries writes, worked out before the append that writes them (issue 16:
/// an import projects its next batch while the store writes the one before, so the thread that
/// holds the write transaction only writes).
///
/// It is the projection of the log as it was at `size` entries: a store writes it only if the
/// log still has `size` entries when the append runs, and refuses the append otherwise
/// (`StoreError.sizeChanged`) — another writer's entry in between may have changed the rows it
/// was worked out over. Every row is written with a log append, so an unchanged size means
/// unchanged rows.
public struct Projection: Sendable {
    /// The log's size the batch was projected at: the index of its first entry.
    public let size: UInt64
    public let writes: [EntityWrite]
    /// Every row the batch touched, as the batch leaves it: the next batch of an import is
    /// worked out over these, as they are, while this one is written.
    let rows: ProjectionState
    /// The writes in the form the store sends them, if it made them beforehand
    /// (`RegistryStore.preparing`); the store that made them alone reads them.
    var prepared: (any Sendable)?
}

/// A projection row as stored: its document, and its index columns if the store reads them (see
/// `EntityWrite.storedColumns`).
public struct StoredRow: Sendable {
    public let document: JSONValue
    public let columns: [String?]?

    public init(document: JSONValue, columns: [String?]?) {
        self.document = document
        self.columns = columns
    }
}

extension Projector {
    /// Projects `batch` — entries `size…`, each with what its event may know of it — over the
    /// register as it is before them: the rows `earlier` (the projection of the entries just
    /// before, which may not be committed yet) touched, as it leaves them, and the others as
    /// `read` returns them from the store.
    ///
    /// `earlier` must be the projection of the entries just before `size` if they may not be
    /// committed, and every row the store returns must be as committed before them — which holds
    /// when nothing else appends in between, what the append's size check makes sure of.
    static func project(
        _ batch: [(EntryContext, any RegistryEvent)], at size: UInt64, over earlier: Projection?,
        read: ([EntityKey]) async throws -> [EntityKey: StoredRow]
    ) async throws -> Projection {
        // A few rows an entry (an import's averages three to four); the table grows if not.
        var state = ProjectionState(capacity: batch.count * 4)
        // Each key is looked up once where it goes and once in `earlier` (issue 16: a set of the
        // keys seen, and a table of `earlier`'s writes built for every batch, hashed and copied
        // every key again); those neither holds are read, and filled in where they went.
        var unread: [(key: EntityKey, position: Int)] = []
        for entry in batch.indices {
            for key in batch[entry].1.touches(batch[entry].0) {
                guard let position = state.reserve(key) else { continue }
                guard let earlier else {
                    unread.append((key, position))
                    continue
                }
                if !state.fill(position, from: earlier.rows) { unread.append((key, position)) }
            }
        }
        let stored = try await read(unread.map(\.key))
        for (key, position) in unread {
            let row = stored[key]
            state.fill(position, document: row?.document, columns: row?.columns)
        }
        let writes = try apply(batch, to: &state)
        return Projection(size: size, writes: writes, rows: state)
    }
}
