import Foundation
import Synchronization

/// Values worked out from a row's content, remembered with that content, so a row read again
/// unchanged is not worked out again (issue 16: parsing and Codable-decoding documents were the
/// largest items left in the settlement and search profiles).
///
/// It cannot go stale, because it is addressed by content: a remembered value is returned only
/// when the content just read is the same as the content it came from (`ExactContent`), and the
/// work is a pure function of the content. Comparing costs a fraction of the work: stored text
/// compares as bytes; a parsed document remembered here shares its storage with the one
/// compared, which is recognised without walking it. What changes is only how often the work
/// runs, never what a read returns.
public final class ContentMemory<Key: Hashable & Sendable, Content: ExactContent, Value: Sendable>: Sendable {
    private struct Remembered {
        let content: Content
        let value: Value
        let weight: Int
    }
    private struct State {
        var remembered: [Key: Remembered] = [:]
        var weight = 0
    }
    private let state = Mutex(State())
    /// What a remembered pair costs, roughly in bytes (content and value together).
    private let weigh: @Sendable (Content) -> Int
    /// The most weight remembered; when a value would pass it, the memory starts again (a bound
    /// on memory, not an eviction policy: the hot rows come back at once). A single value
    /// heavier than a sixteenth of it is not remembered.
    let budget: Int

    public init(budget: Int, weigh: @escaping @Sendable (Content) -> Int) {
        self.budget = budget
        self.weigh = weigh
    }

    /// `work(content)`, or the value it gave for the same key and the same content before.
    public func value(_ key: Key, of content: Content, _ work: (Content) throws -> Value) throws -> Value {
        if let hit = state.withLock({ $0.remembered[key] }), hit.content.isExactly(content) { return hit.value }
        let value = try work(content)
        let weight = max(1, weigh(content))
        guard weight <= budget / 16 else { return value }
        state.withLock { state in
            if state.weight + weight > budget {
                state.remembered.removeAll(keepingCapacity: true)
                state.weight = 0
            }
            let replaced = state.remembered.updateValue(
                Remembered(content: content, value: value, weight: weight), forKey: key)
            state.weight += weight - (replaced?.weight ?? 0)
        }
        return value
    }

    /// How many values are remembered, and their weight (for tests).
    var count: Int { state.withLock { $0.remembered.count } }
    var weight: Int { state.withLock { $0.weight } }
}

/// Content a memory is addressed by, compared for being the same bytes rather than for meaning
/// the same. `String`'s `==` is canonical equivalence: "ǚ" as one scalar equals "u" followed by
/// two combining marks, so a name corrected only in how it is composed would have been answered
/// as it was before the correction (and deciding that equivalence, character by character, was
/// the costliest part of looking a document up in a search's profile).
public protocol ExactContent: Sendable {
    /// Whether `other` is this content, byte for byte.
    func isExactly(_ other: Self) -> Bool
}

extension String: ExactContent {
    public func isExactly(_ other: String) -> Bool {
        let same = utf8.withContiguousStorageIfAvailable { mine in
            other.utf8.withContiguousStorageIfAvailable { theirs -> Bool in
                guard mine.count == theirs.count else { return false }
                // No address only for no bytes; one address for one storage.
                guard let start = mine.baseAddress, let other = theirs.baseAddress, start != other else { return true }
                return memcmp(start, other, mine.count) == 0
            }
        }
        return (same ?? nil) ?? utf8.elementsEqual(other.utf8)
    }
}

extension Array: ExactContent where Element == UInt8 {
    public func isExactly(_ other: [UInt8]) -> Bool { self == other }
}

extension JSONValue: ExactContent {
    /// The same document: the same kinds, members and elements, every string (names too) the
    /// same bytes, every number the same bits.
    public func isExactly(_ other: JSONValue) -> Bool {
        switch (self, other) {
        case (.null, .null): true
        case (.bool(let mine), .bool(let theirs)): mine == theirs
        case (.number(let mine), .number(let theirs)): mine.bitPattern == theirs.bitPattern
        case (.string(let mine), .string(let theirs)): mine.isExactly(theirs)
        case (.array(let mine), .array(let theirs)):
            sharesStorage(mine, theirs)
                || (mine.count == theirs.count && zip(mine, theirs).allSatisfy { $0.isExactly($1) })
        case (.object(let mine), .object(let theirs)):
            sharesStorage(mine, theirs)
                || (mine.count == theirs.count
                    && mine.allSatisfy { name, value in
                        // The member `theirs` holds under a name equal to `name`, if any: a
                        // dictionary holds no two equivalent names, so this is the only candidate.
                        guard let index = theirs.index(forKey: name) else { return false }
                        return theirs[index].key.isExactly(name) && theirs[index].value.isExactly(value)
                    })
        case (.null, _), (.bool, _), (.number, _), (.string, _), (.array, _), (.object, _): false
        }
    }
}

/// Whether two collections are one storage (bit for bit the same value, so the same elements):
/// a parsed document read back unchanged shares its parse with the one remembered, and this
/// answers for it without walking it. False says nothing.
private func sharesStorage<C: Collection>(_ mine: C, _ theirs: C) -> Bool {
    withUnsafeBytes(of: mine) { mine in withUnsafeBytes(of: theirs) { theirs in mine.elementsEqual(theirs) } }
}

/// The process's memories of documents: stored text → parsed document, parsed document →
/// entity. Shared by every store and reader (a key names a table or type and a row; the content
/// decides).
public enum Documents {
    struct TypedKey: Hashable, Sendable {
        let type: ObjectIdentifier
        let key: String
    }
    /// Text and its parse: about three times the text's bytes.
    static let parsed = ContentMemory<EntityKey, String, JSONValue>(budget: 48 << 20) { 3 * $0.utf8.count }
    /// A parsed document (shared with `parsed`) and its entity: about the document's size.
    static let decoded = ContentMemory<TypedKey, JSONValue, any Entity>(budget: 48 << 20) { $0.estimatedBytes }

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

extension JSONValue {
    /// Roughly the bytes this value takes in memory (for memory budgets, not exact).
    var estimatedBytes: Int {
        switch self {
        case .null, .bool, .number: 16
        case .string(let text): 16 + text.utf8.count
        case .array(let elements): elements.reduce(32) { $0 + $1.estimatedBytes }
        case .object(let members): members.reduce(48) { $0 + 32 + $1.key.utf8.count + $1.value.estimatedBytes }
        }
    }
}
