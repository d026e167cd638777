public import RightsRegistry

/// Decides exchange acts: checks an act against the exchange's rules, the listing's own rule
/// set and the register's current state, and returns the events to log — or refuses with the
/// rule that forbids it. It writes nothing, so a refused act changes nothing. The stages are in
/// the extensions: listing, intents, auction, settlement, stopping the clock, withdrawal.
public struct ExchangeDecider: Sendable {
    public let registrar: Registrar
    public let reads: ExchangeReads
    /// Who asks (logged as the entry's actor; a listing names who submitted it).
    public let actor: String
    public let zone: RegistryTimeZone
    /// The log's tree head when the act is decided — what a lot is drawn from (L-18).
    public let treeHead: TreeHead?

    /// A tree head: the log's size and its root hash.
    public struct TreeHead: Sendable, Hashable {
        public let size: UInt64
        public let root: TreeHash

        public init(size: UInt64, root: TreeHash) {
            self.size = size
            self.root = root
        }
    }

    public init(
        registrar: Registrar, reads: ExchangeReads, actor: String, zone: RegistryTimeZone, treeHead: TreeHead?
    ) {
        self.registrar = registrar
        self.reads = reads
        self.actor = actor
        self.zone = zone
        self.treeHead = treeHead
    }

    var today: Day { registrar.today }
    var calendar: WorkingDayCalendar { registrar.policy.calendar }

    public func decide(_ act: ExchangeAct) async throws -> [any RegistryEvent] {
        switch act {
        case .setRules(let rules):
            let problems = rules.problems
            guard problems.isEmpty else {
                throw RegistryError.invalid(problems.map { FieldProblem(field: $0.field, reason: $0.reason) })
            }
            return [ExchangeRulesSet(rules: rules)]
        case .submit(let application, let applicant): return [try await submit(application, by: applicant)]
        case .foreclose(let mortgage, let application, let bank):
            return [try await foreclose(mortgage, application, bank: bank)]
        case .review(let id, let approve, let reason): return [try await review(id, approve: approve, reason: reason)]
        case .registerIntent(let id, let application, let applicant):
            return [try await registerIntent(id, application, by: applicant)]
        case .bid(let id, let intent, let amount, let applicant):
            return [try await bid(id, intent: intent, amount: amount, by: applicant)]
        case .close(let id): return try await close(id)
        case .claimPriority(let id, let intent, let applicant):
            return [try await claimPriority(id, intent: intent, by: applicant)]
        case .sign(let id, let party, let applicant): return [try await sign(id, as: party, by: applicant)]
        case .confirmPayment(let id, let reference): return try await confirmPayment(id, reference: reference)
        case .forfeit(let id, let reason): return [try await forfeit(id, reason: reason)]
        case .suspend(let id, let reason): return [try await suspend(id, reason: reason)]
        case .resume(let id, let reason): return [try await resume(id, reason: reason)]
        case .terminate(let id, let reason): return [try await terminate(id, cause: .exchange, reason: reason)]
        case .refund(let intent, let reference): return [try await refund(intent, reference: reference)]
        case .applyWithdrawal(let application, let applicant):
            return [try await applyWithdrawal(application, by: applicant)]
        case .approveWithdrawal(let id, let approval): return [try await approveWithdrawal(id, approval: approval)]
        case .payWithdrawal(let id, let reference): return try await payWithdrawal(id, reference: reference)
        }
    }

    // MARK: Shared checks

    /// The right, current; with an applicant, only after its standing is checked, so an agent
    /// without a mandate learns nothing of the right's state.
    func requireCurrent(
        _ id: RightID, for applicant: Applicant? = nil, matter: MandateMatter = .purchase
    ) async throws -> Right {
        guard let right = try await registrar.reads.right(id) else {
            throw RegistryError.notFound("right", id.rawValue)
        }
        if let applicant { try await requireMandate(applicant, for: right.holder, matter: matter) }
        let status = right.status(on: today)
        guard status == .current else {
            throw RegistryError.conflict("right", "\(id) is \(status.rawValue), not current")
        }
        return right
    }

    /// E-1, FLM-8: an agent acts for a party only under a registered 委托书 in force that covers
    /// the matter.
    func requireMandate(_ applicant: Applicant, for principal: Holder, matter: MandateMatter) async throws {
        guard case .agent(let party) = applicant else { return }
        let mandates = try await registrar.reads.mandates(agent: party)
        guard mandates.contains(where: { $0.principal == principal && $0.covers(matter, on: today) }) else {
            throw RegistryError(
                code: "auth.mandate",
                message: "\(party) holds no registered 委托书 (FLM-8) from \(principal.masked) covering \(matter.rawValue)"
            )
        }
    }

    /// The encumbrance that stops a sale of `right` (SPC-15, C-5, C-6), if one is in force.
    func blockingEncumbrance(on right: RightID) async throws -> (Encumbrance, StopCause)? {
        for encumbrance in try await registrar.reads.encumbrances(on: right) where encumbrance.isActive(on: today) {
            switch encumbrance.kind {
            case .seizure: return (encumbrance, .seizure)
            case .objection: return (encumbrance, .objection)
            case .advanceNotice: return (encumbrance, .advanceNotice)
            case .mortgage: continue
            }
        }
        return nil
    }

    /// The day deposits released today fall due back to their buyers (E-6).
    func refundsDue(_ listing: Listing) -> Day {
        calendar.adding(workingDays: listing.procedure.refundWorkingDays, to: today)
    }

    /// A listing that is stopped takes no act but resumption or termination.
    func requireRunning(_ listing: Listing) throws {
        guard let suspension = listing.suspension, listing.status == .suspended else { return }
        throw RegistryError(
            code: "conflict.suspended",
            message:
                "\(listing.id) is suspended (中止) since \(suspension.since) under \(suspension.cause.rule): \(suspension.reason)"
        )
    }
}
