import Exchange
import Foundation
import GRDB
import RightsRegistry
import Synchronization

// Settlement benchmark (issue 5): N deals settled back to back on a file registry with
// `synchronous=FULL` — each settlement one transaction holding the registry act (a new
// 土地经营权), the settlement entry with its attestation, the projections and the checkpoint —
// against the raw rate of fsync'd single-row SQLite commits, measured in the same run.
//
// With a postgres:// URL the registry is on PostgreSQL (schema bench_settlement, dropped first)
// and the baseline is fsync'd single-row commits there (one INSERT per transaction, with the
// server's durable defaults: fsync and synchronous_commit on).
//
// usage: SettlementBenchmark WORKDIR [DEALS] [POSTGRES_URL]   (default 500 deals, SQLite)

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: SettlementBenchmark WORKDIR [DEALS]\n".utf8))
    exit(64)
}
let workdir = arguments[1]
let deals = arguments.count > 2 ? Int(arguments[2])! : 500
let postgres = arguments.count > 3 ? arguments[3] : nil
try FileManager.default.createDirectory(atPath: workdir, withIntermediateDirectories: true)

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// The clock the procedure runs on: set to each step's day.
final class BenchmarkClock: RegistryClock {
    let instant = Mutex(Date())
    func now() -> Date { instant.withLock { $0 } }
    func set(_ date: Date) { instant.withLock { $0 = date } }
}

// MARK: Baseline: one fsync'd single-row commit each

let baselinePath = workdir + "/baseline-\(UUID().uuidString).sqlite"
let baselineSeconds: Double
if let postgres {
    baselineSeconds = try await postgresBaseline(url: postgres, rows: deals)
} else {
    let pool = try DatabasePool(path: baselinePath)
    // After opening: GRDB sets a pool's writer to `synchronous = NORMAL` when it turns WAL on, which
    // syncs no commit (so `prepareDatabase` cannot set FULL; the registry's store does it the same way).
    try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
    try pool.write { db in try db.execute(sql: "CREATE TABLE rows (id INTEGER PRIMARY KEY, doc TEXT NOT NULL)") }
    let baselineStart = now()
    for row in 0..<deals {
        try pool.write { db in
            try db.execute(sql: "INSERT INTO rows (id, doc) VALUES (?, ?)", arguments: [row, "{\"deal\":\(row)}"])
        }
    }
    baselineSeconds = Double(now() - baselineStart) / 1e9
}

// MARK: Setup: a county and N deals awaiting payment (not timed)

let path = workdir + "/settlement-\(UUID().uuidString).sqlite"
let clock = BenchmarkClock()
let zone = RegistryTimeZone.shanghai
clock.set(zone.instant(of: Day("2026-11-23")!, hour: 10))
let store: any RegistryStore =
    if let postgres {
        try await StoreLocation(postgres + (postgres.contains("?") ? "&" : "?") + "schema=bench_settlement").open(
            ProductSchema.migrations, migrate: true)
    } else {
        try SQLiteRegistryStore(path: path, migrations: ProductSchema.migrations.sqlite)
    }
let registry = Registry(
    store: store,
    keys: try KeyRing.generate(origin: "bench.example/330424"), clock: clock)
let county = SyntheticCounty(townships: 1, villagesPerTownship: max(1, deals / 500), householdsPerVillage: 500)
let countyFile = workdir + "/county-\(UUID().uuidString).jsonl"
var text = ""
county.lines { text += $0 + "\n" }
try text.write(toFile: countyFile, atomically: true, encoding: .utf8)
_ = try await Importer(registry: registry, actor: "import:bench").run(countyFile)
let company = try CreditCode.completing("91330424MA2B0001X")
try await registry.perform(.registerOrganisation(Organisation(creditCode: company, name: "农业公司")), actor: "bench")

let exchange = ExchangeService(registry: registry)
let desk = "exchange:bench"
let filing = Filing(matter: "流转", filedWith: "发包方", document: "备案", on: Day("2026-11-20")!)
let term = try Term(start: Day("2027-01-01")!, end: Day("2036-12-31")!)
var listings: [Listing] = []
for village in county.villages() {
    for h in 1...county.householdsPerVillage where listings.count < deals {
        let right = RightID.contractLand(
            ContractCode(household: try HouseholdCode(village + "00" + String(h).leftPadded(to: 4))))
        let listing = try await exchange.submit(
            ListingApplication(
                right: right, kind: .lease, price: 100_000, increment: 1_000, deposit: 5_000,
                lease: LeaseOffer(term: term, use: "种植"), filing: filing), by: .desk, actor: desk)
        _ = try await exchange.review(listing.id, approve: true, reason: nil, actor: desk)
        _ = try await exchange.registerIntent(
            listing.id, IntentApplication(buyer: .organisation(company), deposit: 5_000, capacity: "农业公司"), by: .desk,
            actor: desk)
        listings.append(listing)
    }
}
clock.set(zone.instant(of: Day("2026-12-03")!, hour: 10))
var dealIDs: [DealID] = []
for listing in listings {
    let deal = try await exchange.close(listing.id, actor: desk).deal!
    // E-7: both parties sign the contract before the payment is taken.
    for party in ContractParty.allCases { _ = try await exchange.sign(deal, as: party, by: .desk, actor: desk) }
    dealIDs.append(deal)
}

