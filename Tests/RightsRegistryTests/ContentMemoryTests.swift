import RegistryTestSupport
import Synchronization
import Testing

@testable import RightsRegistry

/// An entity that counts how often it is decoded.
private struct Counted: Entity, Equatable {
    static let table = EntityTable(name: "counted", columns: [])
    static let decodings = Atomic<Int>(0)
    var key: String
    var value: Int
    var columnValues: [String?] { [] }

    init(key: String, value: Int) {
        self.key = key
        self.value = value
    }

    init(from decoder: any Decoder) throws {
        Self.decodings.add(1, ordering: .relaxed)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        key = try container.decode(String.self, forKey: .key)
        value = try container.decode(Int.self, forKey: .value)
    }
}

@Suite("Content memory")
struct ContentMemoryTests {
    @Test("an unchanged document is decoded once; a changed one is decoded again, never answered from memory")
    func contentAddressed() throws {
        let memory = ContentMemory<String, JSONValue, Counted>(budget: 1 << 20) { $0.estimatedBytes }
        func decode(_ document: JSONValue) throws -> Counted {
            try memory.value("a", of: document) { try JSONValueDecoder().decode(Counted.self, from: $0) }
        }
        let first: JSONValue = ["key": "a", "value": 1]
        let before = Counted.decodings.load(ordering: .relaxed)
        #expect(try decode(first) == Counted(key: "a", value: 1))
        #expect(
            try decode(["key": "a", "value": 1]) == Counted(key: "a", value: 1))
        #expect(Counted.decodings.load(ordering: .relaxed) - before == 1)

        // The row changed: the new document decides, whatever was remembered.
        #expect(
            try decode(["key": "a", "value": 2]) == Counted(key: "a", value: 2))
        #expect(try decode(first) == Counted(key: "a", value: 1))
        #expect(Counted.decodings.load(ordering: .relaxed) - before == 3)
        // A document that does not decode is refused as before.
        #expect(throws: JSONDecodingError.self) {
            try decode(["key": "a", "value": "two"])
        }
    }

    @Test("a row's stored text is parsed again whenever it differs; text that does not parse is refused")
    func parsedText() throws {
        let key = EntityKey(table: Counted.table, key: "p-\(Int.random(in: 0..<1_000_000))")
        #expect(try Documents.parse(key, #"{"a":1}"#) == ["a": 1])
        #expect(try Documents.parse(key, #"{"a":1}"#) == ["a": 1])
        #expect(try Documents.parse(key, #"{"a":2}"#) == ["a": 2])
        #expect(throws: (any Error).self) { try Documents.parse(key, #"{"a":"#) }
        #expect(try Documents.parse(key, #"{"a":2}"#) == ["a": 2])
    }

    @Test("memory is bounded by weight; a value too heavy to remember is still answered")
    func bounded() throws {
        let memory = ContentMemory<String, String, Int>(budget: 160) { $0.utf8.count }
        for index in 0..<25 {
            let content = String(repeating: "x", count: 5) + "\(index)"
            #expect(try memory.value("k\(index)", of: content) { $0.count } == content.count)
            #expect(memory.weight <= 160)
            #expect(memory.weight == memory.count * content.utf8.count || index >= 10)
        }
        // Heavier than a sixteenth of the budget: worked out every time, never remembered.
        let heavy = String(repeating: "y", count: 11)
        #expect(try memory.value("heavy", of: heavy) { $0.count } == 11)
        #expect(try memory.value("heavy", of: heavy) { _ in -1 } == -1)
        // Replacing a key's content replaces its weight.
        let replacing = ContentMemory<String, String, Int>(budget: 1_000) { $0.utf8.count }
        _ = try replacing.value("k", of: "12345") { $0.count }
        _ = try replacing.value("k", of: "12") { $0.count }
        #expect(replacing.weight == 2)
        #expect(replacing.count == 1)
    }

    /// "ǚ" written as one character and as "u" with two combining marks: Swift's `==` on
    /// strings is canonical equivalence and finds them equal; their bytes differ.
    static let composed = "L\u{01DA}"
    static let decomposed = "Lu\u{0308}\u{030C}"

    @Test("content differing only in how a character is composed is content changed")
    func composition() throws {
        #expect(Self.composed == Self.decomposed)
        let texts = ContentMemory<String, String, String>(budget: 1 << 20) { $0.utf8.count }
        _ = try texts.value("k", of: Self.decomposed) { $0 }
        #expect(Array(try texts.value("k", of: Self.composed) { $0 }.utf8) == Array(Self.composed.utf8))
        #expect(Array(try texts.value("k", of: Self.decomposed) { $0 }.utf8) == Array(Self.decomposed.utf8))
        for (mine, theirs) in [("", ""), ("", "a"), ("a", ""), ("abc", "abd"), (Self.composed, Self.composed + "")] {
            #expect(mine.isExactly(theirs) == (Array(mine.utf8) == Array(theirs.utf8)))
        }

        // A parsed document: in a value, in a member's name, in an array, deep inside.
        func variants(_ name: String) -> [JSONValue] {
            [
                ["name": .string(name), "n": 1], .object([name: "x"]), ["list": ["a", .string(name)]],
                ["a": ["b": [["c": .string(name)]]]],
            ]
        }
        let documents = ContentMemory<Int, JSONValue, String>(budget: 1 << 20) { $0.estimatedBytes }
        for (index, (before, after)) in zip(variants(Self.decomposed), variants(Self.composed)).enumerated() {
            #expect(before == after)
            _ = try documents.value(index, of: before) { CanonicalJSON.string($0) }
            let read = try documents.value(index, of: after) { CanonicalJSON.string($0) }
            #expect(read == CanonicalJSON.string(after) && Array(read.utf8) == Array(CanonicalJSON.string(after).utf8))
            // The same document again, or an equal copy of it, is still remembered.
            #expect(try documents.value(index, of: after) { _ in "worked out again" } == read)
        }
        let copy: JSONValue = ["name": .string(Self.composed), "n": 1]
        #expect(try documents.value(0, of: copy) { _ in "worked out again" } != "worked out again")
    }

    @Test("reads through the store answer the row as it is now, after every change")
    func throughTheStore() async throws {
        let t = try await TestRegistry(store: try await TestStore.sqliteFile.make())
        let right = t.contract(0, 1)
        let before = try #require(try await t.reads.right(right))
        #expect(try await t.reads.right(right)?.history == before.history)
        let seizure = try await t.act(right, .seizure(court: "海盐县人民法院", caseNumber: "(2026)浙0424执1号"))
        let after = try #require(try await t.reads.right(right))
        #expect(after.history == before.history + [seizure.index])
    }
}
