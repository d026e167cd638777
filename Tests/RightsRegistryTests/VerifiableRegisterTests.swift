import Foundation
import RegistryTestSupport
import Testing

@testable import RightsRegistry

/// Checkpoints, proofs and certificates: what makes the register checkable by people who do not
/// trust its database.
@Suite("Verifiable register")
struct VerifiableRegisterTests {
    @Test("every write is followed by a signed checkpoint of the whole log, verifiable with the vkey")
    func checkpointsAfterWrites() async throws {
        let t = try await TestRegistry()
        let size = try await t.store.size()
        let latest = try #require(try await t.store.latestCheckpoint())
        #expect(latest.size == size)
        let verifier = try SignedNote.Verifier(t.keys.verifierKey)
        let checkpoint = try Checkpoint.open(latest.note, verifier: verifier)
        #expect(checkpoint.origin == "registry.test/330424")
        #expect(checkpoint.root == (try await MerkleTree.root(size: size, reader: t.store)))

        try await t.act(t.contract(0, 1), .objection(applicant: "张某", grounds: "四至"))
        #expect(try await t.store.latestCheckpoint()?.size == size + 1)
        // A key of another name, or another key, does not open it.
        let stranger = try KeyRing.generate(origin: "registry.test/330424")
        #expect(throws: NoteError.self) { try Checkpoint.open(latest.note, verifier: stranger.noteVerifier) }
    }

    @Test("consistency proofs between successive checkpoints verify")
    func checkpointConsistency() async throws {
        let t = try await TestRegistry()
        let first = try #require(try await t.store.latestCheckpoint())
        try await t.act(t.contract(0, 2), .seizure(court: "海盐县人民法院", caseNumber: "(2026)浙0424执2号"))
        let second = try #require(try await t.store.latestCheckpoint())
        let old = try Checkpoint.open(first.note, verifier: t.keys.noteVerifier)
        let new = try Checkpoint.open(second.note, verifier: t.keys.noteVerifier)
        let proof = try await MerkleTree.consistencyProof(from: old.size, to: new.size, reader: t.store)
        try MerkleTree.verifyConsistency(
            oldSize: old.size, newSize: new.size, oldRoot: old.root.bytes, newRoot: new.root.bytes,
            proof: proof.map(\.bytes))
    }