// MARK: Timed: settlements back to back

var latencies: [UInt64] = []
let sqliteStore = store as? SQLiteRegistryStore
let pagesBefore = try await sqliteStore?.pagesWritten()
let cpuBefore = CPUTime.now()
let start = now()
for deal in dealIDs {
    let began = now()
    _ = try await exchange.confirmPayment(deal, reference: "回单-\(deal)", actor: desk)
    latencies.append(now() - began)
}
let seconds = Double(now() - start) / 1e9
let cpu = CPUTime.now() - cpuBefore
var pagesPerSettlement: Double?
if let sqliteStore, let pagesBefore {
    pagesPerSettlement = Double(try await sqliteStore.pagesWritten() - pagesBefore) / Double(deals)
}
let sorted = latencies.sorted()
let p50 = Double(sorted[sorted.count / 2]) / 1e6
let p99 = Double(sorted[min(sorted.count - 1, sorted.count * 99 / 100)]) / 1e6

let baselineRate = Double(deals) / baselineSeconds
let rate = Double(deals) / seconds
print(
    "deals settled on \(postgres == nil ? "SQLite" : "PostgreSQL"): \(deals) (each: 土地经营权 registration + settlement entry + projections + checkpoint, one transaction)"
)
// The registry runs in this process, on the allocator it runs on in `rights`.
print("allocator: jemalloc \(Allocator.version ?? "not in use")")
print(String(format: "baseline: fsync'd single-row commits  %8.0f /s", baselineRate))
print(String(format: "settlements                           %8.0f /s   p50 %.2f ms  p99 %.2f ms", rate, p50, p99))
print(String(format: "ratio settlement/baseline: %.2f (target ≥ 0.5)", rate / baselineRate))
// Where the time goes: the CPU of this process (the registry) and of the local PostgreSQL cluster
// per settlement, and how much of the machine stood idle (the rest is waiting: disk and round trips).
let perSettlement = { (seconds: Double) in seconds / Double(deals) * 1e6 }
print(
    String(format: "CPU per settlement: registry %.0f µs", perSettlement(cpu.process))
        + (postgres == nil ? "" : String(format: ", PostgreSQL %.0f µs", perSettlement(cpu.database)))
        + String(format: "; machine idle %.0f %%", 100 * cpu.machineIdle / max(cpu.machineBusy + cpu.machineIdle, 1e-9))
)

// MARK: The engine's own rate for commits of as many pages (SQLite)

// A settlement's commit writes its entries, the rows it changes and each index entry they move:
// about twenty pages where the baseline's commit writes one. The engine's own cost for that is
// measured here: fsync'd commits that each append one row to each of K tables, K chosen so a
// commit writes as many pages as a settlement's did.
let floorPath = workdir + "/floor-\(UUID().uuidString).sqlite"
if let pagesPerSettlement {
    let pool = try DatabasePool(path: floorPath)
    try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
    var tables = max(1, Int(pagesPerSettlement.rounded()))
    try pool.write { db in
        for table in 0..<64 {
            try db.execute(sql: "CREATE TABLE t\(table) (id INTEGER PRIMARY KEY, doc TEXT NOT NULL)")
        }
    }
    var row = 0
    /// `commits` commits of one row into each of the first `tables` tables: seconds, pages per commit.
    func commits(_ commits: Int) throws -> (seconds: Double, pages: Double) {
        let pagesBefore = pool.writeWithoutTransaction { db in pagesWritten(db) }
        let began = now()
        for _ in 0..<commits {
            row += 1
            try pool.write { db in
                for table in 0..<tables {
                    try db.execute(
                        sql: "INSERT INTO t\(table) (id, doc) VALUES (?, ?)",
                        arguments: [row, String(repeating: "x", count: 300)])
                }
            }
        }
        let seconds = Double(now() - began) / 1e9
        let pages = pool.writeWithoutTransaction { db in pagesWritten(db) } - pagesBefore
        return (seconds, Double(pages) / Double(commits))
    }
    // Calibrate K once: a table's rows fill pages, so some commits also write a new page.
    let trial = try commits(100)
    tables = min(64, max(1, Int((Double(tables) * pagesPerSettlement / trial.pages).rounded())))
    let floor = try commits(deals)
    let floorRate = Double(deals) / floor.seconds
    print(
        String(
            format: "engine floor: fsync'd commits of %.1f pages (one row into each of %d tables) %8.0f /s",
            floor.pages,
            tables, floorRate))
    print(
        String(
            format: "pages per settlement %.1f; settlement/floor %.2f; floor/baseline %.2f (the most the ratio can be)",
            pagesPerSettlement, rate / floorRate, floorRate / baselineRate))
}

for file in [baselinePath, path, countyFile, floorPath] {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) }
}
