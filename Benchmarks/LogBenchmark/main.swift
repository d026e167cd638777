import Foundation
import GRDB
import RightsRegistry

// Log benchmark (issue 3): inclusion proofs from stored subtree hashes at 1M and 10M entries,
// checkpoint signing per write, certificate issue and verify rates — each against its raw
// baseline measured in the same run.
//
// usage: LogBenchmark WORKDIR [SIZES…]   (default sizes: 1000000 10000000)

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: LogBenchmark WORKDIR [SIZES…]\n".utf8))
    exit(64)
}
let workdir = arguments[1]
let sizes = arguments.count > 2 ? arguments.dropFirst(2).map { UInt64($0)! } : [1_000_000, 10_000_000]
try FileManager.default.createDirectory(atPath: workdir, withIntermediateDirectories: true)

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

struct Timings {
    var nanoseconds: [UInt64] = []
    mutating func add(_ value: UInt64) { nanoseconds.append(value) }
    func percentile(_ p: Double) -> Double {
        let sorted = nanoseconds.sorted()
        return Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1000
    }
    var perSecond: Double { Double(nanoseconds.count) / (Double(nanoseconds.reduce(0, +)) / 1e9) }
    var summary: String { String(format: "p50 %.1f µs, p99 %.1f µs", percentile(0.5), percentile(0.99)) }
}

// MARK: 1. Inclusion proofs

/// A log of `size` entries written straight into the registry's table (the proof path reads
/// only the stored hashes, so the entry bodies are placeholders).
func syntheticLog(size: UInt64, path: String) throws {
    if FileManager.default.fileExists(atPath: path) {
        let queue = try DatabaseQueue(path: path)
        let count = try queue.read { try Int64.fetchOne($0, sql: "SELECT COUNT(*) FROM log_entries") ?? 0 }
        try queue.close()
        if count == size { return }
        try FileManager.default.removeItem(atPath: path)
    }
    _ = try SQLiteRegistryStore(path: path)
    let queue = try DatabaseQueue(path: path)
    try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = OFF") }
    var range = CompactRange()
    var index: UInt64 = 0
    let start = now()
    while index < size {
        try queue.write { db in
            let insert = try db.cachedStatement(
                sql: "INSERT INTO log_entries (idx, leaf_hash, subtree_hashes, body) VALUES (?, ?, ?, ?)")
            for _ in 0..<100_000 where index < size {
                var bytes = Array("{\"index\":\(index)}".utf8)
                bytes.append(0)
                let leaf = TreeHash.leaf(bytes)
                let completed = range.append(leaf)
                try insert.execute(arguments: [
                    Int64(index), Data(leaf.bytes), Data(completed.flatMap(\.bytes)), Data(bytes),
                ])
                index += 1
            }
        }
    }
    try queue.close()
    print(String(format: "  built a %llu-entry log in %.0f s", size, Double(now() - start) / 1e9))
}

print("== inclusion proofs from stored subtree hashes (random leaves, tree = whole log)")
for size in sizes {
    let path = workdir + "/log-\(size).sqlite"
    try syntheticLog(size: size, path: path)
    let store = try SQLiteRegistryStore(path: path)
    let root = try await MerkleTree.root(size: size, reader: store)
    var generator = SystemRandomNumberGenerator()
    var proofs = Timings()
    var rows = Timings()
    let queue = try DatabaseQueue(path: path)
    for round in 0..<5_000 {
        let index = UInt64.random(in: 0..<size, using: &generator)
        let start = now()
        let proof = try await MerkleTree.inclusionProof(index: index, size: size, reader: store)
        let elapsed = now() - start
        if round >= 100 { proofs.add(elapsed) }
        if round < 50 {
            let leaf = try await store.logRows(index..<(index + 1))[0].leafHash
            try MerkleTree.verifyInclusion(
                index: index, size: size, leafHash: leaf, proof: proof.map(\.bytes), root: root.bytes)
        }
        // Baseline: one indexed row read, the unit the proof is made of.
        let rowStart = now()
        _ = try queue.read { db in
            try Data.fetchOne(
                db.cachedStatement(sql: "SELECT leaf_hash FROM log_entries WHERE idx = ?"), arguments: [Int64(index)])
        }
        rows.add(now() - rowStart)
    }
    let hashes = try await MerkleTree.inclusionProof(index: size / 3, size: size, reader: store).count
    print("  \(size) entries: proof (\(hashes) hashes) \(proofs.summary); baseline one row read \(rows.summary)")
}

