import Foundation
public import RightsRegistry

/// The rural property exchange (E-1…E-9) on top of the register, as the HTTP routes and the CLI
/// use it: each act is decided by an `ExchangeDecider` against the register's current state and
/// logged in one transaction with any registry act it performs (a settlement's transfer, a
/// withdrawal's surrender); the rest is reads.
public struct ExchangeService: Sendable {
    public let registry: Registry
    public let reads: ExchangeReads

    public init(registry: Registry) {
        self.registry = registry
        reads = ExchangeReads(store: registry.store)
    }

    /// Decides `act` and logs what it decided; a refused act writes nothing.
    @discardableResult
    public func perform(_ act: ExchangeAct, actor: String) async throws -> [LogEntry] {
        try await registry.performAll(actor: actor) { registrar in
            var head: ExchangeDecider.TreeHead?
            if case .close = act {
                // A lot may be drawn: from the tree head the close is decided at.
                head = ExchangeDecider.TreeHead(
                    size: registrar.nextIndex,
                    root: try await MerkleTree.root(size: registrar.nextIndex, reader: registry.store))
            }
            let decider = ExchangeDecider(
                registrar: registrar, reads: reads, actor: actor, zone: registry.timeZone, treeHead: head)
            return try await decider.decide(act)
        }
    }

    /// Performs `act` and answers with `answer`'s reads of the register as the act left it
    /// (`Registry.answering`).
    private func perform<T: Sendable>(
        _ act: ExchangeAct, actor: String, answer: @escaping @Sendable (_ entries: [LogEntry]) async throws -> T
    ) async throws -> T {
        let entries = try await perform(act, actor: actor)
        guard let last = entries.last else { return try await answer(entries) }
        return try await registry.answering(after: last) { try await answer(entries) }
    }

    // MARK: Reads

    public func listing(_ id: ListingID) async throws -> Listing { try await reads.listing(id) }
    public func deal(_ id: DealID) async throws -> Deal { try await reads.deal(id) }
    public func withdrawal(_ id: WithdrawalID) async throws -> Withdrawal { try await reads.withdrawal(id) }

    public func listings(status: ListingStatus?, after: String?, limit: Int) async throws -> [Listing] {
        try await reads.listings(status: status, after: after, limit: limit)
    }

    // MARK: Acts, answered with what they changed

    /// Sets the rule set listings submitted from now on run under; answers it.
    public func setRules(_ rules: ExchangeRules, actor: String) async throws -> ExchangeRules {
        try await perform(.setRules(rules), actor: actor) { _ in try await reads.rules() }
    }

    public func submit(_ application: ListingApplication, by applicant: Applicant, actor: String) async throws
        -> Listing
    {
        try await perform(.submit(application, by: applicant), actor: actor) { entries in
            try await listing(ListingID(entry: entries[0].index))
        }
    }

    public func foreclose(_ mortgage: EncumbranceID, _ application: ListingApplication, bank: String, actor: String)
        async throws -> Listing
    {
        try await perform(.foreclose(mortgage, application, bank: bank), actor: actor) { entries in
            try await listing(ListingID(entry: entries[0].index))
        }
    }

    public func review(_ id: ListingID, approve: Bool, reason: String?, actor: String) async throws -> Listing {
        try await perform(.review(id, approve: approve, reason: reason), actor: actor) { _ in try await listing(id) }
    }

    public func registerIntent(
        _ id: ListingID, _ application: IntentApplication, by applicant: Applicant, actor: String
    ) async throws -> Intent {
        try await perform(.registerIntent(id, application, by: applicant), actor: actor) { entries in
            let intent = IntentID(entry: entries[0].index)
            guard let registered = try await listing(id).intent(intent) else {
                throw RegistryError.notFound("intent", intent.rawValue)
            }
            return registered
        }
    }

    public func bid(_ id: ListingID, intent: IntentID, amount: Fen, by applicant: Applicant, actor: String)
        async throws -> Listing
    {
        try await perform(.bid(id, intent, amount, by: applicant), actor: actor) { _ in try await listing(id) }
    }

    public func close(_ id: ListingID, actor: String) async throws -> Listing {
        try await perform(.close(id), actor: actor) { _ in try await listing(id) }
    }

