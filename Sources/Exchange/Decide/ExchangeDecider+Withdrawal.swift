import RightsRegistry

// Voluntary paid withdrawal (自愿有偿退出): applied for by the household, approved and paid by
// the collective, and only then entered in the register.
extension ExchangeDecider {
    func applyWithdrawal(_ application: WithdrawalApplication, by applicant: Applicant) async throws
        -> WithdrawalApplied
    {
        let right = try await requireCurrent(application.right, for: applicant, matter: .withdrawal)
        try await requireOffExchange(right.id)
        let compensation: Fen?
        switch right.detail {
        case .contractLand:
            guard application.noticeOn != nil else {
                throw RegistryError.rule("L-10", "the 发包方 is given written notice six months ahead", field: "notice_on")
            }
            compensation = application.compensation
        case .homestead:
            // H-9: a surrender subsidy plus the house's residual value.
            guard let subsidy = application.subsidy, let residual = application.residualValue else {
                throw RegistryError.rule(
                    "H-9", "the collective pays a surrender subsidy and the house's residual value",
                    field: application.subsidy == nil ? "subsidy_fen" : "residual_value_fen")
            }
            compensation = Fen(subsidy.value + residual.value)
        case .collectiveShare(let holding):
            if let shares = application.shares, shares > holding.shares {
                throw RegistryError.invalid("shares", "\(right.id) holds \(holding.shares) shares")
            }
            compensation = application.compensation
        case .landManagement:
            throw RegistryError.invalid(
                "right_id", "a 土地经营权 ends with its term or by termination (L-22), not by withdrawal")
        }
        guard let compensation, compensation > .zero else {
            throw RegistryError.rule("L-10", "a withdrawal is paid (有偿)", field: "compensation_fen")
        }
        if case .household(let code) = right.holder, let household = try await registrar.reads.household(code),
            !household.members.isEmpty, !application.consents.contains(where: { $0.party == .coHolders })
        {
            throw RegistryError.rule(
                "L-10", "a withdrawal is voluntary: every co-holder of household \(code) consents in writing",
                field: "consents")
        }
        return WithdrawalApplied(
            withdrawal: Withdrawal(
                id: WithdrawalID(entry: registrar.nextIndex), right: right, compensation: compensation,
                subsidy: application.subsidy, residualValue: application.residualValue,
                noticeOn: application.noticeOn, keepEligibility: application.keepEligibility,
                shares: application.shares, consents: application.consents))
    }

    /// A right on the exchange is not withdrawn: buyers have paid deposits for it.
    func requireOffExchange(_ right: RightID) async throws {
        if let live = try await reads.liveListings(on: right).first {
            throw RegistryError.conflict(
                "listing", "\(right) is on the exchange as \(live.id) (\(live.status.rawValue)); it ends first")
        }
    }

    func approveWithdrawal(_ id: WithdrawalID, approval: String) async throws -> WithdrawalApproved {
        let withdrawal = try await reads.withdrawal(id)
        guard withdrawal.status == .applied else {
            throw RegistryError.conflict("withdrawal", "\(id) is \(withdrawal.status.rawValue)")
        }
        return WithdrawalApproved(withdrawal: id, approval: approval)
    }

    /// The collective paid: the register takes the right back (its own rules: L-10's six months,
    /// H-9's choice, the redemption cap) in the same transaction as the payment entry.
    func payWithdrawal(_ id: WithdrawalID, reference: String) async throws -> [any RegistryEvent] {
        let withdrawal = try await reads.withdrawal(id)
        guard withdrawal.status == .approved, let approval = withdrawal.approval else {
            throw RegistryError.conflict(
                "withdrawal", "\(id) is \(withdrawal.status.rawValue); the collective approves before it pays")
        }
        try await requireOffExchange(withdrawal.right)
        let surrender = try await registrar.decide(
            .onRight(withdrawal.right, .surrender(withdrawal.surrender(approval: approval))))
        return [surrender, WithdrawalPaid(withdrawal: id, payment: reference)]
    }
}
