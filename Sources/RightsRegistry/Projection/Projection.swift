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
    /// The touched keys that had no row: a store may insert theirs without looking for one
    /// (PostgreSQL copies them in).
    public let absent: Set<EntityKey>
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
    /// Projects `batch` — entries `size…` — over the register as it is before them: the rows
    /// `earlier` writes (the entries just before, which may not be committed yet), and the
    /// others as `read` returns them from the store.
    ///
    /// `earlier` must be the writes of the entries just before `size` if they may not be
    /// committed, and every row the store returns must be as committed before them — which holds
    /// when nothing else appends in between, what the append's size check makes sure of.
    static func project(
        _ batch: [(LogEntry, any RegistryEvent)], at size: UInt64, over earlier: [EntityWrite],
        read: ([EntityKey]) async throws -> [EntityKey: StoredRow]
    ) async throws -> Projection {
        // Where each of `earlier`'s rows is: positions, not copies of the writes (each copy
        // retained its key, document and columns; issue 16).
        var pending = [EntityKey: Int](minimumCapacity: earlier.count)
        for position in earlier.indices { pending[earlier[position].key] = position }
        let keys = touchedKeys(batch)
        // Room too for a row an entry adds that its event could not name before it was applied
        // (a right's certificate, numbered as it is issued): the table is never grown.
        var state = ProjectionState(capacity: keys.count + batch.count)
        var unread: [EntityKey] = []
        var absent: Set<EntityKey> = []
        for key in keys {
            guard let position = pending[key] else {
                unread.append(key)
                continue
            }
            // The row as that write leaves it: few keys, so its bytes are parsed again.
            guard let document = earlier[position].document else {
                absent.insert(key)
                state.load(key, document: nil)
                continue
            }
            state.load(key, document: try JSONParser.parse(document), columns: earlier[position].columns)
        }
        let stored = try await read(unread)
        for key in unread {
            let row = stored[key]
            if row == nil { absent.insert(key) }
            state.load(key, document: row?.document, columns: row?.columns)
        }
        return Projection(size: size, writes: try apply(batch, to: &state), absent: absent)
    }
}
