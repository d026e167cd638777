import Foundation
import RegistryTestSupport
import RightsRegistry
import Testing

@testable import RegistryCLI

@Suite("rights CLI")
struct CLITests {
    let county = SyntheticCounty(householdsPerVillage: 3)

    func initialised() async throws -> CLI {
        let cli = try await CLI()
        let created = await cli("init", "--name", "registry.test/330424")
        #expect(created.exitCode == 0, "\(created.stderr)")
        return cli
    }

    @Test("init, import, list and show: the register is readable, in text and JSON")
    func importAndRead() async throws {
        let cli = try await initialised()
        let file = try cli.write("county.jsonl", countyFile(county))
        let imported = await cli("import", file, "--json")
        #expect(imported.exitCode == 0, "\(imported.stderr)")
        #expect(try imported.json()["registered"]?["contract-land"] == 6)

        let list = await cli("right", "list", "--collective", "33042410020000", "--kind", "homestead", "--json")
        #expect(list.exitCode == 0)
        #expect(try list.json().arrayValue?.count == 3)

        let show = await cli("right", "show", "330424100200000002J", "--json")
        let right = try show.json()
        #expect(right["status"] == "current")
        #expect(right["area_m2"] != nil)
        #expect(right["household_members"]?.arrayValue?.count == 3)
        // Clerks (the CLI) see ID numbers in full.
        #expect(right["household_members"]?.arrayValue?.first?["id_number"]?.stringValue?.contains("*") == false)

        let text = await cli("right", "show", "330424100200000002J")
        #expect(text.stdout.contains("土地承包经营权  330424100200000002J"))
        #expect(text.stdout.contains("flags:       none"))

        let history = await cli("right", "history", "330424100200000002J")
        #expect(history.out.count == 1)
        #expect(history.stdout.contains("registration  by import:county.jsonl"))
    }

    @Test("exit codes: 65 invalid input, 1 refused by a rule, 69 no database, 64 usage")
    func exitCodes() async throws {
        let cli = try await initialised()
        _ = await cli("import", try cli.write("county.jsonl", countyFile(county)))

        let badID = await cli("right", "list", "--holder", "household:123")
        #expect(badID.exitCode == 65)
        #expect(badID.stderr.hasPrefix("error: validation.holder [holder]: "))

        let seized = await cli("seize", "330424100200000001J", "--court", "海盐县人民法院", "--case-number", "(2026)浙0424执5号")
        #expect(seized.exitCode == 0)
        let refused = await cli(
            "transfer", "330424100200000001J", "--to", "household:330424100200000002",
            "--consent", "contracting-party:东港村股份经济合作社:同意书1:2026-11-01")
        #expect(refused.exitCode == 1)
        #expect(
            refused.err == ["error: rule.SPC-15: 330424100200000001J is seized (查封) by 海盐县人民法院, case (2026)浙0424执5号"])

        let unknown = await cli("right", "show", "330424100200000099J")
        #expect(unknown.exitCode == 65)

        let missing = try await CLI()
        let noDatabase = await missing("right", "list")
        #expect(noDatabase.exitCode == 69)
        #expect(noDatabase.stderr.contains("rights init"))

