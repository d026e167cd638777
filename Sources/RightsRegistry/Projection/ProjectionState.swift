import Foundation
import Synchronization

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
        var changed: [(key: EntityKey, entity: (any Entity)?)] = []
        for (key, slot) in slots where slot.dirty { changed.append((key, slot.entity)) }
        for (key, entity) in changed { slots[key] = Slot(document: nil, entity: entity, dirty: false) }
        return try Self.encode(changed)
    }

    /// From this many changed rows on, their documents are encoded on every core (issue 16: an
    /// import's batch changes tens of thousands, and encoding them was a third of the writing
    /// thread's time while the other core had time to spare). An act changes a handful, for
    /// which handing work to another thread would cost more than it saves.
    static let parallelEncodingThreshold = 1_024

    private static func encode(_ changed: [(key: EntityKey, entity: (any Entity)?)]) throws -> [EntityWrite] {
        let workers = changed.count < parallelEncodingThreshold ? 1 : ProcessInfo.processInfo.activeProcessorCount
        guard workers > 1 else { return try changed.map(write) }
        let slice = (changed.count + workers - 1) / workers
        let parts = Mutex<[Int: Result<[EntityWrite], any Error>]>([:])
        // The calling thread takes a slice too, so this finishes even when no other thread is free.
        DispatchQueue.concurrentPerform(iterations: workers) { part in
            let slice = changed[min(part * slice, changed.count)..<min((part + 1) * slice, changed.count)]
            let result = Result { try slice.map(write) }
            parts.withLock { $0[part] = result }
        }
        // In slice order, so an error is the one encoding them one by one would have met first.
        return try parts.withLock { parts in try (0..<workers).flatMap { try parts[$0]!.get() } }
    }

    private static func write(_ change: (key: EntityKey, entity: (any Entity)?)) throws -> EntityWrite {
        guard let entity = change.entity else { return EntityWrite(key: change.key, document: nil, columns: []) }
        return EntityWrite(
            key: change.key, document: try JSONValueEncoder().canonicalBytes(entity), columns: entity.columnValues)
    }
}
