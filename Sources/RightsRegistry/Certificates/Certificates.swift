/// Issuing and checking certificates. A certificate is the JWS of `CertificateDocument`, signed
/// with the registry's current certificate key when it is exported; with `withProof` it comes
/// with the `tlog-proof@v1` bundle that binds its entry to a signed checkpoint, so that anyone
/// can check it offline.
public struct Certificates: Sendable {
    public let registry: Registry

    public init(registry: Registry) { self.registry = registry }

    /// A certificate number's record and the right it is for.
    public func lookup(number: String) async throws -> (CertificateRecord, Right) {
        guard let document = try await registry.store.document(CertificateRecord.key(number)) else {
            throw RegistryError.notFound("certificate", number)
        }
        let record = try JSONValueDecoder().decode(CertificateRecord.self, from: document)
        guard let right = try await registry.reads.right(record.right) else {
            throw RegistryError.notFound("right", record.right.rawValue)
        }
        return (record, right)
    }

    /// The right's current certificate, or the right a certificate number is for. Only a
    /// current right has one: a cancelled or expired right's last certificate states what is no
    /// longer so (C-2), and the register issues nothing that says otherwise.
    public func current(for idOrNumber: String) async throws -> (CertificateRecord, Right) {
        let today = registry.today
        if let id = try? RightID(idOrNumber), let right = try await registry.reads.right(id) {
            guard right.detail.isCertified else {
                throw RegistryError.rule(
                    "L-20",
                    "\(id) is a 流转 shorter than the registrable term, filed with the 发包方 (L-16), not registered: it has no certificate"
                )
            }
            let status = right.status(on: today)
            guard let number = right.certificate, status == .current else {
                throw RegistryError.conflict(
                    "certificate",
                    "\(id) is \(status.rawValue); the register issues a certificate only for a current right"
                        + (right.certificate.map { " (its last one, \($0), is no longer in force)" } ?? ""))
            }
            return try await lookup(number: number)
        }
        let (record, right) = try await lookup(number: idOrNumber)
        guard right.certificate == record.number, right.status(on: today) == .current else {
            throw RegistryError.conflict(
                "certificate",
                "\(record.number) is \(CertificateStatus(number: record.number, right: right, on: today).rawValue); the register now states \(right.certificate ?? "no certificate") for \(right.id)"
            )
        }
        return (record, right)
    }

    /// The signed certificate and, with `withProof`, its proof bundle under the latest checkpoint.
    public func export(_ idOrNumber: String, withProof: Bool) async throws -> CertificateExport {
        guard let keys = registry.keys else { throw RegistryError.unavailable("signing certificates needs the keys") }
        let (record, right) = try await current(for: idOrNumber)
        guard let entry = try await registry.store.entry(record.entry) else {
            throw RegistryError(code: "integrity.entry", message: "entry \(record.entry) is missing")
        }
        let report = try await RegistryQueries(registry: registry).report(right)
        let payload = CertificateDocument.payload(record: record, report: report, entry: entry, registry: keys.origin)
        let jws = try JWS.sign(payload: payload, type: CertificateDocument.type, with: keys.currentCertificateKey)
        return CertificateExport(jws: jws, proof: withProof ? try await registry.proof(of: entry) : nil)
    }
}

extension Registry {
    /// The `tlog-proof@v1` bundle binding `entry` to the latest signed checkpoint: what a
    /// certificate or attestation carries to be checked offline.
    public func proof(of entry: LogEntry) async throws -> TlogProof {
        // The latest checkpoint the witnesses cosigned, when it covers the entry: a verifier
        // that asks for a quorum of cosignatures finds them in the bundle.
        guard let checkpoint = try await Cosignatures(store: store).checkpoint(covering: entry.index) else {
            throw RegistryError.unavailable("no checkpoint covers entry \(entry.index) yet")
        }
        let hashes = try await MerkleTree.inclusionProof(index: entry.index, size: checkpoint.size, reader: store)
        return TlogProof(extra: entry.bytes, index: entry.index, hashes: hashes, checkpoint: checkpoint.note)
    }
}

/// A certificate as exported: the JWS, then (optionally) a blank line and the proof bundle.
public struct CertificateExport: Sendable {
    public let jws: String
    public let proof: TlogProof?

    public var text: String { jws + "\n" + (proof.map { "\n" + $0.text } ?? "") }

    public init(jws: String, proof: TlogProof?) {
        self.jws = jws
        self.proof = proof
    }

    public init(text: String) throws(NoteError) {
        let lines = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        jws = String(lines[0]).trimmingCharacters(in: .whitespaces)
        let rest = lines.count > 1 ? lines[1].drop { $0 == "\n" } : ""
        proof = rest.isEmpty ? nil : try TlogProof(text: String(rest))
    }
}