        let usage = await cli("transfer", "330424100200000001J")
        #expect(usage.exitCode == 64)
    }

    @Test("an import with bad lines reports every one with its line and writes nothing")
    func badImport() async throws {
        let cli = try await initialised()
        var lines = countyFile(county).split(separator: "\n").map(String.init)
        lines[2] = lines[2].replacingOccurrences(of: #""land_use":"1""#, with: #""land_use":"7""#)
        lines[6] = lines[6].replacingOccurrences(of: #""2057-12-31""#, with: #""2047-12-31""#)
        let result = await cli("import", try cli.write("bad.jsonl", lines.joined(separator: "\n")))
        #expect(result.exitCode == 65)
        // The edit hits all three parcels of line 3: each is reported.
        for parcel in 0..<3 {
            #expect(result.err.contains("line 3: parcels[\(parcel)].land_use: a 土地用途 code 1–5 (NY/T 2539 C.9)"))
        }
        #expect(result.err.contains { $0.hasPrefix("line 7: term: L-4 ") })
        #expect(result.err.last == "4 problem(s); nothing was written")
        let list = await cli("right", "list", "--json")
        #expect(try list.json().arrayValue?.isEmpty == true)
    }

    @Test("acts from flags and from JSON bodies go through the same parser")
    func actsAndBodies() async throws {
        let cli = try await initialised()
        _ = await cli("import", try cli.write("county.jsonl", countyFile(county)))
        let body = try cli.write(
            "objection.json", #"{"kind":"objection","applicant":"王某","grounds":"继承纠纷"}"#)
        let objected = await cli("act", "330424100200000003J", "--body", body, "--json")
        #expect(objected.exitCode == 0, "\(objected.stderr)")
        #expect(try objected.json()["right"]?["flags"] == ["objection"])

        let typo = try cli.write("typo.json", #"{"kind":"objection","applicant":"王某","grund":"x"}"#)
        let refused = await cli("act", "330424100200000003J", "--body", typo)
        #expect(refused.exitCode == 65)
        #expect(refused.err.contains("error: validation.grounds [grounds]: required"))
        #expect(refused.err.contains("error: validation.grund [grund]: unknown field"))

        let lease = try cli.write(
            "lease.json",
            #"{"parent":"330424100200000002J","holder":{"id_number":"\#(county.citizenID(3 * 4))"},"term":{"start":"2027-01-01","end":"2036-12-31"},"filing":{"filed_with":"发包方","document":"备案1","on":"2026-11-20"}}"#
        )
        let leased = await cli("register", "land-management", "--body", lease, "--json")
        #expect(leased.exitCode == 0, "\(leased.stderr)")
        #expect(try leased.json()["right"]?["kind"] == "land-management")

        let moved = await cli(
            "household", "move-to-town", "330424100200000002", "--on", "2026-10-01", "--place", "武原街道")
        #expect(moved.exitCode == 0)
        let still = await cli("right", "list", "--holder", "330424100200000002", "--json")
        #expect(try still.json().arrayValue?.count == 2)
    }

    @Test("audit passes on a fresh registry, and backup makes a copy that audits too")
    func auditAndBackup() async throws {
        let cli = try await initialised()
        _ = await cli("import", try cli.write("county.jsonl", countyFile(county)))
        let audit = await cli("audit", "--json")
        #expect(audit.exitCode == 0)
        #expect(try audit.json()["ok"] == true)
        let copy = cli.directory + "/copy.sqlite"
        #expect(await cli("backup", copy).exitCode == 0)
        let copied = await cli.run(["audit", "--json"], db: copy)
        #expect(copied.exitCode == 0, "\(copied.stderr)")
        #expect(try copied.json()["root"] == (try audit.json()["root"]))
        #expect(await cli("rebuild").exitCode == 0)
        #expect(await cli("audit").exitCode == 0)
    }
}

@Suite("rights demo")
struct DemoTests {
    @Test("the demo registers a county with acts on it, and a second run only shows it")
    func demo() async throws {
        let cli = try await CLI()
        let first = await cli("demo")
        #expect(first.exitCode == 0, "\(first.stderr)")
        #expect(first.stdout.contains("Demo county registered"))
        let seized = await cli("right", "show", "330424100200000002J", "--json")
        #expect(try seized.json()["flags"] == ["seizure"])
        let leases = await cli("right", "list", "--kind", "land-management", "--json")
        #expect(try leases.json().arrayValue?.count == 1)
        let announced = await cli("right", "list", "--status", "announced", "--json")
        #expect(try announced.json().arrayValue?.first?["id"] == "330424100200000011J")
        // The exchange board has the mandated agent's lease, announced and open for intents.
        let board = try await cli("listing", "list", "--json").json()
        #expect(board.arrayValue?.count == 1)
        #expect(board.arrayValue?.first?["status"] == "announced")
        #expect(board.arrayValue?.first?["right"] == "330424100200000006J")
        let second = await cli("demo")
        #expect(second.exitCode == 0)
        #expect(second.stdout.contains("already holds a register"))
        #expect(await cli("audit").exitCode == 0)
    }
}

@Suite("rights certificate and log")
struct CertificateCLITests {
    @Test(
        "export with proof, verify offline with the published JWKS and verifier key; a tampered file fails naming the check"
    )
    func exportAndVerify() async throws {
        let cli = try await CLI()
        #expect(await cli("init", "--name", "registry.test/330424").exitCode == 0)
        let file = try cli.write("county.jsonl", countyFile(SyntheticCounty(householdsPerVillage: 2)))
        #expect(await cli("import", file).exitCode == 0)
        let certificate = cli.directory + "/cert.txt"
        #expect(
            await cli("certificate", "export", "330424100200000001J", "--with-proof", "-o", certificate).exitCode == 0)
        let jwks = await cli("keys", "jwks")
        let key = await cli("log", "key")
        let jwksFile = try cli.write("jwks.json", jwks.stdout)
        let keyFile = try cli.write("vkey", key.stdout)

        let verified = await cli("certificate", "verify", certificate, "--jwks", jwksFile, "--checkpoint", keyFile)
        #expect(verified.exitCode == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.out.count == 5)
        #expect(verified.out.allSatisfy { $0.hasPrefix("✓") })

        var text = try String(contentsOfFile: certificate, encoding: .utf8)
        let proofLine = text.split(separator: "\n").first { $0.count == 44 && $0.hasSuffix("=") }!
        let flipped = String(proofLine.first == "A" ? "B" : "A") + proofLine.dropFirst()
        text = text.replacingOccurrences(of: proofLine, with: flipped)
        let tampered = try cli.write("tampered.txt", text)
        let refused = await cli("certificate", "verify", tampered, "--jwks", jwksFile, "--checkpoint", keyFile)
        #expect(refused.exitCode == 1)
        #expect(refused.out.contains { $0.hasPrefix("✗ inclusion") })
        #expect(refused.err.last == "certificate invalid: inclusion failed")

        let shown = await cli(
            "right", "show",
            try #require(
                try JWS.parse(text.split(separator: "\n").first.map(String.init)!).payload["certificate_no"]?
                    .stringValue), "--json")
        #expect(try shown.json()["id"] == "330424100200000001J")
    }

    @Test("log checkpoint, proof and consistency answer from the stored tree")
    func logCommands() async throws {
        let cli = try await CLI()
        #expect(await cli("init", "--name", "registry.test/330424").exitCode == 0)
        #expect(
            await cli("import", try cli.write("county.jsonl", countyFile(SyntheticCounty(householdsPerVillage: 2))))
                .exitCode == 0)
        let checkpoint = await cli("log", "checkpoint")
        let lines = checkpoint.out[0].split(separator: "\n")
        #expect(lines[0] == "registry.test/330424")
        #expect(lines[1] == "18")
        let proof = try await cli("log", "proof", "--index", "5", "--json").json()
        #expect(proof["tree_size"] == 18)
        #expect(proof["root_hash"]?.stringValue == String(lines[2]))
        let consistency = try await cli("log", "consistency", "--from", "3", "--to", "18").json()
        #expect(consistency["hashes"]?.arrayValue?.isEmpty == false)
        let bundle = await cli("log", "proof", "--index", "5", "--tlog-proof")
        #expect(bundle.stdout.hasPrefix("c2sp.org/tlog-proof@v1\nextra "))
        #expect(await cli("log", "proof", "--index", "18").exitCode == 65)
    }
}

