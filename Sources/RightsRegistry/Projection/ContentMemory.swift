import Synchronization

/// Values worked out from a row's content, remembered with that content, so a row read again
/// unchanged is not worked out again (issue 16: parsing and Codable-decoding documents were the
/// largest items left in the settlement and search profiles).
///
/// It cannot go stale, because it is addressed by content: a remembered value is returned only
/// when the content just read is equal to the content it came from, and the work is a pure
/// function of the content. Comparing costs a fraction of the work: stored text compares as
/// bytes; a parsed document remembered here shares its storage with the one compared, which
/// Swift's collections recognise without walking them. What changes is only how often the work
/// runs, never what a read returns.
public final class ContentMemory<Key: Hashable & Sendable, Content: Equatable & Sendable, Value: Sendable>: Sendable {
    private struct Remembered {
        let content: Content
        let value: Value
    }
    private let remembered = Mutex<[Key: Remembered]>([:])
    /// The most values remembered; when full, the memory starts again (a bound on memory, not
    /// an eviction policy: the hot rows come back at once).
    let capacity: Int

    public init(capacity: Int) { self.capacity = capacity }

    /// `work(content)`, or the value it gave for the same key and equal content before.
    public func value(_ key: Key, of content: Content, _ work: (Content) throws -> Value) throws -> Value {
        if let hit = remembered.withLock({ $0[key] }), hit.content == content { return hit.value }
        let value = try work(content)
        remembered.withLock { remembered in
            if remembered.count >= capacity { remembered.removeAll(keepingCapacity: true) }
            remembered[key] = Remembered(content: content, value: value)
        }
        return value
    }

    /// How many values are remembered (for tests).
    var count: Int { remembered.withLock { $0.count } }
}

/// The process's memories of documents: stored text → parsed document, parsed document →
/// entity. Shared by every store and reader (a key names a table or type and a row; the content
/// decides).
public enum Documents {
    struct TypedKey: Hashable, Sendable {
        let type: ObjectIdentifier
        let key: String
    }
    static let parsed = ContentMemory<EntityKey, String, JSONValue>(capacity: 4_096)
    static let decoded = ContentMemory<TypedKey, JSONValue, any Entity>(capacity: 4_096)

    /// The stored text of row `key`, parsed.
    public static func parse(_ key: EntityKey, _ text: String) throws -> JSONValue {
        try parsed.value(key, of: text) { try JSONParser.parse($0) }
    }

    /// Row `key` of `E`'s table, decoded from `document`.
    public static func decode<E: Entity>(_ type: E.Type, key: String, from document: JSONValue) throws -> E {
        let entity = try decoded.value(TypedKey(type: ObjectIdentifier(E.self), key: key), of: document) {
            try JSONValueDecoder().decode(E.self, from: $0)
        }
        // Always an `E`: the key names the type.
        guard let typed = entity as? E else { return try JSONValueDecoder().decode(E.self, from: document) }
        return typed
    }
}
