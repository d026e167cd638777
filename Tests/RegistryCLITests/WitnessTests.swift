import Foundation
import RegistryTestSupport
import RightsRegistry
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Issue 14: witnesses (C2SP tlog-witness, tlog-cosignature) as separate processes on 127.0.0.1.
extension BinaryTests {
    /// A witness process with its key and state in `directory`.
    struct WitnessProcess {
        let name: String
        let vkey: String
        let directory: String
        var server: ServerProcess?

        init(_ name: String, in directory: String) async throws {
            self.name = name
            self.directory = directory
            let (status, out, err) = try await BinaryTests.run(
                ["witness", "init", "--name", name, "--key", "\(name.replacingOccurrences(of: "/", with: "_")).key"],
                in: directory)
            #expect(status == 0, "\(err)")
            vkey = out.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        var file: String { name.replacingOccurrences(of: "/", with: "_") }

        /// Starts it following `log`, on `port` (0 the first time; the same port to come back).
        mutating func start(following log: String, port: Int = 0) async throws {
            server = try await ServerProcess.start(
                [
                    "witness", "serve", "--name", name, "--key", file + ".key", "--state", file + ".state",
                    "--log", log, "--port", String(port),
                ], in: directory, environment: [:])
        }

        var port: Int { Int(server?.url.split(separator: ":").last ?? "0") ?? 0 }
    }

    static func pythonHas(_ module: String) -> Bool { python("import \(module)", []) == 0 }

