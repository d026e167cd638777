/// Collateral searches by banks (HMLR-style official searches, rule book anchors §3.4): the
/// answer is a statement signed with the certificate key, naming the checkpoint it was answered
/// against, so the bank can prove later what the register said. Every search is itself logged
/// (who, what, why — R-14).
public struct CollateralSearches: Sendable {
    public let registry: Registry

    public init(registry: Registry) { self.registry = registry }

    public static let type = "collateral-search+jws"
    /// L-21: a security interest in a 土地经营权 exists from the guarantee contract; registration
    /// only makes it good against third parties, so a search cannot prove there is none.
    public static let unregisteredInterestWarning =
        "L-21 A security interest in a 土地经营权 is created when the guarantee contract takes effect; one that is not registered may exist and does not appear in this result."

    public struct Result: Sendable {
        public let entry: LogEntry
        public let payload: JSONValue
        /// The payload as signed: its canonical JSON.
        public let payloadBytes: [UInt8]
        public let jws: String
    }

    /// - Parameters:
    ///   - subject: a right ID or a certificate number.
    ///   - borrower: the ID number (or credit code) the bank was given for the borrower; it is
    ///     compared with the holders and never stored or echoed.
    ///   - party: the bank's identifier; `searcher` its name.
    public func search(
        subject: String, borrower: String, purpose: String, party: String, searcher: String, actor: String
    )
        async throws -> Result
    {
        guard let keys = registry.keys else { throw RegistryError.unavailable("signing search results needs the keys") }
        guard !purpose.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw RegistryError.rule("R-14", "a search states its purpose", field: "purpose")
        }
        let borrowerID = try Self.identifier(borrower)
        // The reads share what the store sets up for reads (one connection); the search entry
        // is written after them, in a group commit.
        let (right, certificateNumber, status, report, matches) = try await registry.store.reading {
            // The right with its encumbrances and household, in one read where the store can.
            let report = try await RegistryQueries(registry: self.registry).report(idOrCertificate: subject)
            let right = report.right
            var certificateNumber = right.certificate
            // The right's status as every view states it (`Right.status(on:)`).
            var status = right.status(on: self.registry.today).rawValue
            if subject.uppercased() != right.id.rawValue,
                let document = try await self.registry.store.document(CertificateRecord.key(subject))
            {
                // Asked by certificate number: the answer is about that certificate, which may
                // have been superseded since (the register prevails, C-2).
                let record = try JSONValueDecoder().decode(CertificateRecord.self, from: document)
                certificateNumber = record.number
                status = CertificateStatus(number: record.number, right: right, on: self.registry.today).rawValue
            }
            // The answer states the register as read just before the search entry; the
            // checkpoint is the one committed with it, so every later change to the right
            // follows it in the log.
            return (right, certificateNumber, status, report, try await self.holderMatches(report, borrowerID))
        }
        let searched = CollateralSearched(
            right: right.id, party: party, purpose: purpose, holderMatch: matches, certificate: certificateNumber)
        let (entry, checkpoint) = try await registry.record(searched, actor: actor)
        let head = try registry.openCheckpoint(checkpoint.note)
        let today = registry.today
        let mortgages = report.encumbrances.filter { $0.kind == .mortgage && $0.isActive(on: today) }
            .sorted { $0.registeredAt < $1.registeredAt }
        var payload: [String: JSONValue] = [
            "type": "collateral-search",
            "registry": .string(keys.origin),
            "search": .number(Double(entry.index)),
            "searched_at": .string(entry.time),
            "searcher": .string(searcher),
            "purpose": .string(purpose),
            "right_id": .string(right.id.rawValue),
            "right_kind": .string(right.kind.rawValue),
            "certificate_no": certificateNumber.map(JSONValue.string) ?? .null,
            "status": .string(status),
            "holder_match": .bool(matches),
            "area_m2": right.area.map { .string($0.description) } ?? .null,
            "flags": .array(report.flags.names.map(JSONValue.string)),
            "seized": .bool(report.flags.seized),
            "objection": .bool(report.flags.objection),
            "advance_notice": .bool(report.flags.advanceNotice),
            "mortgages": .array(
                mortgages.enumerated().map { rank, mortgage in
                    [
                        "id": .string(mortgage.id.rawValue), "rank": .number(Double(rank + 1)),
                        "amount_fen": mortgage.amount.map { .number(Double($0.value)) } ?? .null,
                        "outstanding_fen": .number(Double(mortgage.outstanding.value)),
                        "mortgagee": .string(mortgage.holder),
                        "registered_on": .string(mortgage.registeredOn.description),
                    ]
                }),
            "checkpoint": ["size": .number(Double(head.size)), "root": .string(head.root.base64)],
            "warning": right.kind == .contractLand || right.kind == .landManagement
                ? .string(Self.unregisteredInterestWarning) : .null,
        ]
        if let term = right.term {
            payload["term_remaining"] = [
                "end": .string(term.end.description), "days": .number(Double(max(0, today.days(until: term.end)))),
            ]
        } else {
            payload["term_remaining"] = .null
        }
        let payloadBytes = CanonicalJSON.bytes(.object(payload))
        let jws = try JWS.sign(canonicalPayload: payloadBytes, type: Self.type, with: keys.currentCertificateKey)
        return Result(entry: entry, payload: .object(payload), payloadBytes: payloadBytes, jws: jws)
    }

    static func identifier(_ text: String) throws -> String {
        if let id = try? CitizenID(text) { return id.rawValue }
        if let code = try? CreditCode(text) { return code.rawValue }
        throw RegistryError.invalid("holder_id_number", "not a valid citizen ID number or credit code")
    }

    /// The knowledge check: does the borrower hold the right? A household's right is held by
    /// every member (L-3).
    func holderMatches(_ report: RightReport, _ borrower: String) async throws -> Bool {
        switch report.right.holder {
        case .person(let id): return id.rawValue == borrower
        case .organisation(let code): return code.rawValue == borrower
        case .collective(let code): return try await registry.reads.collective(code)?.creditCode.rawValue == borrower
        case .household: return report.householdMembers.contains { $0.person.idNumber.rawValue == borrower }
        }
    }
}
