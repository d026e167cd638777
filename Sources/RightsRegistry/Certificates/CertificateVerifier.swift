/// Checks a certificate with nothing but the registry's published keys: the JWS signature; with
/// a proof, that the payload states what its log entry did, that the entry is included in the
/// checkpointed tree, and that the checkpoint is signed by the registry.
public struct CertificateVerifier: Sendable {
    public let certificateKeys: [VerifyingKey]
    public let checkpointKey: SignedNote.Verifier?
    /// The witnesses the verifier trusts, and how many of them must have cosigned the checkpoint
    /// (C2SP tlog-cosignature) — so a registry cannot show this certificate's holder one history
    /// and a bank another.
    public let witnesses: [Cosignature.Verifier]
    public let quorum: Int

    public init(
        certificateKeys: [VerifyingKey], checkpointKey: SignedNote.Verifier?, witnesses: [Cosignature.Verifier] = [],
        quorum: Int = 0
    ) {
        self.certificateKeys = certificateKeys
        self.checkpointKey = checkpointKey
        self.witnesses = witnesses
        self.quorum = quorum
    }

    /// One named check and its outcome.
    public struct Check: Sendable, Equatable {
        public let name: String
        public let passed: Bool
        public let detail: String
    }

    public struct Result: Sendable {
        public let checks: [Check]
        public let payload: JSONValue

        public var valid: Bool { !checks.isEmpty && checks.allSatisfy(\.passed) }
        public var firstFailure: Check? { checks.first { !$0.passed } }
    }

    public func verify(_ certificate: CertificateExport) -> Result {
        var checks: [Check] = []
        func check(_ name: String, _ passed: Bool, _ detail: String) {
            checks.append(Check(name: name, passed: passed, detail: detail))
        }

        let jws: JWS.Parsed
        do {
            jws = try JWS.parse(certificate.jws)
        } catch {
            check("signature", false, "\(error)")
            return Result(checks: checks, payload: .null)
        }
        do {
            try jws.verify(with: certificateKeys)
            check("signature", true, "\(jws.algorithm ?? "?") signature by key \(jws.kid ?? "?")")
        } catch {
            check("signature", false, "\(error)")
        }
        let payload = jws.payload
        guard let proof = certificate.proof else { return Result(checks: checks, payload: payload) }

        guard let extra = proof.extra, let entry = try? LogEntry(bytes: extra) else {
            check("entry", false, "the proof carries no canonical log entry")
            return Result(checks: checks, payload: payload)
        }
        let index = payload["log_index"]?.integerValue
        check(
            "entry",
            entry.index == proof.index && index == Int64(entry.index)
                && payload["leaf_hash"]?.stringValue == entry.leafHash.base64,
            "entry \(entry.index) (\(entry.kind)), leaf hash \(entry.leafHash.base64)")
        let binding = Self.binding(payload: payload, entry: entry)
        check("payload matches entry", binding == nil, binding ?? "the entry states this right as the certificate does")

        guard let verifier = checkpointKey else {
            check("checkpoint signature", false, "no checkpoint verifier key given")
            return Result(checks: checks, payload: payload)
        }
        do {
            let checkpoint = try Checkpoint.open(proof.checkpoint, verifier: verifier)
            check("checkpoint signature", true, "\(checkpoint.origin) at size \(checkpoint.size)")
            if quorum > 0 {
                let cosigners = witnesses.filter { $0.cosigned(proof.checkpoint) != nil }.map(\.name)
                check(
                    "witness quorum", cosigners.count >= quorum,
                    "\(cosigners.count) of the \(witnesses.count) given witnesses cosigned (quorum \(quorum))"
                        + (cosigners.isEmpty ? "" : ": " + cosigners.joined(separator: ", ")))
            }
            do {
                try MerkleTree.verifyInclusion(
                    index: proof.index, size: checkpoint.size, leafHash: entry.leafHash.bytes,
                    proof: proof.hashes.map(\.bytes), root: checkpoint.root.bytes)
                check("inclusion", true, "entry \(proof.index) is in the tree of size \(checkpoint.size)")
            } catch {
                check("inclusion", false, "\(error)")
            }
        } catch {
            check("checkpoint signature", false, "\(error)")
        }
        return Result(checks: checks, payload: payload)
    }

    /// Why the certificate's payload is not what its entry says, or nil when it is. An entry
    /// states the fields its act changed; those must agree with the certificate.
    static func binding(payload: JSONValue, entry: LogEntry) -> String? {
        guard let right = payload["right_id"]?.stringValue else { return "the payload names no right" }
        let event = entry.payload
        switch entry.kind {
        case RightRegistered.kind:
            guard event["id"]?.stringValue == right else {
                return "entry \(entry.index) registers \(event["id"]?.stringValue ?? "?")"
            }
            guard event["holder"] == payload["holder"] else { return "the holder differs from the one registered" }
            if let term = event["term"], term != payload["term"] { return "the term differs from the one registered" }
            if let parcels = event["detail"]?["contract_land"]?["parcels"]?.arrayValue {
                let registered = Set(parcels.compactMap { $0["code"]?.stringValue })
                let stated = Set(payload["parcels"]?.arrayValue?.compactMap { $0["code"]?.stringValue } ?? [])
                guard registered == stated else { return "the parcels differ from the ones registered" }
            }
        case RightTransferred.kind:
            guard event["right"]?.stringValue == right || event["target"]?.stringValue == right else {
                return "entry \(entry.index) transfers another right"
            }
            if event["target"]?.stringValue == right, event["to"] != payload["holder"] {
                return "the holder is not the one the right was transferred to"
            }
        case RightChanged.kind, RightCorrected.kind, RegistrationCompleted.kind:
            guard event["right"]?.stringValue == right else { return "entry \(entry.index) concerns another right" }
            if let term = event["term"], term != payload["term"] { return "the term differs from the entry's" }
        case MemberAdded.kind:
            guard event["rights"]?.arrayValue?.contains(.string(right)) == true else {
                return "entry \(entry.index) does not concern this right"
            }
        default:
            // An entry that carries an attestation (the exchange's 交易鉴证书) binds a payload
            // that states every one of its fields as logged.
            guard case .object(let attestation)? = event["attestation"] else {
                return "entry \(entry.index) is a \(entry.kind) entry, which issues no certificate"
            }
            for (field, value) in attestation.sorted(by: { $0.key < $1.key }) where payload[field] != value {
                return "the certificate's \(field) differs from the one entry \(entry.index) attests"
            }
        }
        return nil
    }
}
