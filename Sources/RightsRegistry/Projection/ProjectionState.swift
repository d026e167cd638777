import Foundation

/// The entities an entry (or a batch of entries) reads and changes, held in memory while the
/// events are applied. A store loads the keys the events name, hands this over, and writes back
/// what changed — so applying an event is a pure function that both stores and the audit share.
public struct ProjectionState: Sendable {
    private struct Slot: Sendable {
        var document: JSONValue?
        var entity: (any Entity)?
        var dirty = false
        /// The row's index columns as the store holds them now, when the store said (nil: not
        /// known, or no row). Kept through `put` and `delete` until the row is written, so a
        /// store can rewrite only the columns that change (see `EntityWrite.storedColumns`).
        var stored: [String?]?
    }

    private var slots: [EntityKey: Slot]

    /// State for about `capacity` rows: an import's batch loads tens of thousands, and growing
    /// the table as they came rehashed every key several times (issue 16).
    public init(capacity: Int = 0) {
        slots = Dictionary(minimumCapacity: capacity)
    }

    /// Adds a document read from the store (nil: the row does not exist), with the row's index
    /// columns as stored if the store read them.
    public mutating func load(_ key: EntityKey, document: JSONValue?, columns: [String?]? = nil) {
        guard slots[key] == nil else { return }
        slots[key] = Slot(document: document, stored: document == nil ? nil : columns)
    }

    public func isLoaded(_ key: EntityKey) -> Bool { slots[key] != nil }

    public mutating func get<E: Entity>(_ type: E.Type, _ key: String) throws -> E? {
        let entityKey = E.key(key)
        guard var slot = slots[entityKey] else {
            // An event must name every entity it touches; one that does not is a defect, refused
            // as an integrity error rather than a crash.
            throw RegistryError(code: "integrity.projection", message: "\(entityKey) was not loaded")
        }
        if let entity = slot.entity { return (entity as! E) }
        guard let document = slot.document else { return nil }
        let entity = try Documents.decode(E.self, key: key, from: document)
        slot.entity = entity
        slots[entityKey] = slot
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

    public mutating func delete<E: Entity>(_ type: E.Type, _ key: String) { change(E.key(key), to: nil) }

    /// Marks the row changed to `entity` (nil: deleted), keeping what the store holds for it; in
    /// place, with one look-up of the key (an import puts hundreds of thousands of rows).
    private mutating func change(_ key: EntityKey, to entity: (any Entity)?) {
        Self.mark(&slots[key, default: Slot()], changedTo: entity)
    }

    private static func mark(_ slot: inout Slot, changedTo entity: (any Entity)?) {
        slot.document = nil
        slot.entity = entity
        slot.dirty = true
    }

    private typealias Change = (key: EntityKey, entity: (any Entity)?, stored: [String?]?)

    /// Every changed row, encoded canonically; clears the dirty marks.
    public mutating func takeWrites() throws -> [EntityWrite] {
        var changed: [Change] = []
        var positions: [Dictionary<EntityKey, Slot>.Index] = []
        for position in slots.indices where slots.values[position].dirty {
            let (key, slot) = slots[position]
            changed.append((key, slot.entity, slot.stored))
            positions.append(position)
        }
        let writes = try Self.encode(changed)
        // Slots changed where they are, by position: setting them by key hashed every key of
        // the batch again (issue 16).
        for (position, write) in zip(positions, writes) {
            // Once written, the row holds the written columns (or is gone).
            slots.values[position].document = nil
            slots.values[position].dirty = false
            slots.values[position].stored = write.document == nil ? nil : write.columns
        }
        return writes
    }

    /// An import's batch changes tens of thousands of rows: their documents are encoded on every
    /// core (issue 16).
    private static func encode(_ changed: [Change]) throws -> [EntityWrite] {
        try changed.mapOnEveryCore(write)
    }

    private static func write(_ change: Change) throws -> EntityWrite {
        guard let entity = change.entity else {
            return EntityWrite(key: change.key, document: nil, columns: [], storedColumns: change.stored)
        }
        return EntityWrite(
            key: change.key, document: try JSONValueEncoder().canonicalBytes(entity), columns: entity.columnValues,
            storedColumns: change.stored)
    }
}