    public func claimPriority(_ id: ListingID, intent: IntentID, by applicant: Applicant, actor: String)
        async throws -> Listing
    {
        try await perform(.claimPriority(id, intent, by: applicant), actor: actor) { _ in try await listing(id) }
    }

    public func sign(_ id: DealID, as party: ContractParty, by applicant: Applicant, actor: String) async throws
        -> Deal
    {
        try await perform(.sign(id, party, by: applicant), actor: actor) { _ in try await deal(id) }
    }

    public func confirmPayment(_ id: DealID, reference: String, actor: String) async throws -> Deal {
        try await perform(.confirmPayment(id, reference: reference), actor: actor) { _ in try await deal(id) }
    }

    /// The forfeited deal, and the deal struck with the successor, if one took it.
    public func forfeit(_ id: DealID, reason: ForfeitReason, actor: String) async throws
        -> (forfeited: Deal, next: Deal?)
    {
        try await perform(.forfeit(id, reason), actor: actor) { _ in
            let forfeited = try await deal(id)
            guard let next = try await listing(forfeited.listing).deal, next != id else { return (forfeited, nil) }
            return (forfeited, try await deal(next))
        }
    }

    public func suspend(_ id: ListingID, reason: String, actor: String) async throws -> Listing {
        try await perform(.suspend(id, reason: reason), actor: actor) { _ in try await listing(id) }
    }

    public func resume(_ id: ListingID, reason: String, actor: String) async throws -> Listing {
        try await perform(.resume(id, reason: reason), actor: actor) { _ in try await listing(id) }
    }

    public func terminate(_ id: ListingID, reason: String, actor: String) async throws -> Listing {
        try await perform(.terminate(id, reason: reason), actor: actor) { _ in try await listing(id) }
    }

    public func refund(_ intent: IntentID, reference: String, actor: String) async throws -> DepositRefund {
        try await perform(.refund(intent, reference: reference), actor: actor) { _ in try await reads.refund(intent) }
    }

    public func applyWithdrawal(_ application: WithdrawalApplication, by applicant: Applicant, actor: String)
        async throws -> Withdrawal
    {
        try await perform(.applyWithdrawal(application, by: applicant), actor: actor) { entries in
            try await withdrawal(WithdrawalID(entry: entries[0].index))
        }
    }

    public func approveWithdrawal(_ id: WithdrawalID, approval: String, actor: String) async throws -> Withdrawal {
        try await perform(.approveWithdrawal(id, approval: approval), actor: actor) { _ in try await withdrawal(id) }
    }

    public func payWithdrawal(_ id: WithdrawalID, reference: String, actor: String) async throws -> Withdrawal {
        try await perform(.payWithdrawal(id, reference: reference), actor: actor) { _ in try await withdrawal(id) }
    }
}

extension ExchangeService {
    /// The 交易鉴证书 (E-8) of a settled deal: the JWS of its settlement entry's attestation,
    /// signed with the registry's certificate key, and with `withProof` the bundle that binds the
    /// entry to a signed checkpoint — so `rights certificate verify` checks it like a certificate.
    public func attestation(_ id: DealID, withProof: Bool) async throws -> CertificateExport {
        guard let keys = registry.keys else { throw RegistryError.unavailable("signing needs the keys") }
        let deal = try await deal(id)
        guard deal.status == .settled, let index = deal.settlementEntry,
            let entry = try await registry.store.entry(index),
            case .object(var payload)? = entry.payload["attestation"]
        else {
            throw RegistryError.conflict("deal", "\(id) is \(deal.status.rawValue); the 交易鉴证书 is issued at settlement")
        }
        payload["registry"] = .string(keys.origin)
        payload["log_index"] = .number(Double(entry.index))
        payload["leaf_hash"] = .string(entry.leafHash.base64)
        let jws = try JWS.sign(payload: .object(payload), type: Self.attestationType, with: keys.currentCertificateKey)
        return CertificateExport(jws: jws, proof: withProof ? try await registry.proof(of: entry) : nil)
    }

    public static let attestationType = "rights-transaction+jws"
}
