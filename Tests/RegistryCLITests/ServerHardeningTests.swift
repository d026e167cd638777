import Foundation
import RegistryTestSupport
import RightsRegistry
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A registry with the demo county, a bank token, and helpers to call a running server.
struct ServedRegistry {
    let temporary: TemporaryDirectory
    let environment: [String: String]
    let bank: String

    init(_ kind: TestStore) async throws {
        temporary = try TemporaryDirectory("rights-hardening")
        environment = ["RIGHTS_DB": try await kind.newLocation()]
        var bank = ""
        for arguments in [
            ["init"], ["demo"],
            ["token", "issue", "--role", "bank", "--name", "测试银行", "--party", "91330424MA2B1234XJ"],
        ] {
            let (status, out, err) = try await BinaryTests.run(arguments, in: temporary.path, environment: environment)
            #expect(status == 0, "rights \(arguments.joined(separator: " ")): \(err)")
            bank = out.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        self.bank = bank
    }

    func rights(_ arguments: String...) async throws -> (status: Int32, out: String, err: String) {
        try await BinaryTests.run(arguments, in: temporary.path, environment: environment)
    }

    func serve(_ extra: [String] = []) async throws -> ServerProcess {
        try await ServerProcess.start(["serve", "--port", "0"] + extra, in: temporary.path, environment: environment)
    }

    /// The log's size as the audit counts it.
    func size() async throws -> Int64 {
        let (_, out, err) = try await rights("audit", "--json")
        let audit = try JSONParser.parse(out)
        #expect(audit["ok"] == true, "\(out) \(err)")
        return audit["size"]?.integerValue ?? -1
    }

    static let search = Data(
        CanonicalJSON.string([
            "right_id": "330424100200000002J", "holder_id_number": .string(DemoCounty.county.citizenID(3).rawValue),
            "purpose": "抵押贷款贷前调查",
        ]).utf8)
}

/// One HTTP call to a running server: status, body, headers.
struct Call {
    let status: Int
    let body: String
    let headers: [String: String]

    static func post(
        _ url: String, token: String?, key: String? = nil, body: Data = Data("{}".utf8), timeout: TimeInterval = 30
    ) async -> Call {
        var request = URLRequest(url: URL(string: url)!, timeoutInterval: timeout)
        request.httpMethod = "POST"
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let key { request.setValue(key, forHTTPHeaderField: "Idempotency-Key") }
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = body
        return await send(request)
    }

    static func get(_ url: String, token: String? = nil, timeout: TimeInterval = 30) async -> Call {
        var request = URLRequest(url: URL(string: url)!, timeoutInterval: timeout)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        return await send(request)
    }

