public import Foundation
public import RightsRegistry
import Synchronization
public import Testing

/// A clock the test sets.
public final class TestClock: RegistryClock {
    private let instant: Mutex<Date>

    public init(_ day: String, hour: Int = 10) {
        instant = Mutex(TestClock.date(day, hour: hour))
    }

    public static func date(_ day: String, hour: Int = 10) -> Date {
        // Registry time is Asia/Shanghai, UTC+8.
        Date(timeIntervalSince1970: TimeInterval(Day(day)!.ordinal * 86_400 + (hour - 8) * 3600))
    }

    public func now() -> Date { instant.withLock { $0 } }
    public func set(_ day: String, hour: Int = 10) { instant.withLock { $0 = TestClock.date(day, hour: hour) } }
    public func set(_ date: Date) { instant.withLock { $0 = date } }
    public func advance(days: Int) { instant.withLock { $0 = $0.addingTimeInterval(TimeInterval(days * 86_400)) } }
}

/// A registry on the tests' default store (`TestStore.default`), seeded with a small synthetic village by the importer.
public struct TestRegistry {
    public let registry: Registry
    public let clock: TestClock
    public let county: SyntheticCounty
    public let keys: KeyRing
    /// The projection tables `snapshot` compares.
    public let tables: [EntityTable]

    public var store: any RegistryStore { registry.store }
    public var reads: StoreReads { registry.reads }

    public init(
        today: String = "2026-11-20", county: SyntheticCounty? = SyntheticCounty(householdsPerVillage: 4),
        store: (any RegistryStore)? = nil, keys: KeyRing? = nil, tables: [EntityTable] = RegistryTables.all,
        reactions: (any RegistryStore) -> [any RegistryReaction] = { _ in [] }
    ) async throws {
        self.tables = tables
        clock = TestClock(today)
        let keys = try keys ?? KeyRing.generate(origin: "registry.test/330424")
        self.keys = keys
        let store = try await { if let store { store } else { try await TestStore.default.make(.registry) } }()
        registry = Registry(store: store, keys: keys, clock: clock, reactions: reactions(store))
        self.county = county ?? SyntheticCounty(householdsPerVillage: 4)
        if county != nil {
            let file = try TemporaryFile(lines: self.county)
            let summary = try await Importer(registry: registry, actor: "import:test").run(file.path)
            #expect(summary.problems.isEmpty, "\(summary.problems)")
        }
    }

    private init(registry: Registry, clock: TestClock, county: SyntheticCounty, keys: KeyRing, tables: [EntityTable]) {
        self.registry = registry
        self.clock = clock
        self.county = county
        self.keys = keys
        self.tables = tables
    }

    /// Another process on the same register: the same keys, clock and county, its own `store`
    /// (opened on the same database).
    public func sibling(
        on store: any RegistryStore, reactions: (any RegistryStore) -> [any RegistryReaction] = { _ in [] }
    ) -> TestRegistry {
        TestRegistry(
            registry: Registry(store: store, keys: keys, clock: clock, reactions: reactions(store)), clock: clock,
            county: county, keys: keys, tables: tables)
    }

    /// A seeded registry on a new store of `kind` that can be opened again, and where that store
    /// is (the tests that tamper with it, reopen it or copy it need the location).
    public static func onNewStore(_ kind: TestStore) async throws -> (location: String, registry: TestRegistry) {
        let location = try await kind.newLocation()
        return (location, try await TestRegistry(store: try await kind.open(location)))
    }

    // Codes of the seeded county: villages v = 0, 1; households h = 1…4.
    public func collective(_ v: Int = 0) -> CollectiveCode { try! CollectiveCode(county.villages()[v] + "00") }
    public func household(_ v: Int, _ h: Int) -> HouseholdCode {
        try! HouseholdCode(collective(v).rawValue + String(h).leftPadded(to: 4))
    }
    public func contract(_ v: Int, _ h: Int) -> RightID { .contractLand(ContractCode(household: household(v, h))) }
    public func homestead(_ v: Int, _ h: Int) -> RightID {
        try! RightID(county.villages()[v] + "JC" + String(h).leftPadded(to: 5) + "F0001" + String(h).leftPadded(to: 4))
    }
    public func parcel(_ v: Int, _ n: Int) -> ParcelCode {
        try! ParcelCode(collective(v).rawValue + String(n).leftPadded(to: 5))
    }
    /// The head of household h of village v (people are numbered in file order, three per household).
    public func head(_ v: Int, _ h: Int) -> CitizenID {
        county.citizenID((v * county.householdsPerVillage + h - 1) * 3)
    }

    @discardableResult
    public func perform(_ act: RegistryAct, as actor: String = "clerk:test") async throws -> LogEntry {
        try await registry.perform(act, actor: actor)
    }

    @discardableResult
    public func act(_ id: RightID, _ act: RightAct) async throws -> LogEntry {
        try await perform(.onRight(id, act))
    }

    public func right(_ id: RightID) async throws -> Right { try #require(try await reads.right(id)) }

    /// Asserts that `body` is refused with `code` and that nothing was written.
    public func expectRefusal(
        _ code: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
    )
        async throws
    {
        let size = try await store.size()
        let before = try await snapshot()
        do {
            try await body()
            Issue.record("expected refusal \(code), but the act was accepted", sourceLocation: sourceLocation)
        } catch let error as RegistryError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        }
        #expect(try await store.size() == size, "a refused act must not append", sourceLocation: sourceLocation)
        #expect(
            try await snapshot() == before, "a refused act must not change the projections",
            sourceLocation: sourceLocation)
    }

    /// Every projection row, for before/after comparisons.
    public func snapshot() async throws -> [String: [String]] {
        var rows: [String: [String]] = [:]
        for table in tables {
            rows[table.name] = try await store.rows(table, after: nil, limit: 1_000_000).map {
                $0.key + "=" + String(decoding: $0.document, as: UTF8.self)
            }
        }
        return rows
    }

    public static func consent(_ party: ConsentParty, _ by: String = "村股份经济合作社") -> Consent {
        Consent(party: party, by: by, document: "同意书-\(party.rawValue)", on: Day("2026-11-01")!)
    }

    /// The mortgagor's side of a joint application, with the co-holders' consent.
    public static let mortgagor = MortgagorApplication(
        application: "抵押登记申请书", consents: [consent(.coHolders, "全体家庭成员")])

    public static func filing(_ with: String = "发包方", matter: String = "流转") -> Filing {
        Filing(matter: matter, filedWith: with, document: "备案-001", on: Day("2026-11-10")!)
    }
}

/// A directory in the temporary directory, removed with everything in it when the value goes.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init(_ prefix: String) throws {
        path = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A path for a new file in it.
    public func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A file in the temporary directory, removed when the value goes away.
public final class TemporaryFile {
    public let path: String

    public init(contents: String, suffix: String = ".jsonl") throws {
        path = NSTemporaryDirectory() + "rights-\(UUID().uuidString)\(suffix)"
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
    }

    public convenience init(lines county: SyntheticCounty) throws {
        var text = ""
        county.lines { text += $0 + "\n" }
        try self.init(contents: text)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
