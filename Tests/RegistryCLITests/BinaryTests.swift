import Exchange
import Foundation
import RegistryTestSupport
import RightsRegistry
import Synchronization
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

    /// Runs the `rights` binary to its end. The wait happens on a thread of its own: a test that
    /// blocked one of the two cooperative threads for a whole import or server run starved the
    /// other tests running beside it (time limits exceeded under the full suite's load).
    static func run(_ arguments: [String], in directory: String, environment: [String: String] = [:]) async throws
        -> (Int32, String, String)
    {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(
                    with: Result { try runBlocking(arguments, in: directory, environment: environment) })
            }.start()
        }
    }

    /// No command a test runs takes this long: one still running is stopped, and its test fails
    /// with what it printed, instead of the whole run waiting for it.
    static let commandLimit: Duration = .seconds(600)

    private static func runBlocking(_ arguments: [String], in directory: String, environment: [String: String])
        throws -> (Int32, String, String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let pid = process.processIdentifier
        let overrun = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(
            deadline: .now() + .seconds(Int(commandLimit.components.seconds)), execute: overrun)
        // Both pipes are drained at once: a child filling one while we wait for the other's end
        // would never exit.
        let errors = Captured.Drain(err)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        var stderr = String(decoding: errors.wait(), as: UTF8.self)
        process.waitUntilExit()
        overrun.cancel()
        if process.terminationReason == .uncaughtSignal, process.terminationStatus == SIGKILL {
            stderr += "\n[rights \(arguments.joined(separator: " ")): killed, still running after \(commandLimit)]"
        }
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), stderr)
    }

    @Test(
        "an import killed with SIGKILL completes on re-run, with no duplicates and a log that audits",
        arguments: TestStore.shared)
    func killedImport(_ kind: TestStore) async throws {
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
        let db = try await kind.newLocation()
        let environment = ["RIGHTS_DB": db]
        #expect(try await Self.run(["init"], in: directory, environment: environment).0 == 0)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = ["import", "county.jsonl", "--batch-size", "100"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until some batches are committed, then kill it without warning.
        let store = try await kind.open(db, ProductSchema.migrations)
        var committed: UInt64 = 0
        for _ in 0..<600 where committed == 0 {
            try await Task.sleep(for: .milliseconds(20))
            committed = try await store.size()
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the import finished before it could be killed")
        // A database server may still finish a COMMIT the client sent just before it died:
        // read the size once it has settled.
        var atKill = try await store.size()
        while true {
            try await Task.sleep(for: .milliseconds(200))
            let settled = try await store.size()
            if settled == atKill { break }
            atKill = settled
        }
        #expect(atKill > 0 && atKill < total)

        let (status, stdout, stderr) = try await Self.run(
            ["import", "county.jsonl"], in: directory, environment: environment)
        #expect(status == 0, "\(stderr)")
        #expect(stdout.contains("skipped \(atKill) already on the register"))
        #expect(try await store.size() == total)
        #expect(try await store.count(Household.table, where: []) == 8 * 400)
        #expect(try await store.count(Right.table, where: [.equals("kind", "collective-share")]) == 8 * 400)
        #expect(try await store.count(ParcelClaim.table, where: []) == 8 * 400 * 3)
        let (auditStatus, auditOut, _) = try await Self.run(["audit"], in: directory, environment: environment)
        #expect(auditStatus == 0)
        #expect(auditOut.hasPrefix("audit passed: \(total) entries"))
    }

    @Test(
        "rights serve --demo on port 0: tokens printed once, routes answer, logs hold no token or ID number, SIGTERM stops it cleanly"
    )
    func serve() async throws {
        let temporary = try TemporaryDirectory("rights-serve")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = ["serve", "--demo", "--port", "0"]
        process.currentDirectoryURL = URL(fileURLWithPath: temporary.path)
        let output = Captured()
        let errors = Captured()
        process.standardOutput = output.pipe
        process.standardError = errors.pipe
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        var base: String?
        for _ in 0..<600 where base == nil {
            try await Task.sleep(for: .milliseconds(100))
            base = output.text.split(separator: "\n").first { $0.hasPrefix("Serving registry") }
                .flatMap { $0.split(separator: " ").last.map(String.init) }
        }
        let url = try #require(base, "the server did not start: \(errors.text)")
        let tokens = Dictionary(
            uniqueKeysWithValues: output.text.split(separator: "\n").compactMap { line -> (String, String)? in
                guard let range = line.range(of: "export ") else { return nil }
                let pair = line[range.upperBound...].split(separator: "=", maxSplits: 1)
                return pair.count == 2 ? (String(pair[0]), String(pair[1])) : nil
            })
        #expect(Set(tokens.keys) == ["ADMIN_TOKEN", "CLERK_TOKEN", "EXCHANGE_TOKEN", "AGENT_TOKEN", "BANK_TOKEN"])
        let clerk = try #require(tokens["CLERK_TOKEN"])

        func get(_ path: String, token: String? = nil) async throws -> (Int, String) {
            let call = await Call.get(url + path, token: token)
            return (call.status, call.body)
        }
        #expect(try await get("/healthz").0 == 200)
        let holder = DemoCounty.county.citizenID(3).rawValue
        let right = try await get("/v1/rights/330424100200000002J", token: clerk)
        #expect(right.0 == 200)
        #expect(right.1.contains(holder))
        #expect(try await get("/v1/rights?holder=person:\(holder)", token: clerk).0 == 200)
        #expect(try await get("/v1/rights/330424100200000002J").0 == 401)

        // A token issued by the CLI while the server runs is good at once; only its hash is kept.
        let (status, issued, _) = try await Self.run(
            ["token", "issue", "--role", "bank", "--name", "测试银行", "--party", "91330424MA2B1234XJ"],
            in: temporary.path)
        #expect(status == 0)
        let bank = issued.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(bank.hasPrefix("rr_"))
        #expect(try await get("/v1/events", token: bank).0 == 200)
        for file in ["registry.sqlite", "registry.sqlite-wal"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: temporary.path + "/" + file))) ?? Data()
            #expect(bytes.range(of: Data(bank.utf8)) == nil, "the token itself is in \(file)")
        }

        kill(process.processIdentifier, SIGTERM)
        for _ in 0..<100 where process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!process.isRunning, "SIGTERM did not stop the server")
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)

        let log = errors.text
        #expect(log.contains("route=/v1/rights/{id}"))
        #expect(log.contains("caller=clerk:"))
        #expect(!log.contains(holder), "a full ID number in the request log")
        for token in tokens.values + [bank] { #expect(!log.contains(token), "a token in the request log") }
    }
}