    static func python(_ script: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Waits until the registry says its latest checkpoint is cosigned by `count` witnesses.
    static func cosigned(_ url: String, by count: Int, seconds: Double = 20) async -> JSONValue? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let status = await Call.get(url + "/v1/log/witnesses")
            if let json = try? JSONParser.parse(status.body), json["latest_cosigned_by"]?.integerValue == Int64(count),
                json["latest_size"] == json["latest_cosigned_size"]
            {
                return json
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    @Test(
        "issue 14: two witness processes cosign the registry's checkpoints; a forked checkpoint is refused; a certificate passes --quorum 2 with both and fails with one; writes go on while the witnesses are down and are cosigned when they return"
    )
    func witnesses() async throws {
        let served = try await ServedRegistry(.sqliteFile)
        let directory = served.temporary.path
        let logKey = try await served.rights("log", "key").out.trimmingCharacters(in: .whitespacesAndNewlines)
        var first = try await WitnessProcess("witness.zj.example/1", in: directory)
        var second = try await WitnessProcess("witness.jx.example/2", in: directory)
        try await first.start(following: logKey)
        try await second.start(following: logKey)
        // Whatever happens, no process outlives the test.
        var started = [first.server?.process, second.server?.process].compactMap { $0 }
        defer { for process in started where process.isRunning { process.terminate() } }
        let clerk = try await served.rights("token", "issue", "--role", "clerk", "--name", "王芳", "--scope", "330424")
            .out.trimmingCharacters(in: .whitespacesAndNewlines)
        let registry = try await served.serve([
            "--witness", "http://127.0.0.1:\(first.port)=\(first.vkey)",
            "--witness", "http://127.0.0.1:\(second.port)=\(second.vkey)",
        ])
        started.append(registry.process)

        // Both cosign; the published checkpoint carries both cosignatures, and so does what a
        // bank's next search answers with.
        #expect(
            await Call.post(registry.url + "/v1/collateral/searches", token: served.bank, body: ServedRegistry.search)
                .status == 201)
        _ = try #require(await Self.cosigned(registry.url, by: 2), "both witnesses cosign the latest checkpoint")
        let search = await Call.post(
            registry.url + "/v1/collateral/searches", token: served.bank, body: ServedRegistry.search)
        let carried = try JSONParser.parse(search.body)["checkpoint"]?.stringValue ?? ""
        #expect(
            carried.contains("— witness.zj.example/1 ") && carried.contains("— witness.jx.example/2 "), "\(search.body)"
        )
        let both = try #require(await Self.cosigned(registry.url, by: 2), "and the search's checkpoint too")
        let note = await Call.get(registry.url + "/v1/log/checkpoint").body
        #expect(note.contains("— witness.zj.example/1 ") && note.contains("— witness.jx.example/2 "))
        #expect(both["witnesses"]?.arrayValue?.count == 2)
        // An independent checker (tlog-scales, python cryptography) verifies both cosignatures.
        if Self.pythonHas("tlog_scales") {
            let script = """
                import sys
                from tlog_scales.tlog import Checkpoint
                from tlog_scales.signing import Vkey, VkeySet
                cp = Checkpoint.from_text(open(sys.argv[1]).read())
                valid = VkeySet(*[Vkey.from_string(k) for k in sys.argv[2:]]).verify(cp.signatures, cp)
                sys.exit(0 if len(valid) == len(sys.argv) - 2 else 1)
                """
            try note.write(toFile: directory + "/checkpoint.txt", atomically: true, encoding: .utf8)
            #expect(Self.python(script, [directory + "/checkpoint.txt", logKey, first.vkey, second.vkey]) == 0)
        }

        // A certificate exported now carries the cosigned checkpoint: quorum 2 passes offline.
        let right = "330424100200000002J"
        let certificate = await Call.get(registry.url + "/v1/rights/\(right)/certificate?proof=true", token: clerk)
        #expect(certificate.status == 200, "\(certificate.body)")
        try certificate.body.write(toFile: directory + "/cosigned.txt", atomically: true, encoding: .utf8)
        let quorum = try await served.rights(
            "certificate", "verify", "cosigned.txt", "--witness", first.vkey, "--witness", second.vkey, "--quorum", "2")
        #expect(quorum.status == 0, "\(quorum.out) \(quorum.err)")

        // A forked checkpoint — the registry's key, the witness's size, another root — is refused.
        let keys = try KeyRing.load(from: directory + "/keys")
        let witnessed = try #require(UInt64(both["latest_size"]?.integerValue ?? 0))
        let fork = Checkpoint(
            origin: keys.origin, size: witnessed + 1, root: TreeHash(bytes: [UInt8](repeating: 9, count: 32))!)
        let forged = AddCheckpoint(
            oldSize: witnessed, proof: [TreeHash(bytes: [UInt8](repeating: 1, count: 32))!],
            checkpoint: try fork.signed(by: keys.checkpointKey))
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(first.port)/add-checkpoint")!)
        request.httpMethod = "POST"
        request.httpBody = Data(forged.body.utf8)
        let refused = await Call.send(request)
        #expect(refused.status == 422, "\(refused.status) \(refused.body)")
        let sameSize = AddCheckpoint(
            oldSize: witnessed, proof: [],
            checkpoint: try Checkpoint(origin: keys.origin, size: witnessed, root: fork.root).signed(
                by: keys.checkpointKey))
        request.httpBody = Data(sameSize.body.utf8)
        let conflict = await Call.send(request)
        #expect(conflict.status == 409 && conflict.headers["content-type"] == "text/x.tlog.size", "\(conflict.status)")
        #expect(conflict.body.trimmingCharacters(in: .whitespacesAndNewlines) == String(witnessed))

        // One witness down: writes go on; the next checkpoint is cosigned by one; a certificate
        // proved against it fails a quorum of two.
        try await second.server?.stop()
        #expect(
            await Call.post(registry.url + "/v1/collateral/searches", token: served.bank, body: ServedRegistry.search)
                .status == 201)
        _ = try #require(await Self.cosigned(registry.url, by: 1), "the remaining witness cosigns")
        let single = await Call.get(registry.url + "/v1/rights/\(right)/certificate?proof=true", token: clerk)
        try single.body.write(toFile: directory + "/single.txt", atomically: true, encoding: .utf8)
        let short = try await served.rights(
            "certificate", "verify", "single.txt", "--witness", first.vkey, "--witness", second.vkey, "--quorum", "2")
        #expect(short.status == 1, "\(short.out)")
        #expect(short.out.contains("witness quorum"))

        // Both down: the registry still takes writes; when they return, it catches up.
        let port1 = first.port
        let port2 = second.port
        try await first.server?.stop()
        for _ in 0..<3 {
            #expect(
                await Call.post(
                    registry.url + "/v1/collateral/searches", token: served.bank, body: ServedRegistry.search
                ).status == 201)
        }
        try await first.start(following: logKey, port: port1)
        try await second.start(following: logKey, port: port2)
        started += [first.server?.process, second.server?.process].compactMap { $0 }
        let caughtUp = try #require(
            await Self.cosigned(registry.url, by: 2, seconds: 30), "cosigned again once the witnesses return")
        #expect(caughtUp["latest_size"]?.integerValue ?? 0 > Int64(witnessed) + 3)
        try await registry.stop()
        try await first.server?.stop()
        try await second.server?.stop()
    }
}
