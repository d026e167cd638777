import Foundation
import RegistryTestSupport
import RightsRegistry
import Testing

@testable import RegistryCLI

/// Inputs that once crashed a process or left a register that could not be audited (issue case
/// 11), tried as a user would, through the `rights` command.
@Suite("rights CLI: bounded inputs")
struct InputBoundsCLITests {
    let county = SyntheticCounty(householdsPerVillage: 2)

    func imported() async throws -> CLI {
        let cli = try await CLI()
        #expect(await cli("init", "--name", "registry.test/330424").exitCode == 0)
        #expect(await cli("import", try cli.write("county.jsonl", countyFile(county))).exitCode == 0)
        return cli
    }

    func sqliteFile(_ cli: CLI) -> String? { TestStore.default == .postgres ? nil : cli.db }

    @Test("11: init refuses an origin that is not C2SP origin syntax, and creates nothing")
    func originSyntax() async throws {
        let cli = try await CLI()
        for name in ["haiyan registry/330424", "registry+x/330424", "https://registry.example/330424"] {
            let refused = await cli("init", "--name", name)
            #expect(refused.exitCode == 65 && refused.stderr.contains("validation.name"), "\(refused.stderr)")
        }
        #expect(!KeyRing.exists(at: cli.directory + "/keys"))
        if let file = sqliteFile(cli) { #expect(!FileManager.default.fileExists(atPath: file)) }
        #expect(await cli("init", "--name", "registry.haiyan.example/330424").exitCode == 0)
    }

    @Test("11: init over another registry's keys is refused before anything is made; the next init is whole")
    func initOverKeys() async throws {
        let cli = try await CLI()
        _ = try KeyRing.create(at: cli.directory + "/keys", origin: "other.example/1", algorithm: .ed25519)
        let refused = await cli("init", "--name", "registry.test/330424")
        #expect(refused.exitCode == 1 && refused.stderr.contains("conflict.keys"), "\(refused.stderr)")
        if let file = sqliteFile(cli) { #expect(!FileManager.default.fileExists(atPath: file)) }
        try FileManager.default.removeItem(atPath: cli.directory + "/keys")
        #expect(await cli("init", "--name", "registry.test/330424").exitCode == 0)
        #expect(await cli("import", try cli.write("county.jsonl", countyFile(county))).exitCode == 0)
        let audit = await cli("audit")
        #expect(audit.exitCode == 0, "\(audit.stderr)")
    }

    @Test("11: policy set refuses periods out of bounds; nothing is written and the register stays auditable")
    func policyBounds() async throws {
        let cli = try await imported()
        let before = await cli("log", "checkpoint").stdout
        let refused = await cli(
            "policy", "set", "--body",
            try cli.write("policy.json", #"{"public_notice_working_days":100000000,"objection_days":-1}"#))
        #expect(refused.exitCode == 65, "\(refused.stderr)")
        #expect(refused.stderr.contains("public_notice_working_days") && refused.stderr.contains("objection_days"))
        #expect(await cli("log", "checkpoint").stdout == before)
        // A partial policy keeps the rest as it was.
        let set = await cli(
            "policy", "set", "--body",
            try cli.write("local.json", #"{"holidays":["2026-12-24"],"issuer":"海盐县不动产登记中心"}"#))
        #expect(set.exitCode == 0, "\(set.stderr)")
        let shown = try await cli("policy", "show").json()
        #expect(shown["public_notice_working_days"] == 15 && shown["issuer"] == "海盐县不动产登记中心")
        #expect(await cli("right", "show", "330424100200000001J").exitCode == 0)
        #expect(await cli("audit").exitCode == 0)
    }

    @Test("11: a term ending 9998-12-31 is refused by import --check and by an act, naming the field")
    func farDates() async throws {
        let cli = try await imported()
        let line =
            #"{"type":"contract-land","household":"330424100200000002","contract_no":"330424100200000002J","term":{"start":"2028-01-01","end":"9998-12-31"},"parcels":[]}"#
        let check = await cli("import", try cli.write("bad.jsonl", line + "\n"), "--check")
        #expect(check.exitCode == 65 && check.stderr.contains("line 1: term.end"), "\(check.stderr)")
        let act = await cli(
            "act", "330424100200000001J", "--body",
            try cli.write(
                "change.json", #"{"kind":"change","reason":"x","term":{"start":"2028-01-01","end":"9998-12-31"}}"#))
        #expect(act.exitCode == 65 && act.stderr.contains("term.end"), "\(act.stderr)")
        #expect(await cli("audit").exitCode == 0)
    }

    @Test("11: a certificate is exported only for a right in force")
    func certificateOfCancelled() async throws {
        let cli = try await imported()
        let cancelled = await cli(
            "cancel", "330424100200000001J", "--ground", "land-lost", "--document", "灭失勘测报告-1")
        #expect(cancelled.exitCode == 0, "\(cancelled.stderr)")
        let export = await cli("certificate", "export", "330424100200000001J")
        #expect(export.exitCode == 1 && export.stderr.contains("conflict.certificate"), "\(export.stderr)")
        let surrender = await cli("cancel", "330424100200000002J", "--ground", "surrender", "--document", "交回申请")
        #expect(surrender.exitCode == 1 && surrender.stderr.contains("rule.L-10"), "\(surrender.stderr)")
    }
}
