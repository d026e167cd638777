import Foundation
import RegistryTestSupport
import Testing

@testable import RightsRegistry

@Suite("Import")
struct ImportTests {
    func countyLines(_ county: SyntheticCounty) -> [String] {
        var lines: [String] = []
        county.lines { lines.append($0) }
        return lines
    }

    @Test("a county file registers every record as one log entry, confirmed")
    func validFile() async throws {
        let county = SyntheticCounty(townships: 2, villagesPerTownship: 2, householdsPerVillage: 5)
        let t = try await TestRegistry(county: nil)
        let file = try TemporaryFile(lines: county)
        let summary = try await Importer(registry: t.registry, actor: "import:county.jsonl", batchSize: 7).run(
            file.path)
        #expect(summary.problems.isEmpty)
        #expect(
            summary.registered == ["collective": 4, "household": 20, "contract-land": 20, "homestead": 20, "share": 20])
        #expect(summary.entries == 84)
        #expect(try await t.store.size() == 84)
        #expect(try await t.store.count(ParcelClaim.table, where: []) == 60)
        #expect(try await t.store.count(Membership.table, where: []) == 60)
        let current = try await t.reads.rights(RightQuery(status: .current(on: t.registry.today)))
        #expect(current.count == 60)
        #expect(current.allSatisfy { $0.origin == .imported })
    }

    @Test(
        "an import into an empty register works out each batch's rows beside the append of the one before: they equal the log's replay"
    )
    func projectedAhead() async throws {
        // Batches of 5 lines: a household's right lines fall in the batch after its own line,
        // whose rows are still being written when that batch's rows are worked out.
        let county = SyntheticCounty(townships: 1, villagesPerTownship: 3, householdsPerVillage: 7)
        let t = try await TestRegistry(county: nil)
        let file = try TemporaryFile(lines: county)
        // The first batch's append waits for the write lock, held here until the second batch
        // has been worked out: over rows not yet committed.
        let (holding, release) = (StopFlag(), StopFlag())
        let registry = t.registry
        let holder = Task {
            try await registry.writeLock.withLock {
                holding.set()
                while !release.isSet { try await Task.sleep(for: .milliseconds(5)) }
            }
        }
        while !holding.isSet { try await Task.sleep(for: .milliseconds(5)) }
        let appending = StopFlag()
        let importer = Importer(registry: registry, actor: "import:test", batchSize: 5)
        let run = Task { try await importer.run(file.path) { if $0.phase == .writing { appending.set() } } }
        while !appending.isSet { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(300))
        release.set()
        try await holder.value
        let summary = try await run.value
        #expect(summary.problems.isEmpty && summary.entries == countyLines(county).count)
        let imported = try await t.snapshot()
        #expect(imported["households"]?.count == 21 && imported["rights"]?.count == 63)
        // Rows only the batches before the one being written can have written are asked for:
        // the others are new (`WrittenKeys`), and there are far more of those.
        if let sqlite = t.store as? SQLiteRegistryStore {
            let rows = imported.values.reduce(0) { $0 + $1.count }
            #expect(sqlite.rowsAsked * 4 < rows, "rows asked: \(sqlite.rowsAsked) of \(rows) written")
        }
        // The same log applied entry by entry inside each append, as a rebuild does.
        try await Maintenance(store: t.store, catalog: .registry).rebuild()
        #expect(try await t.snapshot() == imported)
        #expect(try await t.violations().isEmpty)
    }

    @Test(
        "a row written batches before the one being written is read when a later batch needs it; rows no batch wrote are not asked for"
    )
    func rowsOfEarlierBatches() async throws {
        let county = SyntheticCounty(townships: 1, villagesPerTownship: 2, householdsPerVillage: 10)
        let all = countyLines(county)
        // Lines that register a right issue a certificate, which moves the certificate
        // sequence's row. The first such line stays after its household's; every other one goes
        // to the end, after the collectives and households: with batches of 5 lines, several
        // batches between leave the sequence's row alone, and the next certificate must read it
        // as that first batch wrote it.
        func certifies(_ line: String) -> Bool {
            ["contract-land", "homestead", "share"].contains { line.contains(#""type":"\#($0)""#) }
        }
        let others = all.filter { !certifies($0) }
        let certified = all.filter(certifies)
        let firstHousehold = try #require(others.firstIndex { $0.contains(#""type":"household""#) })
        let lines =
            others[...firstHousehold] + [certified[0]] + others[(firstHousehold + 1)...] + certified.dropFirst()
        #expect(others.count - firstHousehold > 15)
        let t = try await TestRegistry(county: nil)
        let file = try TemporaryFile(contents: lines.joined(separator: "\n") + "\n")
        let summary = try await Importer(registry: t.registry, actor: "import:test", batchSize: 5).run(file.path)
        #expect(summary.problems.isEmpty && summary.entries == lines.count)
        let imported = try await t.snapshot()
        #expect(imported["certificates"]?.count == certified.count)
        if let sqlite = t.store as? SQLiteRegistryStore {
            let rows = imported.values.reduce(0) { $0 + $1.count }
            #expect(sqlite.rowsAsked > 0 && sqlite.rowsAsked * 4 < rows, "rows asked: \(sqlite.rowsAsked) of \(rows)")
        }
        try await Maintenance(store: t.store, catalog: .registry).rebuild()
        #expect(try await t.snapshot() == imported)
        #expect(try await t.violations().isEmpty)
    }

    @Test("every bad line is reported with its number, field and reason, and nothing is written")
    func badLines() async throws {
        let t = try await TestRegistry(county: nil)
        var lines = countyLines(SyntheticCounty(householdsPerVillage: 3))
        let household = lines[1]
        lines[1] = household.replacingOccurrences(of: #""id_number":""#, with: #""id_number":"1"#)  // 19 characters
        lines[2] = lines[2].replacingOccurrences(of: #""area_m2":""#, with: #""area_m2":"9.999"#)
        lines.append(
            #"{"type":"homestead","household":"330424100200000099","unit_code":"330424100200JC00099F00010099","location":"x","plot_area_m2":"100"}"#
        )
        lines.append(
            #"{"type":"share","collective":"33042410020000","holder":{"id_number":"110105194912310021"},"shares":0,"class":""}"#
        )
        lines.append(#"{"type":"farm"}"#)
        lines.append("{not json")
        lines.append(lines[7])  // the homestead of household 2 again
        lines.append(
            #"{"type":"collective","code":"33042410020000","name":"x","uscc":"91350100M000100Y43","region":"330424100201"}"#
        )
        lines.append(
            #"{"type":"collective","code":"33042410020100","name":"x","uscc":"91350100M000100Y43","region":"330424100201","extra":1}"#
        )
        let file = try TemporaryFile(contents: lines.joined(separator: "\n") + "\n")

        let summary = try await Importer(registry: t.registry, actor: "import:test").check(file.path)
        let byLine = Dictionary(grouping: summary.problems, by: \.line)
        let n = lines.count
        #expect(byLine[2]?.contains { $0.field == "head.id_number" && $0.reason.contains("18 characters") } == true)
        #expect(byLine[3]?.contains { $0.field == "parcels[0].area_m2" && $0.reason.contains("two decimals") } == true)
        #expect(
            byLine[n - 6]?.contains { $0.field == "household" && $0.reason.contains("neither on an earlier line") }
                == true)
        #expect(byLine[n - 5]?.contains { $0.field == "holder.id_number" } == true)
        #expect(byLine[n - 5]?.contains { $0.field == "shares" } == true)
        #expect(byLine[n - 5]?.contains { $0.field == "class" } == true)
        #expect(byLine[n - 4]?.first?.field == "type")
        #expect(byLine[n - 3]?.first?.reason.contains("invalid JSON") == true)
        #expect(
            byLine[n - 2]?.contains { $0.field == "unit_code" && $0.reason.contains("already defined on line 8") }
                == true)
        #expect(byLine[n - 1]?.first?.field == "code")  // collective 33042410020000 is already on line 1
        #expect(byLine[n]?.contains { $0.field == "extra" && $0.reason == "unknown field" } == true)
        // Lines that depend on a refused household are reported too (the household was not registered).
        #expect(byLine[4]?.first?.reason.contains("neither on an earlier line") == true)
        #expect(summary.problems.first?.description.hasPrefix("line 2: head.id_number: ") == true)

        let run = try await Importer(registry: t.registry, actor: "import:test").run(file.path)
        #expect(run.problems == summary.problems)
        #expect(try await t.store.size() == 0)
    }

    @Test("--check writes nothing even for a valid file")
    func checkOnly() async throws {
        let t = try await TestRegistry(county: nil)
        let file = try TemporaryFile(lines: SyntheticCounty(householdsPerVillage: 2))
        let summary = try await Importer(registry: t.registry, actor: "import:test").check(file.path)
        #expect(summary.problems.isEmpty)
        #expect(summary.registeredCount == 2 * (1 + 4 * 2))
        #expect(try await t.store.size() == 0)
    }

    @Test("a run interrupted after some batches is completed by running it again, without duplicates")
    func resume() async throws {
        let county = SyntheticCounty(householdsPerVillage: 6)
        let lines = countyLines(county)
        let t = try await TestRegistry(county: nil)
        // The first run stopped after 13 lines had been committed.
        let partial = try TemporaryFile(contents: lines.prefix(13).joined(separator: "\n"))
        _ = try await Importer(registry: t.registry, actor: "import:test", batchSize: 5).run(partial.path)
        #expect(try await t.store.size() == 13)

        let full = try TemporaryFile(contents: lines.joined(separator: "\n"))
        let check = try await Importer(registry: t.registry, actor: "import:test").check(full.path)
        #expect(check.problems.isEmpty)
        #expect(check.skippedCount == 13)
        let summary = try await Importer(registry: t.registry, actor: "import:test", batchSize: 5).run(full.path)
        #expect(summary.skippedCount == 13)
        #expect(summary.registeredCount == lines.count - 13)
        #expect(try await t.store.size() == UInt64(lines.count))
        // A third run changes nothing.
        let again = try await Importer(registry: t.registry, actor: "import:test").run(full.path)
        #expect(again.registeredCount == 0)
        #expect(try await t.store.size() == UInt64(lines.count))
        #expect(try await t.store.count(Right.table, where: [.equals("kind", "collective-share")]) == 12)

        let scratch = try TemporaryDirectory("rights-audit")
        let audit = try await Maintenance(store: t.store, catalog: .registry).audit(
            scratchPath: scratch.file("scratch.sqlite"), migrations: SQLiteSchema.registry,
            checkpointKey: t.keys.noteVerifier, on: Day("2026-11-20")!)
        #expect(audit.finding == nil)
    }

    @Test("a file may refer to codes already on the register, and may not redefine a parcel there")
    func referencesToRegister() async throws {
        let t = try await TestRegistry()
        let collective = t.collective(0).rawValue
        let head = t.county.citizenID(5_000)
        let household = collective + "0077"
        let file = try TemporaryFile(
            contents: [
                #"{"type":"household","code":"\#(household)","head":{"name":"甲","id_number":"\#(head)"}}"#,
                #"{"type":"contract-land","household":"\#(household)","contract_no":"\#(household)J","term":{"start":"2028-01-01","end":"2057-12-31"},"parcels":[{"code":"\#(t.parcel(0, 1))","location":"x","bounds":{"east":"a","south":"b","west":"c","north":"d"},"area_m2":"10","land_use":"1","basic_farmland":false}]}"#,
                #"{"type":"share","collective":"\#(collective)","holder":{"id_number":"\#(head)"},"shares":1,"class":"农龄股"}"#,
                #"{"type":"share","collective":"\#(collective)","holder":{"id_number":"\#(t.head(1, 1))"},"shares":1,"class":"农龄股"}"#,
            ].joined(separator: "\n"))
        let summary = try await Importer(registry: t.registry, actor: "import:test").check(file.path)
        #expect(summary.problems.map(\.line) == [2, 4])
        #expect(summary.problems[0].reason.contains("already registered in \(t.contract(0, 1))"))
        #expect(summary.problems[1].reason.hasPrefix("S-14"))
    }
}

extension ImportTests {
    @Test(
        "an import shares the register with another writer: contended batches are decided again and appended, the file finishes once"
    )
    func interleaved() async throws {
        let county = SyntheticCounty(townships: 1, villagesPerTownship: 2, householdsPerVillage: 60)
        let lines = countyLines(county)
        let t = try await TestRegistry(county: nil)
        let file = try TemporaryFile(contents: lines.joined(separator: "\n"))
        let importer = Importer(registry: t.registry, actor: "import:test", batchSize: 16)
        let done = StopFlag()
        // A clerk registering people all the while, as a bank's searches would.
        let registry = t.registry
        let people = (0..<20_000).map { Person(name: "外来种植户", idNumber: county.citizenID(500_000 + $0)) }
        let writer = Task {
            var written = 0
            while !done.isSet, written < people.count {
                try await registry.perform(.registerPerson(people[written]), actor: "clerk:test")
                written += 1
                await Task.yield()
            }
            return written
        }
        let summary = try await importer.run(file.path)
        done.set()
        let written = try await writer.value
        #expect(summary.problems.isEmpty)
        #expect(summary.registeredCount == lines.count && summary.entries == lines.count)
        #expect(written > 0)
        let size = try await t.store.size()
        #expect(size == UInt64(lines.count + written))
        // The writers took turns: the clerk's entries fall between the import's first and last.
        var actors: [String] = []
        for index in 0..<size { actors.append(try #require(try await t.store.entry(index)).actor) }
        let imported = actors.indices.filter { actors[$0] == "import:test" }
        let (first, last) = (try #require(imported.first), try #require(imported.last))
        let between = actors.indices.filter { actors[$0] == "clerk:test" && $0 > first && $0 < last }
        #expect(!between.isEmpty, "the import and the clerk never interleaved")
        #expect(try await t.violations().isEmpty)
        // Run again: everything is on the register, nothing is written twice.
        let again = try await importer.run(file.path)
        #expect(again.registeredCount == 0 && again.skippedCount == lines.count)
    }
}

/// Pass 1 keeps a file that fits in its budget parsed for pass 2, which otherwise reads it again
/// (issue 16); what pass 2 registers must be what pass 1 checked, whatever happens to the file in
/// between.
extension ImportTests {
    /// The log's entries, byte for byte.
    func entries(_ t: TestRegistry) async throws -> [[UInt8]] {
        try await t.store.entries(0..<t.store.size()).map(\.bytes)
    }

    @Test(
        "an import keeping its file parsed between the passes writes the log one reading it again writes, byte for byte"
    )
    func keptFile() async throws {
        let county = SyntheticCounty(townships: 1, villagesPerTownship: 3, householdsPerVillage: 9)
        let lines = countyLines(county)
        // Blank lines and CR LF line ends between the records.
        let file = try TemporaryFile(
            contents: lines.enumerated().map { $0 % 10 == 3 ? "\n \($1)\r" : $1 }.joined(separator: "\n"))
        let fileBytes = try #require(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int)
        var logs: [[[UInt8]]] = []
        // Read again; one byte over the budget (read again); kept whole.
        for kept in [0, fileBytes - 1, fileBytes] {
            let t = try await TestRegistry(county: nil)
            let summary = try await Importer(
                registry: t.registry, actor: "import:test", batchSize: 7, keptBytes: UInt64(kept)
            ).run(file.path)
            #expect(summary.problems.isEmpty)
            #expect(summary.registeredCount == lines.count, "kept \(kept)")
            logs.append(try await entries(t))
            #expect(try await t.violations().isEmpty)
        }
        #expect(logs[0].count == lines.count)
        #expect(logs.allSatisfy { $0 == logs[0] })
    }

    @Test(
        "a file changed between the passes is refused at the first changed slice read again; a file kept parsed is registered as checked"
    )
    func changedBetweenPasses() async throws {
        let county = SyntheticCounty(townships: 1, villagesPerTownship: 2, householdsPerVillage: 8)
        let lines = countyLines(county)
        let original = lines.joined(separator: "\n")
        let target = try #require(lines.lastIndex { $0.contains(#""type":"household""#) })
        #expect(target > lines.count / 2)
        // A household's head renamed (a valid line the check never saw), the file cut short, a
        // line added at its end.
        let renamed = lines.enumerated().map {
            $0 == target ? $1.replacingOccurrences(of: #""name":""#, with: #""name":"改"#) : $1
        }
        let changes = [
            renamed.joined(separator: "\n"), lines.dropLast(3).joined(separator: "\n"),
            original + "\n" + #"{"type":"collective"}"#,
        ]
        for (number, changed) in changes.enumerated() {
            for kept in [0, original.utf8.count] {
                let t = try await TestRegistry(county: nil)
                let file = try TemporaryFile(contents: original)
                var rewritten = false
                let importer = Importer(
                    registry: t.registry, actor: "import:test", batchSize: 5, keptBytes: UInt64(kept))
                let run = {
                    try await importer.run(file.path) { progress in
                        // Once the check has read the whole file.
                        if progress.phase == .checking, progress.bytes == progress.totalBytes, !rewritten {
                            try? changed.write(toFile: file.path, atomically: false, encoding: .utf8)
                            rewritten = true
                        }
                    }
                }
                if kept == 0 {
                    await #expect(throws: RegistryError.self, "change \(number)") { try await run() }
                    #expect(try await t.store.size() < UInt64(lines.count), "change \(number)")
                } else {
                    // Pass 2 takes the lines pass 1 checked, not the file as it now is.
                    let summary = try await run()
                    #expect(summary.registeredCount == lines.count, "change \(number)")
                    #expect(try await t.store.size() == UInt64(lines.count), "change \(number)")
                }
                #expect(rewritten)
                let size = try await t.store.size()
                #expect(try await !t.reads.query(Household.self, []).contains { $0.head.name.hasPrefix("改") })
                #expect(try await t.violations().isEmpty)
                // Run again on the file as it now is: checked whole, then completed.
                if number == 0 {
                    let again = try await Importer(registry: t.registry, actor: "import:test", batchSize: 5).run(
                        file.path)
                    #expect(again.problems.isEmpty)
                    #expect(try await t.store.size() == UInt64(lines.count))
                    // The renamed household is registered now, or was registered as checked
                    // (and the line is skipped: its code is on the register).
                    #expect(again.registeredCount == (kept == 0 ? lines.count - Int(size) : 0))
                    #expect(
                        try await t.reads.query(Household.self, []).contains { $0.head.name.hasPrefix("改") }
                            == (kept == 0))
                }
            }
        }
    }
}

extension ImportTests {
    @Test("an import stopped by an error reports it only once the append under way has ended")
    func stoppedAfterItsAppend() async throws {
        let county = SyntheticCounty(townships: 1, villagesPerTownship: 2, householdsPerVillage: 8)
        var lines = countyLines(county)
        let original = lines.joined(separator: "\n")
        // A change in the second slice: found while the first slice's append is under way.
        lines[6] = lines[6].replacingOccurrences(of: "1", with: "2")
        let changed = lines.joined(separator: "\n")
        #expect(changed != original)
        let t = try await TestRegistry(county: nil)
        let file = try TemporaryFile(contents: original)
        // The first append waits for the write lock, held here until a while after the check.
        let registry = t.registry
        let (holding, checked) = (StopFlag(), StopFlag())
        let holder = Task {
            try await registry.writeLock.withLock {
                holding.set()
                while !checked.isSet { try await Task.sleep(for: .milliseconds(5)) }
                try await Task.sleep(for: .milliseconds(300))
            }
        }
        while !holding.isSet { try await Task.sleep(for: .milliseconds(5)) }
        let importer = Importer(registry: registry, actor: "import:test", batchSize: 5, keptBytes: 0)
        await #expect(throws: RegistryError.self) {
            try await importer.run(file.path) { progress in
                if progress.phase == .checking, progress.bytes == progress.totalBytes, !checked.isSet {
                    try? changed.write(toFile: file.path, atomically: false, encoding: .utf8)
                    checked.set()
                }
            }
        }
        let reported = try await t.store.size()
        try await holder.value
        try await Task.sleep(for: .milliseconds(300))
        #expect(reported == 5)
        #expect(try await t.store.size() == reported)
    }
}