    /// Status 0 when the connection failed (the server was killed, or did not answer in time).
    static func send(_ request: URLRequest) async -> Call {
        guard
            let (data, response) = try? await URLSession.shared.data(
                for: request, within: .milliseconds(Int(request.timeoutInterval * 1000))),
            let http = response as? HTTPURLResponse
        else { return Call(status: 0, body: "", headers: [:]) }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return Call(status: http.statusCode, body: String(decoding: data, as: UTF8.self), headers: headers)
    }
}

extension BinaryTests {
    @Test(
        "kill -9 with requests in flight: after a restart every retry with its Idempotency-Key completes — replayed if it committed, run if not — and each key writes once",
        arguments: TestStore.shared)
    func idempotencyAfterCrash(_ kind: TestStore) async throws {
        let served = try await ServedRegistry(kind)
        let before = try await served.size()
        let keys = (0..<48).map { "crash-\($0)" }
        let first = try await served.serve()
        let url = first.url + "/v1/collateral/searches"
        // Fire all at once and kill the server while they are being answered.
        async let answered: [Call] = withTaskGroup(of: Call.self) { group in
            for key in keys {
                group.addTask { await Call.post(url, token: served.bank, key: key, body: ServedRegistry.search) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        // Killed as soon as the first of them has committed (the log grew), not after a fixed
        // time: on a loaded machine 120 ms could pass before any commit, and then no retry
        // would be a replay and the test would prove half of what it says.
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let ready = await Call.get(first.url + "/readyz", timeout: 2)
            if let size = (try? JSONParser.parse(Array(ready.body.utf8)))?["log_size"]?.integerValue, size > before {
                break
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        kill(first.process.processIdentifier, SIGKILL)
        let cutOff = await answered.filter { $0.status == 0 }.count
        first.process.waitUntilExit()

        let second = try await served.serve()
        var replayed = 0
        for key in keys {
            let retry = await Call.post(
                second.url + "/v1/collateral/searches", token: served.bank, key: key, body: ServedRegistry.search)
            #expect(retry.status == 201, "\(key): \(retry.status) \(retry.body)")
            if retry.headers["idempotent-replayed"] == "true" { replayed += 1 }
        }
        try await second.stop()
        await #expect(try served.size() == before + Int64(keys.count), "each key wrote exactly once")
        // Not a check of luck: the kill must have cut some requests off, or the test proves nothing.
        #expect(cutOff > 0 || replayed == keys.count, "cut off \(cutOff), replayed \(replayed)")
        #expect(replayed > 0)
    }

    @Test("rights token revoke on the command line: a running server refuses the token at its next request")
    func revokeWhileServing() async throws {
        let served = try await ServedRegistry(.sqliteFile)
        let server = try await served.serve()
        defer { server.process.terminate() }
        let events = server.url + "/v1/events"
        #expect(await Call.get(events, token: served.bank).status == 200)
        let (status, out, _) = try await served.rights("token", "list", "--json")
        #expect(status == 0)
        let listed = try JSONParser.parse(out).arrayValue ?? []
        let entry = try #require(listed.first { $0["name"] == "测试银行" }, "\(out)")
        #expect(entry["last_used"]?.stringValue != nil, "last use recorded: \(entry)")
        #expect(!out.contains(served.bank))
        let id = try #require(entry["id"]?.stringValue)
        await #expect(try served.rights("token", "revoke", id).status == 0)
        let refused = await Call.get(events, token: served.bank)
        #expect(refused.status == 401, "\(refused.body)")
        let after = try await JSONParser.parse(try served.rights("token", "list", "--json").out).arrayValue ?? []
        #expect(after.first { $0["id"]?.stringValue == id }?["state"] == "revoked")
        try await server.stop()
    }
}

extension BinaryTests {
    @Test(
        "the disk fills up under the server: writes get 503 unavailable.storage with Retry-After (never 500), /readyz says so, /healthz answers, the cause is logged once; nothing acknowledged is lost"
    )
    func diskFull() async throws {
        let served = try await ServedRegistry(.sqliteFile)
        let before = try await served.size()
        let database = try #require(served.environment["RIGHTS_DB"])
        let sizes = [database, database + "-wal"].map {
            ((try? FileManager.default.attributesOfItem(atPath: $0))?[.size] as? Int) ?? 0
        }
        // A file-size limit just above today's files stands in for a full disk: the WAL cannot grow.
        let blocks = (sizes.max() ?? 0) / 512 + 1_024
        let server = try await ServerProcess.start(
            ["serve", "--port", "0"], in: served.temporary.path, environment: served.environment,
            shell: "ulimit -f \(blocks)")
        defer { server.process.terminate() }
        let url = server.url + "/v1/collateral/searches"
        var created = 0
        var refused: [Call] = []
        for _ in 0..<2_000 where refused.count < 5 {
            let call = await Call.post(url, token: served.bank, body: ServedRegistry.search)
            #expect(call.status == 201 || call.status == 503, "\(call.status) \(call.body)")
            if call.status == 201 { created += 1 } else { refused.append(call) }
        }
        #expect(refused.count == 5, "the writes never failed: the limit did not bite")
        for call in refused {
            #expect(call.body.contains("\"code\":\"unavailable.storage\""), "\(call.body)")
            #expect(call.headers["retry-after"] != nil)
        }
        let ready = await Call.get(server.url + "/readyz")
        #expect(ready.status == 503 && ready.body.contains("unavailable.storage"), "\(ready.body)")
        #expect(await Call.get(server.url + "/healthz").status == 200)
        let metrics = await Call.get(server.url + "/metrics")
        #expect(metrics.body.contains("rights_store_available 0"))
        try await server.stop()
        let logged = server.errors.text.components(separatedBy: "store unavailable").count - 1
        #expect(logged == 1, "logged once per episode, not per request: \(logged)")
        #expect(!server.errors.text.contains("request failed"), "a 500 was logged")
        await #expect(
            try served.size() == before + Int64(created), "every acknowledged search is in the log, and it audits")
    }
}

extension BinaryTests {
    @Test("rights import finishes while 16 bank clients search a running server (every search a logged write)")
    func importUnderLoad() async throws {
        let served = try await ServedRegistry(.sqliteFile)
        var county = SyntheticCounty(townships: 1, villagesPerTownship: 4, householdsPerVillage: 100)
        county.county = "330481"
        let file = served.temporary.file("county.jsonl")
        try countyFile(county).write(toFile: file, atomically: true, encoding: .utf8)
        let lines = countyFile(county).split(separator: "\n").count
        let before = try await served.size()
        let server = try await served.serve()
        defer { server.process.terminate() }
        let stop = StopFlag()
        let url = server.url + "/v1/collateral/searches"
        let clients = (0..<16).map { _ in
            Task {
                var created = 0
                while !stop.isSet {
                    if await Call.post(url, token: served.bank, body: ServedRegistry.search).status == 201 {
                        created += 1
                    }
                }
                return created
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        let environment = served.environment
        let directory = served.temporary.path
        let (status, out, err) = try await Task.detached {
            try await BinaryTests.run(["import", file], in: directory, environment: environment)
        }.value
        stop.set()
        var searches = 0
        for client in clients { searches += await client.value }
        try await server.stop()
        #expect(status == 0, "rights import under load: \(out) \(err)")
        #expect(searches > 0)
        await #expect(try served.size() == before + Int64(lines + searches), "every line and every search, once")
    }
}