    @Test(
        "the registry refuses to sign a checkpoint inconsistent with the last one it signed",
        arguments: TestStore.shared)
    func noInconsistentCheckpoint(_ kind: TestStore) async throws {
        let (location, t) = try await TestRegistry.onNewStore(kind)
        let size = try await t.store.size()
        // Someone rewrites entry 3's leaf hash and every subtree hash above it, so the stored
        // tree is consistent with itself again, but not with the checkpoint signed before.
        let forgedLeaves = try await t.store.entries(0..<size).map { entry -> TreeHash in
            entry.index == 3 ? .leaf(Array("forged".utf8)) : entry.leafHash
        }
        try await kind.rewriteTree(at: location, leaves: forgedLeaves)
        let reopened = Registry(store: try await kind.open(location), keys: t.keys, clock: t.clock)
        await #expect(throws: RegistryError(code: "integrity.checkpoint", message: "")) {
            try await reopened.perform(.onRight(t.contract(0, 1), .objection(applicant: "x", grounds: "y")), actor: "t")
        }
        #expect(try await reopened.store.latestCheckpoint()?.size == size)
    }

    @Test(
        "the check runs in the writing process's own transaction: a tree rewritten under a running registry is refused too",
        arguments: TestStore.shared)
    func noInconsistentCheckpointWhileRunning(_ kind: TestStore) async throws {
        let (location, t) = try await TestRegistry.onNewStore(kind)
        try await t.act(t.contract(0, 2), .objection(applicant: "甲", grounds: "界址"))
        let size = try await t.store.size()
        let leaves = try await t.store.entries(0..<size).map(\.leafHash)
        // The last entry's leaf is rewritten: only the log's right edge changes, which is what
        // the next append extends.
        try await kind.rewriteTree(at: location, leaves: leaves.dropLast() + [.leaf(Array("forged".utf8))])
        await #expect(throws: RegistryError(code: "integrity.checkpoint", message: "")) {
            try await t.act(t.contract(0, 1), .objection(applicant: "乙", grounds: "界址"))
        }
        #expect(try await t.store.size() == size, "nothing was written")
        // Put back, the same registry writes again.
        try await kind.rewriteTree(at: location, leaves: leaves)
        try await t.act(t.contract(0, 1), .objection(applicant: "乙", grounds: "界址"))
        #expect(try await t.store.size() == size + 1)
    }

    @Test(
        "entries logged after the latest checkpoint: the tree at the checkpoint's size is what is checked",
        arguments: TestStore.shared)
    func checkpointOlderThanTheLog(_ kind: TestStore) async throws {
        let (location, t) = try await TestRegistry.onNewStore(kind)
        let checkpointed = try #require(try await t.store.latestCheckpoint()).size
        // Three entries appended without a checkpoint (as a copy or a tool that signs separately does).
        let drafts = try (0..<3).map { _ in
            try EntryDraft(event: PolicySet(policy: .default), time: "2026-11-20T10:00:00+08:00", actor: "tool")
        }
        _ = try await t.store.append(drafts, expectedSize: checkpointed)
        let size = checkpointed + 3
        let leaves = try await t.store.entries(0..<size).map(\.leafHash)
        // A consistent log: the registry extends it, checking the root at the older size.
        try await t.act(t.contract(0, 1), .objection(applicant: "乙", grounds: "界址"))
        #expect(try await t.store.latestCheckpoint()?.size == size + 1)
        // Append three more without a checkpoint, then forge an entry below the checkpoint
        // (entry 1) and rewrite every hash above it: the right edge is consistent with itself.
        _ = try await t.store.append(drafts, expectedSize: size + 1)
        let all = try await t.store.entries(0..<(size + 4)).map(\.leafHash)
        #expect(Array(all.prefix(Int(size))) == leaves)
        try await kind.rewriteTree(
            at: location, leaves: all.enumerated().map { $0.offset == 1 ? .leaf(Array("forged".utf8)) : $0.element })
        await #expect(throws: RegistryError(code: "integrity.checkpoint", message: "")) {
            try await t.act(t.contract(0, 2), .objection(applicant: "甲", grounds: "界址"))
        }
        #expect(try await t.store.size() == size + 4)
    }

    @Test("a log cut short below its latest checkpoint gets no further checkpoint", arguments: TestStore.shared)
    func truncatedLog(_ kind: TestStore) async throws {
        let (location, t) = try await TestRegistry.onNewStore(kind)
        try await t.act(t.contract(0, 2), .objection(applicant: "甲", grounds: "界址"))
        let size = try await t.store.size()
        var cut = [SQLStatement("DELETE FROM log_entries WHERE idx >= $1", [.integer(Int64(size - 2))])]
        if kind == .postgres { cut.append(SQLStatement("UPDATE log_head SET size = $1", [.integer(Int64(size - 2))])) }
        try await kind.tamper(cut, at: location)
        let reopened = Registry(store: try await kind.open(location), keys: t.keys, clock: t.clock)
        do {
            try await reopened.perform(
                .onRight(t.contract(0, 1), .objection(applicant: "乙", grounds: "界址")), actor: "t")
            Issue.record("a write on a cut log was accepted")
        } catch let error as RegistryError {
            #expect(error.code == "integrity.checkpoint")
            #expect(error.message.contains("fewer entries than checkpoint \(size)"), "\(error.message)")
        }
        #expect(try await reopened.store.size() == size - 2)
    }

    @Test("audit catches a consistently rewritten log by its checkpoints", arguments: TestStore.shared)
    func auditAgainstCheckpoints(_ kind: TestStore) async throws {
        let (location, t) = try await TestRegistry.onNewStore(kind)
        let size = try await t.store.size()
        // Rewrite entry 4's payload (a share holding) and every hash after it, consistently.
        let entries = try await t.store.entries(0..<size)
        let forged = Array(
            String(decoding: entries[4].bytes, as: UTF8.self).replacingOccurrences(of: "人口股", with: "农龄股").utf8)
        #expect(forged != entries[4].bytes)
        try await kind.tamper(
            [SQLStatement("UPDATE log_entries SET body = $1 WHERE idx = 4", [.bytes(forged)])], at: location)
        try await kind.rewriteTree(at: location, leaves: entries.map { $0.index == 4 ? .leaf(forged) : $0.leafHash })
        let audit = try await Maintenance(store: try await kind.open(location), catalog: .registry).audit(
            scratchPath: TestStore.directory.file("scratch-\(UUID().uuidString).sqlite"),
            migrations: SQLiteSchema.registry,
            checkpointKey: t.keys.noteVerifier, on: Day("2026-11-20")!)
        guard case .checkpoint(let reason) = audit.finding else {
            Issue.record("expected a checkpoint finding, got \(String(describing: audit.finding))")
            return
        }
        #expect(reason.hasPrefix("checkpoint "))
    }

    // MARK: Certificates

    func verify(_ export: CertificateExport, _ t: TestRegistry) -> CertificateVerifier.Result {
        CertificateVerifier(
            certificateKeys: t.keys.certificateKeys.map(\.publicKey), checkpointKey: t.keys.noteVerifier
        )
        .verify(export)
    }

    @Test("a certificate with its proof verifies offline: signature, entry, binding, checkpoint, inclusion")
    func certificateVerifies() async throws {
        let t = try await TestRegistry()
        let export = try await Certificates(registry: t.registry).export(t.contract(0, 2).rawValue, withProof: true)
        let result = verify(try CertificateExport(text: export.text), t)
        #expect(
            result.checks.map(\.name) == [
                "signature", "entry", "payload matches entry", "checkpoint signature", "inclusion",
            ])
        #expect(result.valid, "\(result.checks)")
        let payload = result.payload
        #expect(payload["certificate_no"]?.stringValue?.hasPrefix("浙(2026)330424农村土地承包经营权第") == true)
        #expect(payload["right_type"] == "土地承包经营权")
        #expect(payload["co_ownership"] == "家庭共有")
        #expect(payload["members"]?.arrayValue?.count == 3)
        #expect(payload["parcels"]?.arrayValue?.count == 3)
        #expect(payload["term"]?["end"] == "2057-12-31")
        #expect(try CanonicalJSON.bytes(payload) == JWS.parse(export.jws).payloadBytes)
    }

    @Test("verification names the check that failed")
    func certificateTampering() async throws {
        let t = try await TestRegistry()
        let export = try await Certificates(registry: t.registry).export(t.homestead(0, 1).rawValue, withProof: true)
        let proof = try #require(export.proof)

        // A payload edited after signing.
        let parts = export.jws.split(separator: ".").map(String.init)
        var payload = try JWS.parse(export.jws).payload.objectValue!
        payload["holder"] = "household:330424100200000002"
        let edited = [parts[0], Base64URL.encode(CanonicalJSON.bytes(.object(payload))), parts[2]].joined(
            separator: ".")
        #expect(verify(CertificateExport(jws: edited, proof: proof), t).firstFailure?.name == "signature")

        // A proof hash flipped.
        var hashes = proof.hashes
        hashes[0] = TreeHash(bytes: hashes[0].bytes.map { $0 ^ 1 })!
        let badProof = TlogProof(extra: proof.extra, index: proof.index, hashes: hashes, checkpoint: proof.checkpoint)
        #expect(verify(CertificateExport(jws: export.jws, proof: badProof), t).firstFailure?.name == "inclusion")

        // The proof of another right's entry.
        let other = try await Certificates(registry: t.registry).export(t.homestead(0, 2).rawValue, withProof: true)
        #expect(
            verify(CertificateExport(jws: export.jws, proof: other.proof), t).firstFailure?.name == "entry")

        // A checkpoint signed by someone else.
        let forger = try KeyRing.generate(origin: "registry.test/330424")
        let checkpoint = try Checkpoint.open(proof.checkpoint, verifier: t.keys.noteVerifier)
        let forged = TlogProof(
            extra: proof.extra, index: proof.index, hashes: proof.hashes,
            checkpoint: try checkpoint.signed(by: forger.checkpointKey))
        #expect(
            verify(CertificateExport(jws: export.jws, proof: forged), t).firstFailure?.name == "checkpoint signature")
    }

    @Test("a change re-issues the certificate; the old number is superseded and cannot be exported")
    func supersededCertificates() async throws {
        let t = try await TestRegistry()
        let id = t.contract(0, 1)
        let before = try #require(try await t.right(id).certificate)
        try await t.act(id, .change(term: .extend(years: 30), detail: nil, reason: "延包"))
        let after = try #require(try await t.right(id).certificate)
        #expect(after != before)
        let certificates = Certificates(registry: t.registry)
        let (record, right) = try await certificates.lookup(number: before)
        #expect(CertificateStatus(number: record.number, right: right, on: t.registry.today) == .superseded)
        let (current, _) = try await certificates.lookup(number: after)
        #expect(current.supersedes == before)
        await #expect(throws: RegistryError.conflict("certificate", "")) {
            try await certificates.export(before, withProof: false)
        }
        let export = try await certificates.export(after, withProof: true)
        #expect(verify(export, t).valid)
        #expect(export.proof.map { entryKind($0) } == "change")
    }

    func entryKind(_ proof: TlogProof) -> String? { proof.extra.flatMap { try? LogEntry(bytes: $0) }?.kind }

    @Test("certificates of a transfer state the new holder, and the transferor's emptied contract is cancelled")
    func transferCertificates() async throws {
        let t = try await TestRegistry()
        try await t.act(
            t.contract(0, 1),
            .transfer(Transfer(to: .household(t.household(0, 2)), consents: [TestRegistry.consent(.contractingParty)])))
        let source = try await t.right(t.contract(0, 1))
        let (record, _) = try await Certificates(registry: t.registry).lookup(number: source.certificate!)
        #expect(CertificateStatus(number: record.number, right: source, on: t.registry.today) == .cancelled)
        let export = try await Certificates(registry: t.registry).export(t.contract(0, 2).rawValue, withProof: true)
        #expect(verify(export, t).valid)
        #expect(export.proof.map { entryKind($0) } == "transfer")
    }

    @Test("rotation: new certificates use the new key, old ones still verify against the JWKS")
    func keyRotation() async throws {
        let directory = try TemporaryDirectory("rights-keys")
        let keys = try KeyRing.create(at: directory.file("keys"), origin: "registry.test/330424", algorithm: .ed25519)
        let t = try await TestRegistry(keys: keys)
        let old = try await Certificates(registry: t.registry).export(t.contract(0, 1).rawValue, withProof: true)
        let rotated = try keys.rotate(in: directory.file("keys"))
        let reloaded = try KeyRing.load(from: directory.file("keys"))
        #expect(reloaded.currentCertificateKey.kid == rotated.currentCertificateKey.kid)
        #expect(reloaded.certificateKeys.count == 2)
        let registry = Registry(store: t.store, keys: reloaded, clock: t.clock)
        let new = try await Certificates(registry: registry).export(t.contract(0, 1).rawValue, withProof: true)
        #expect(try JWS.parse(new.jws).kid == rotated.currentCertificateKey.kid)
        #expect(try JWS.parse(old.jws).kid == keys.currentCertificateKey.kid)
        let verifier = CertificateVerifier(
            certificateKeys: try reloaded.jwks["keys"]!.arrayValue!.map { try VerifyingKey(jwk: $0) },
            checkpointKey: reloaded.noteVerifier)
        #expect(verifier.verify(old).valid)
        #expect(verifier.verify(new).valid)
        // The key directory keeps private keys out of reach of others.
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.file("keys"))
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)
    }

    @Test(
        "an SM2 registry's certificate verifies here and with `openssl pkeyutl -digest sm3 -pkeyopt distid:1234567812345678`"
    )
    func sm2Certificate() async throws {
        let keys = try KeyRing.generate(origin: "registry.test/330424", algorithm: .sm2)
        let t = try await TestRegistry(keys: keys)
        let export = try await Certificates(registry: t.registry).export(t.homestead(0, 2).rawValue, withProof: true)
        let jws = try JWS.parse(export.jws)
        #expect(jws.algorithm == "SM2-SM3")
        #expect(verify(export, t).valid)

        let directory = try TemporaryDirectory("rights-sm2")
        guard case .sm2(let key) = try VerifyingKey(jwk: keys.currentCertificateKey.publicJWK).material else {
            Issue.record("SM2 key expected")
            return
        }
        try Data(key.subjectPublicKeyInfo).write(to: URL(fileURLWithPath: directory.file("pub.der")))
        try Data(jws.signingInput).write(to: URL(fileURLWithPath: directory.file("input")))
        try Data(jws.signature).write(to: URL(fileURLWithPath: directory.file("sig.der")))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "pkeyutl", "-verify", "-pubin", "-inkey", directory.file("pub.der"), "-keyform", "DER", "-rawin", "-digest",
            "sm3", "-pkeyopt", "distid:1234567812345678", "-in", directory.file("input"), "-sigfile",
            directory.file("sig.der"),
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(
            String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains(
                "Signature Verified Successfully"))
    }

    static let joserfcAvailable: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import joserfc"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    @Test(
        "joserfc, an independent JOSE library, verifies our certificate with the published JWKS",
        .enabled(if: joserfcAvailable, "needs python3 with joserfc"))
    func joserfc() async throws {
        let t = try await TestRegistry()
        let export = try await Certificates(registry: t.registry).export(t.contract(1, 3).rawValue, withProof: false)
        let directory = try TemporaryDirectory("rights-joserfc")
        try Data(CanonicalJSON.bytes(t.keys.jwks)).write(to: URL(fileURLWithPath: directory.file("jwks.json")))
        try Data(export.jws.utf8).write(to: URL(fileURLWithPath: directory.file("cert.jws")))
        let script = """
            import json, sys, warnings
            warnings.simplefilter("ignore")
            from joserfc import jws
            from joserfc.jwk import KeySet
            keys = KeySet.import_key_set(json.load(open(sys.argv[1])))
            token = open(sys.argv[2]).read().strip()
            print(json.loads(jws.deserialize_compact(token, keys, algorithms=["EdDSA"]).payload)["certificate_no"])
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, directory.file("jwks.json"), directory.file("cert.jws")]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(
            printed.trimmingCharacters(in: .whitespacesAndNewlines)
                == (try JWS.parse(export.jws).payload["certificate_no"]?.stringValue))
    }

    @Test("the tlog-proof bundle round-trips and its inclusion proof verifies against its checkpoint")
    func tlogProofBundle() async throws {
        let t = try await TestRegistry()
        let checkpoint = try #require(try await t.store.latestCheckpoint())
        let entry = try #require(try await t.store.entries(7..<8).first)
        let hashes = try await MerkleTree.inclusionProof(index: 7, size: checkpoint.size, reader: t.store)
        let proof = TlogProof(extra: entry.bytes, index: 7, hashes: hashes, checkpoint: checkpoint.note)
        #expect(proof.text.hasPrefix("c2sp.org/tlog-proof@v1\nextra "))
        let parsed = try TlogProof(text: proof.text)
        #expect(parsed == proof)
        let head = try Checkpoint.open(parsed.checkpoint, verifier: t.keys.noteVerifier)
        try MerkleTree.verifyInclusion(
            index: 7, size: head.size, leafHash: TreeHash.leaf(parsed.extra!).bytes, proof: parsed.hashes.map(\.bytes),
            root: head.root.bytes)
    }
}
