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

@Suite("Decoded entities")
struct DecodedEntitiesTests {
    @Test("an unchanged document is decoded once; a changed one is decoded again, never answered from memory")
    func contentAddressed() throws {
        let memory = DecodedEntities()
        let first: JSONValue = ["key": "a", "value": 1]
        let before = Counted.decodings.load(ordering: .relaxed)
        #expect(try memory.decode(Counted.self, key: "a", from: first) == Counted(key: "a", value: 1))
        #expect(
            try memory.decode(Counted.self, key: "a", from: ["key": "a", "value": 1]) == Counted(key: "a", value: 1))
        #expect(Counted.decodings.load(ordering: .relaxed) - before == 1)

        // The row changed: the new document decides, whatever was remembered.
        #expect(
            try memory.decode(Counted.self, key: "a", from: ["key": "a", "value": 2]) == Counted(key: "a", value: 2))
        #expect(try memory.decode(Counted.self, key: "a", from: first) == Counted(key: "a", value: 1))
        #expect(Counted.decodings.load(ordering: .relaxed) - before == 3)
        // A document that does not decode is refused as before.
        #expect(throws: JSONDecodingError.self) {
            try memory.decode(Counted.self, key: "a", from: ["key": "a", "value": "two"])
        }
    }

    @Test("memory is bounded")
    func bounded() throws {
        let memory = DecodedEntities(capacity: 10)
        for index in 0..<25 {
            _ = try memory.decode(Counted.self, key: "k\(index)", from: ["key": .string("k\(index)"), "value": 1])
            #expect(memory.count <= 10)
        }
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