extension BinaryTests {
    @Test(
        "two servers on one database, writing at once, leave a gapless log that audits, every checkpoint included",
        arguments: TestStore.shared)
    func twoServers(_ kind: TestStore) async throws {
        let temporary = try TemporaryDirectory("rights-two")
        let environment = ["RIGHTS_DB": try await kind.newLocation()]
        func rights(_ arguments: String...) async throws -> String {
            let (status, out, err) = try await Self.run(arguments, in: temporary.path, environment: environment)
            #expect(status == 0, "rights \(arguments.joined(separator: " ")): \(err)")
            return out.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        _ = try await rights("init")
        _ = try await rights("demo")
        let bank = try await rights(
            "token", "issue", "--role", "bank", "--name", "测试银行", "--party", "91330424MA2B1234XJ")
        let before = try await JSONParser.parse(try rights("audit", "--json"))["size"]?.integerValue ?? -1

        let servers = try await [
            ServerProcess.start(["serve", "--port", "0"], in: temporary.path, environment: environment),
            ServerProcess.start(["serve", "--port", "0"], in: temporary.path, environment: environment),
        ]
        let perServer = 30
        let body = Data(
            CanonicalJSON.string([
                "right_id": "330424100200000002J", "holder_id_number": .string(DemoCounty.county.citizenID(3).rawValue),
                "purpose": "抵押贷款贷前调查",
            ]).utf8)
        let created = await withTaskGroup(of: Int.self) { group in
            for server in servers {
                for _ in 0..<perServer {
                    group.addTask {
                        let call = await Call.post(server.url + "/v1/collateral/searches", token: bank, body: body)
                        return call.status == 201 ? 1 : 0
                    }
                }
            }
            return await group.reduce(0, +)
        }
        for server in servers { try await server.stop() }
        #expect(created == 2 * perServer, "every search was answered 201")

        let audit = try await JSONParser.parse(try rights("audit", "--json"))
        #expect(audit["ok"] == true, "\(audit)")
        #expect(audit["size"]?.integerValue == before + Int64(created), "one entry per search, none lost, none doubled")
    }
}

/// A `rights serve` child process and the address it listens on.
struct ServerProcess {
    let process: Process
    let url: String
    let errors: Captured

    /// Starts `rights` with `arguments`; with `shell`, through `/bin/sh` running that first
    /// (`ulimit -Sn 1024`, say).
    static func start(
        _ arguments: [String], in directory: String, environment: [String: String], shell: String? = nil
    ) async throws -> ServerProcess {
        let process = Process()
        if let shell {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", shell + " && exec \"$0\" \"$@\"", BinaryTests.executable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: BinaryTests.executable)
            process.arguments = arguments
        }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let output = Captured()
        let errors = Captured()
        process.standardOutput = output.pipe
        process.standardError = errors.pipe
        try process.run()
        var url: String?
        for _ in 0..<600 where url == nil && process.isRunning {
            try await Task.sleep(for: .milliseconds(50))
            url = output.text.split(separator: "\n").first { $0.hasPrefix("Serving ") }
                .flatMap { $0.split(separator: " ").last.map(String.init) }
        }
        guard let url else {
            if process.isRunning { process.terminate() }
            throw RegistryError.unavailable("the server did not start: \(errors.text)")
        }
        return ServerProcess(process: process, url: url, errors: errors)
    }

    /// SIGTERM, then waits (at most 10 s) for a clean exit; a server still running after that is
    /// killed, so that it holds no port, file or lock for the tests after it.
    func stop() async throws {
        process.terminate()
        for _ in 0..<100 where process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        let stopped = !process.isRunning
        if !stopped { kill(process.processIdentifier, SIGKILL) }
        #expect(stopped && process.terminationStatus == 0, "the server did not stop cleanly within 10 s")
    }
}

/// A child process's output, collected as it comes.
final class Captured: Sendable {
    let pipe = Pipe()
    private let buffer = Mutex(Data())

    init() {
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            self?.buffer.withLock { $0.append(data) }
        }
    }

    var text: String { buffer.withLock { String(decoding: $0, as: UTF8.self) } }

    /// A pipe read to its end on a thread of its own.
    final class Drain: Sendable {
        private let data = Mutex(Data())
        private let done = DispatchSemaphore(value: 0)

        init(_ pipe: Pipe) {
            let handle = pipe.fileHandleForReading
            Thread { [self] in
                let read = handle.readDataToEndOfFile()
                data.withLock { $0 = read }
                done.signal()
            }.start()
        }

        /// Everything the pipe carried, once its writer has closed it.
        func wait() -> Data {
            done.wait()
            return data.withLock { $0 }
        }
    }
}