@Suite("rights copy and migrate")
struct StoreCommandTests {
    @Test(
        "copy moves a registry to each other store and back with the same root; the copies audit clean",
        arguments: TestStore.shared)
    func copyThere(_ kind: TestStore) async throws {
        let cli = try await CLI()
        #expect(await cli("demo").exitCode == 0)
        let root = try await cli("audit", "--json").json()["root"]
        let there = try await kind.newLocation()
        let back = cli.directory + "/back.sqlite"
        let out = await cli.run(["copy", "--from", cli.db, "--to", there])
        #expect(out.exitCode == 0, "\(out.stderr)")
        #expect(await cli.run(["copy", "--from", there, "--to", back]).exitCode == 0)
        for db in [there, back] {
            let audit = await cli.run(["audit", "--json"], db: db)
            #expect(audit.exitCode == 0, "\(audit.stderr)")
            #expect(try audit.json()["root"] == root)
        }
        let again = await cli.run(["copy", "--from", cli.db, "--to", there])
        #expect(again.exitCode != 0 && again.stderr.contains("already holds a register"), "\(again.stderr)")
    }

    @Test(
        "a registry whose schema is behind is refused — by serve too — naming `rights migrate`, which brings it up to date",
        // A guard against a hang (a server that serves a stale schema instead of refusing): three
        // minutes, since under the full PostgreSQL pass its five programs and server start took
        // 56–75 s of a loaded machine's time (8.8 s with only the CLI suites running).
        .timeLimit(.minutes(3)), arguments: TestStore.shared)
    func migrate(_ kind: TestStore) async throws {
        let cli = try await CLI()
        let db = try await kind.newLocation()
        // A registry as the release before the exchange left it: the registry's tables only.
        let old = try await StoreLocation(db).open(.registry, migrate: true)
        try await old.setSetting("origin", "registry.test/330424")
        let audit = await cli.run(["audit"], db: db)
        // The server as its own process (it bootstraps the process's logging).
        let (serveStatus, _, serveErrors) = try await BinaryTests.run(
            ["serve", "--port", "0", "--keys", cli.directory + "/keys"], in: cli.directory,
            environment: ["RIGHTS_DB": db])
        for (status, errors) in [(audit.exitCode, audit.stderr), (serveStatus, serveErrors)] {
            #expect(status != 0)
            #expect(errors.contains("rights migrate"), "\(errors)")
            #expect(errors.contains("2026-11-22-exchange"), "\(errors)")
        }
        let migrated = await cli.run(["migrate"], db: db)
        #expect(migrated.exitCode == 0)
        #expect(migrated.stdout.contains("applied 2026-11-22-exchange"), "\(migrated.stdout)")
        #expect(await cli.run(["migrate"], db: db).stdout.contains("the schema is current"))
        #expect(await cli.run(["audit"], db: db).exitCode == 0)
    }
}
