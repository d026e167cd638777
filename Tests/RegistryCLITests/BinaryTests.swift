import Foundation
import RightsRegistry
import Testing

/// The built `rights` executable, run as a separate process.
@Suite("rights binary", .serialized)
struct BinaryTests {
    /// Next to the test bundle in `.build/<configuration>/`.
    static var executable: String {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("rights")
                .path,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
                .appendingPathComponent(".build/debug/rights").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[1]
    }

    static func run(_ arguments: [String], in directory: String) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)
        )
    }

    @Test("an import killed with SIGKILL completes on re-run, with no duplicates and a log that audits")
    func killedImport() async throws {
        #expect(
            FileManager.default.isExecutableFile(atPath: Self.executable), "build the package first: \(Self.executable)"
        )
        let temporary = try TemporaryDirectory("rights-kill")
        let directory = temporary.path
        let county = SyntheticCounty(
            townships: 1, villagesPerTownship: 8, householdsPerVillage: 400, parcelsPerHousehold: 3)
        var text = ""
        county.lines { text += $0 + "\n" }
        try text.write(toFile: directory + "/county.jsonl", atomically: true, encoding: .utf8)
        let total = UInt64(8 * (1 + 400 * 4))
        #expect(try Self.run(["init"], in: directory).0 == 0)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = ["import", "county.jsonl", "--batch-size", "100"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until some batches are committed, then kill it without warning.
        let store = try SQLiteRegistryStore(path: directory + "/registry.sqlite")
        var committed: UInt64 = 0
        for _ in 0..<600 where committed == 0 {
            try await Task.sleep(for: .milliseconds(20))
            committed = try await store.size()
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the import finished before it could be killed")
        let atKill = try await store.size()
        #expect(atKill > 0 && atKill < total)

        let (status, stdout, stderr) = try Self.run(["import", "county.jsonl"], in: directory)
        #expect(status == 0, "\(stderr)")
        #expect(stdout.contains("skipped \(atKill) already on the register"))
        #expect(try await store.size() == total)
        #expect(try await store.count(Household.table, where: []) == 8 * 400)
        #expect(try await store.count(Right.table, where: [.equals("kind", "collective-share")]) == 8 * 400)
        #expect(try await store.count(ParcelClaim.table, where: []) == 8 * 400 * 3)
        let (auditStatus, auditOut, _) = try Self.run(["audit"], in: directory)
        #expect(auditStatus == 0)
        #expect(auditOut.hasPrefix("audit passed: \(total) entries"))
    }
}
