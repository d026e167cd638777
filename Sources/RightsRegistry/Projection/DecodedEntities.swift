import Synchronization

/// Entities remembered with the document they were decoded from, so a document read again
/// unchanged is not decoded again (issue 16: Codable decoding of documents was the largest item
/// left in the settlement and search profiles).
///
/// It cannot go stale, because it is addressed by content: a remembered entity is returned only
/// when the document just read is equal to the one it was decoded from, and decoding is a pure
/// function of the document. Comparing two documents walks them once, which costs a fraction of
/// decoding one. What changes is only how often the decoder runs, never what a read returns.
public final class DecodedEntities: Sendable {
    /// The one every reader in the process shares (stores and registries included: a key names
    /// a type and a row, and the document decides).
    public static let shared = DecodedEntities()

    private struct Slot: Hashable {
        let type: ObjectIdentifier
        let key: String
    }
    private struct Remembered {
        let document: JSONValue
        let entity: any Entity
    }
    private let remembered = Mutex<[Slot: Remembered]>([:])
    /// The most entities remembered; when full, the memory starts again (a bound on memory, not
    /// an eviction policy: the hot rows come back at once).
    let capacity: Int

    public init(capacity: Int = 4_096) { self.capacity = capacity }

    /// `E` decoded from `document`, the row `key` of its table.
    public func decode<E: Entity>(_ type: E.Type, key: String, from document: JSONValue) throws -> E {
        let slot = Slot(type: ObjectIdentifier(E.self), key: key)
        if let hit = remembered.withLock({ $0[slot] }), hit.document == document, let entity = hit.entity as? E {
            return entity
        }
        let entity = try JSONValueDecoder().decode(E.self, from: document)
        remembered.withLock { remembered in
            if remembered.count >= capacity { remembered.removeAll(keepingCapacity: true) }
            remembered[slot] = Remembered(document: document, entity: entity)
        }
        return entity
    }

    /// How many entities are remembered (for tests).
    var count: Int { remembered.withLock { $0.count } }
}