// MARK: 2. Checkpoint signing per write

print("== checkpoint signing per write")
do {
    let keys = try KeyRing.generate(origin: "bench.example/330424")
    let store = try SQLiteRegistryStore(path: workdir + "/writes-\(UUID().uuidString).sqlite")
    let registry = Registry(store: store, keys: keys)
    var appends = Timings()
    var checkpoints = Timings()
    var signatures = Timings()
    for round in 0..<2_000 {
        var policy = RegistryPolicy.default
        policy.objectionDays = 15 + round % 7
        let draft = try EntryDraft(event: PolicySet(policy: policy), time: "2026-11-21T10:00:00+08:00", actor: "bench")
        // Alternate: a bare append, then an append with its checkpoint in the same transaction.
        let start = now()
        let result: AppendResult
        if round % 2 == 0 {
            result = try await store.append([draft], expectedSize: UInt64(round))
            appends.add(now() - start)
        } else {
            result = try await registry.commit([draft], expectedSize: UInt64(round))
            checkpoints.add(now() - start)
        }
        let text = Checkpoint(origin: keys.origin, size: result.size, root: result.root).text
        let rawStart = now()
        _ = try keys.checkpointKey.sign(Array(text.utf8))
        signatures.add(now() - rawStart)
    }
    print("  baseline append (one entry, one transaction, synchronous=FULL): \(appends.summary)")
    print("  append with its checkpoint (consistency check + sign, same transaction): \(checkpoints.summary)")
    print("  baseline raw Ed25519 signature of the note: \(signatures.summary)")
}

// MARK: 3. Certificates

print("== certificates: issue (build + sign) and offline verify (signature, entry, inclusion, checkpoint)")
for algorithm in SignatureAlgorithm.allCases {
    let keys = try KeyRing.generate(origin: "bench.example/330424", algorithm: algorithm)
    let store = try SQLiteRegistryStore(path: workdir + "/certificates-\(UUID().uuidString).sqlite")
    let registry = Registry(store: store, keys: keys)
    let county = SyntheticCounty(householdsPerVillage: 50)
    let file = workdir + "/certificates-county.jsonl"
    var text = ""
    county.lines { text += $0 + "\n" }
    try text.write(toFile: file, atomically: true, encoding: .utf8)
    _ = try await Importer(registry: registry, actor: "bench").run(file)
    let rights = try await registry.reads.rights(RightQuery(kind: .contractLand))
    let certificates = Certificates(registry: registry)
    let verifier = CertificateVerifier(
        certificateKeys: keys.certificateKeys.map(\.publicKey), checkpointKey: keys.noteVerifier)
    var issue = Timings()
    var verify = Timings()
    var rawSign = Timings()
    var rawVerify = Timings()
    for round in 0..<1_000 {
        let id = rights[round % rights.count].id
        let start = now()
        let export = try await certificates.export(id.rawValue, withProof: true)
        issue.add(now() - start)
        let verifyStart = now()
        let result = verifier.verify(export)
        verify.add(now() - verifyStart)
        guard result.valid else { fatalError("certificate did not verify: \(result.checks)") }
        let parsed = try JWS.parse(export.jws)
        let rawStart = now()
        let signature = try keys.currentCertificateKey.sign(parsed.signingInput)
        rawSign.add(now() - rawStart)
        let rawVerifyStart = now()
        _ = keys.currentCertificateKey.publicKey.isValidSignature(signature, for: parsed.signingInput)
        rawVerify.add(now() - rawVerifyStart)
    }
    let name = algorithm.jwsName
    print(
        String(
            format: "  %@: issue %.0f/s (%@) vs raw sign %.0f/s; verify %.0f/s (%@) vs raw verify %.0f/s",
            name, issue.perSecond, issue.summary, rawSign.perSecond, verify.perSecond, verify.summary,
            rawVerify.perSecond))
}
