/// The entities an entry (or a batch of entries) reads and changes, held in memory while the
/// events are applied. A store loads the keys the events name, hands this over, and writes back
/// what changed — so applying an event is a pure function that both stores and the audit share.
public struct ProjectionState: Sendable {
    private struct Slot: Sendable {
        var document: JSONValue?
        var entity: (any Entity)?
        var dirty = false
    }

    private var slots: [EntityKey: Slot] = [:]

    public init() {}

    /// Adds a document read from the store (nil: the row does not exist).
    public mutating func load(_ key: EntityKey, document: JSONValue?) {
        guard slots[key] == nil else { return }
        slots[key] = Slot(document: document)
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

    public mutating func put<E: Entity>(_ entity: E) {
        slots[entity.entityKey] = Slot(document: nil, entity: entity, dirty: true)
    }

    public mutating func delete<E: Entity>(_ type: E.Type, _ key: String) {
        slots[E.key(key)] = Slot(document: nil, entity: nil, dirty: true)
    }

    /// Every changed row, encoded canonically; clears the dirty marks.
    public mutating func takeWrites() throws -> [EntityWrite] {
        var writes: [EntityWrite] = []
        let encoder = JSONValueEncoder()
        for (key, slot) in slots where slot.dirty {
            if let entity = slot.entity {
                writes.append(
                    EntityWrite(key: key, document: try encoder.canonicalBytes(entity), columns: entity.columnValues))
                slots[key] = Slot(document: nil, entity: entity, dirty: false)
            } else {
                writes.append(EntityWrite(key: key, document: nil, columns: []))
                slots[key] = Slot(document: nil, entity: nil, dirty: false)
            }
        }
        return writes
    }
}
