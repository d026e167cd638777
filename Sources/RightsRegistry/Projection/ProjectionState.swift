import Foundation

/// The entities an entry (or a batch of entries) reads and changes, held in memory while the
/// events are applied. A store loads the keys the events name, hands this over, and writes back
/// what changed — so applying an event is a pure function that both stores and the audit share.
public struct ProjectionState: Sendable {
    private struct Slot: Sendable {
        let key: EntityKey
        var document: JSONValue?
        var entity: (any Entity)?
        var dirty = false
        /// The row's index columns as the store holds them now, when the store said (nil: not
        /// known, or no row). Kept through `put` and `delete` until the row is written, so a
        /// store can rewrite only the columns that change (see `EntityWrite.storedColumns`).
        var stored: [String?]?
        /// Whether the row existed when it was loaded; nil if it was changed without being
        /// loaded, so not known.
        var existed: Bool?
    }

    /// The rows, in the order they were loaded or first changed: read and changed where they lie
    /// (issue 16: slots held as a dictionary's values were copied whole — key, document, entity
    /// and columns retained — to be looked at, as an import's batch went through tens of
    /// thousands of them).
    private var slots: [Slot] = []
    /// Where each key's row is in `slots`.
    private var positions: [EntityKey: Int]

    /// State for about `capacity` rows: an import's batch loads tens of thousands, and growing
    /// the table as they came rehashed every key several times (issue 16).
    public init(capacity: Int = 0) {
        positions = Dictionary(minimumCapacity: capacity)
        slots.reserveCapacity(capacity)
    }

    /// Adds a document read from the store (nil: the row does not exist), with the row's index
    /// columns as stored if the store read them.
    public mutating func load(_ key: EntityKey, document: JSONValue?, columns: [String?]? = nil) {
        guard Self.place(&positions[key, default: -1], next: slots.count) == slots.count else { return }
        slots.append(
            Slot(key: key, document: document, stored: document == nil ? nil : columns, existed: document != nil))
    }

    public func isLoaded(_ key: EntityKey) -> Bool { positions[key] != nil }

    /// A slot for `key`, to be filled before any event reads it (`fill`): its position, or nil
    /// if the key has one already. A projection reserves every key its batch touches first, then
    /// reads those it has nowhere else in one go.
    mutating func reserve(_ key: EntityKey) -> Int? {
        let position = Self.place(&positions[key, default: -1], next: slots.count)
        guard position == slots.count else { return nil }
        slots.append(Slot(key: key))
        return position
    }

    /// Fills the slot at `position` with a document read from the store (nil: no row), as `load`.
    mutating func fill(_ position: Int, document: JSONValue?, columns: [String?]?) {
        slots[position].document = document
        slots[position].stored = document == nil ? nil : columns
        slots[position].existed = document != nil
    }

    /// Fills the slot at `position` with the row `other` holds under its key, as `other` leaves
    /// it — its entity, not a document parsed again — if `other` has the key: whether it did.
    /// `other` must have no changes left to take.
    mutating func fill(_ position: Int, from other: ProjectionState) -> Bool {
        guard let found = other.positions[slots[position].key] else { return false }
        let row = other.slots[found]
        slots[position].document = row.document
        slots[position].entity = row.entity
        slots[position].stored = row.stored
        slots[position].existed = row.document != nil || row.entity != nil
        return true
    }

    public mutating func get<E: Entity>(_ type: E.Type, _ key: String) throws -> E? {
        let entityKey = E.key(key)
        guard let position = positions[entityKey] else {
            // An event must name every entity it touches; one that does not is a defect, refused
            // as an integrity error rather than a crash.
            throw RegistryError(code: "integrity.projection", message: "\(entityKey) was not loaded")
        }
        if let entity = slots[position].entity { return (entity as! E) }
        guard let document = slots[position].document else { return nil }
        let entity = try Documents.decode(E.self, key: key, from: document)
        slots[position].entity = entity
        return entity
    }

    /// Like `get`, for entities the event requires to exist.
    public mutating func require<E: Entity>(_ type: E.Type, _ key: String) throws -> E {
        guard let entity = try get(type, key) else {
            throw RegistryError.notFound(E.table.name, key)
        }
        return entity
    }

    public mutating func put<E: Entity>(_ entity: E) { change(entity.entityKey, to: entity) }

    /// Like `put`, for a row under a key numbered afresh from a sequence the events keep (a
    /// certificate's number): no row can have it yet, so a store may insert it without looking
    /// (`EntityWrite.hadNoRow`) — and should one have it after all, the insert fails rather than
    /// overwrite it (issue 16: put without being loaded, an import's certificates were
    /// upserted, a parameter a field, as if they might exist).
    public mutating func putNew<E: Entity>(_ entity: E) {
        let position = change(entity.entityKey, to: entity)
        if slots[position].existed == nil { slots[position].existed = false }
    }

    public mutating func delete<E: Entity>(_ type: E.Type, _ key: String) { change(E.key(key), to: nil) }

    /// Marks the row changed to `entity` (nil: deleted), keeping what the store holds for it; in
    /// place, with one look-up of the key (an import puts hundreds of thousands of rows).
    @discardableResult
    private mutating func change(_ key: EntityKey, to entity: (any Entity)?) -> Int {
        let position = Self.place(&positions[key, default: -1], next: slots.count)
        if position == slots.count { slots.append(Slot(key: key)) }
        slots[position].document = nil
        slots[position].entity = entity
        slots[position].dirty = true
        return position
    }

    /// A key's position in `slots`: the one it has, or `next` if it had none (`-1`, the
    /// look-up's default) — one look-up of the key finds it or adds it.
    private static func place(_ position: inout Int, next: Int) -> Int {
        if position < 0 { position = next }
        return position
    }

    /// Every changed row, encoded canonically; clears the dirty marks.
    public mutating func takeWrites() throws -> [EntityWrite] {
        var changed: [Int] = []
        changed.reserveCapacity(slots.count)
        for position in slots.indices where slots[position].dirty { changed.append(position) }
        let writes = try Self.encode(changed, of: slots)
        // Once written, the row holds the written columns (or is gone).
        for (offset, position) in changed.enumerated() {
            slots[position].document = nil
            slots[position].dirty = false
            slots[position].stored = writes[offset].document == nil ? nil : writes[offset].columns
            slots[position].existed = writes[offset].document != nil
        }
        return writes
    }

    /// An import's batch changes tens of thousands of rows: their documents are encoded on every
    /// core (issue 16).
    private static func encode(_ changed: [Int], of slots: [Slot]) throws -> [EntityWrite] {
        try changed.mapOnEveryCore { position in try write(slots[position]) }
    }

    private static func write(_ slot: Slot) throws -> EntityWrite {
        guard let entity = slot.entity else {
            return EntityWrite(
                key: slot.key, document: nil, columns: [], storedColumns: slot.stored, hadNoRow: slot.existed == false)
        }
        return EntityWrite(
            key: slot.key, document: try JSONValueEncoder().canonicalBytes(entity), columns: entity.columnValues,
            storedColumns: slot.stored, hadNoRow: slot.existed == false)
    }
}
