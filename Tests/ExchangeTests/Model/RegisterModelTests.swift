import Exchange
import Foundation
import RegistryTestSupport
import RightsRegistry
import Testing

/// The register's invariants, proved over random sequences of everyday acts rather than over
/// examples: transfers whole and partial, leases and 再流转, joint and pending mortgages and their
/// releases, seizures, objections and suits, advance notices, share transfers, swaps,
/// cancellations, terminations, 延包, members leaving, households dividing, inheritance, exchange
/// sales and foreclosures, paid withdrawals, and time passing by days to years — on the tests'
/// store (SQLite in memory, and PostgreSQL on the second pass of `scripts/test.sh`).
///
/// `RIGHTS_MODEL_SEEDS` (comma-separated, or `random`) and `RIGHTS_MODEL_ACTS` choose other runs.
@Suite("Model: random acts keep the register true")
struct RegisterModelTests {
    static let seeds: [UInt64] = {
        let text = ProcessInfo.processInfo.environment["RIGHTS_MODEL_SEEDS"] ?? "20261125,7,1999,424"
        if text == "random" { return [UInt64.random(in: 1...UInt64.max)] }
        return text.split(separator: ",").compactMap { UInt64($0.trimmingCharacters(in: .whitespaces)) }
    }()
    static let acts = Int(ProcessInfo.processInfo.environment["RIGHTS_MODEL_ACTS"] ?? "") ?? 300

    /// Whether `value`'s canonical bytes (streamed where it can be) are the reference writer's
    /// canonical form of the tree encoder's document.
    static func bothWays(_ value: some Encodable) throws -> Bool {
        try JSONValueEncoder().canonicalBytes(value) == CanonicalJSON.bytes(try JSONValueEncoder().encode(value))
    }

    @Test(
        "after every act: refusals write nothing, invariants hold, mortgages end only by release, payment or foreclosure, shares are conserved; the log audits",
        .timeLimit(.minutes(10)), arguments: seeds)
    func invariantsHold(seed: UInt64) async throws {
        let script = ModelScript.generate(seed: seed, count: Self.acts)
        let run = try await ModelRun(store: try await TestStore.default.make(ProductSchema.migrations))
        if let failure = try await run.run(script.acts) {
            FileHandle.standardError.write(Data("seed \(seed): \(failure); shrinking…\n".utf8))
            let failing = Array(script.acts.prefix(failure.step + 1))
            let shortest = try await ModelRun.shrink(failing)
            let replay = try await ModelRun(store: try await TestStore.sqliteMemory.make(ProductSchema.migrations))
            let again = try await replay.run(shortest, auditEvery: .max)
            Issue.record(
                """
                seed \(seed): \(failure)
                shortest sequence that fails (\(shortest.count) of \(failing.count) acts: \(shortest.map(\.description).joined(separator: ", "))) — \(again?.description ?? "passes alone")
                \(replay.transcript.joined(separator: "\n"))
                """)
            return
        }
        if ProcessInfo.processInfo.environment["RIGHTS_MODEL_TRANSCRIPT"] != nil {
            print(
                "seed \(seed): \(run.accepted) accepted, \(run.refused) refused\n"
                    + run.transcript.joined(separator: "\n"))
        }
        // Every event the run logged is written by the streaming encoder as by the tree encoder,
        // and so is every right it left (issue 16: the two ways must never differ).
        let entries = try await run.t.store.entries(0..<(try await run.t.store.size()))
        for entry in entries {
            let event = try ProductSchema.catalog.event(of: entry)
            #expect(try Self.bothWays(event), "seed \(seed): entry \(entry.index) (\(entry.kind))")
        }
        for right in try await run.t.reads.rights(RightQuery()) {
            #expect(try Self.bothWays(right), "seed \(seed): right \(right.id.rawValue)")
        }
        // The model must exercise the register, not only be refused by it.
        #expect(run.accepted >= Self.acts / 4, "seed \(seed): \(run.accepted) acts accepted, \(run.refused) refused")
        #expect(run.refused > 0, "seed \(seed): refusals are part of the model")
    }

    @Test(
        "two processes on one register, acting in turn: the same checks after every act",
        .timeLimit(.minutes(10)), arguments: TestStore.shared, seeds.prefix(1))
    func twoProcesses(kind: TestStore, seed: UInt64) async throws {
        // Each process takes what it knows from its own last append — on PostgreSQL the
        // documents at the log's size, on SQLite the log's end (issue 16) — and every act here
        // follows one by the other process.
        let location = try await kind.newLocation()
        let run = try await ModelRun(
            store: try await kind.open(location, ProductSchema.migrations),
            second: try await kind.open(location, ProductSchema.migrations))
        let failure = try await run.run(ModelScript.generate(seed: seed, count: Self.acts).acts)
        #expect(
            failure == nil,
            "seed \(seed): \(failure?.description ?? "")\n\(run.transcript.suffix(20).joined(separator: "\n"))")
        #expect(run.accepted >= Self.acts / 4, "seed \(seed): \(run.accepted) acts accepted, \(run.refused) refused")
    }
}
