extension Registrar {
    /// 自愿有偿退出, entered once the collective approved and paid: the right goes back to the
    /// collective. Voluntary means the household applied and every co-holder consented; moving to
    /// town is never a reason (L-8, T-10), so nothing here looks at it.
    func surrender(_ right: Right, _ surrender: Surrender) async throws -> any RegistryEvent {
        try requireCurrent(right)
        _ = try required(surrender.approval, "approval")
        try await requireDisposable(right, to: .collective(right.collective))
        if let mortgage = try await activeEncumbrances(on: right.id).first(where: { $0.kind == .mortgage }) {
            throw RegistryError.conflict(
                "mortgage", "\(right.id) is mortgaged to \(mortgage.holder) (\(mortgage.id)); release it first")
        }
        if case .household(let code) = right.holder, try await !household(code).members.isEmpty {
            guard surrender.consents.contains(where: { $0.party == .coHolders }) else {
                throw RegistryError.rule(
                    "L-10", "a withdrawal is voluntary: every co-holder of household \(code) consents in writing",
                    field: "consents")
            }
        }
        switch right.detail {
        case .contractLand(let land):
            // L-10: written notice six months ahead; no new contract land for the rest of the term.
            guard let notice = surrender.noticeOn else {
                throw RegistryError.rule("L-10", "surrender of contract land needs written notice", field: "notice_on")
            }
            guard today >= notice.adding(months: 6) else {
                throw RegistryError.rule(
                    "L-10",
                    "notice was given on \(notice); the land goes back six months later, on \(notice.adding(months: 6))",
                    field: "notice_on")
            }
            let live = try await reads.rights(RightQuery(status: .live(on: today), parent: right.id, limit: 1))
            if let child = live.first {
                throw RegistryError.conflict("right", "土地经营权 \(child.id) carved out of \(right.id) is still in force")
            }
            // A household that gives up its contract land takes none for the rest of the term; an
            // heir who held a 林地 contract on its own (L-12) has no household to bar.
            var household: HouseholdCode?
            if case .household(let code) = right.holder { household = code }
            return RightSurrendered(
                right: right.id, approval: surrender.approval, compensation: surrender.compensation,
                parcels: land.parcels.map(\.code), household: household,
                barredUntil: household == nil ? nil : right.term?.end)
        case .homestead:
            // H-9: the household chooses whether to keep its 资格权.
            var household: HouseholdCode?
            if case .household(let code) = right.holder, !surrender.keepEligibility { household = code }
            return RightSurrendered(
                right: right.id, approval: surrender.approval, compensation: surrender.compensation,
                household: household, keepEligibility: surrender.keepEligibility)
        case .collectiveShare(let holding):
            let shares = surrender.shares ?? holding.shares
            guard (1...holding.shares).contains(shares) else {
                throw RegistryError.invalid("shares", "must be 1–\(holding.shares), the shares held in \(right.id)")
            }
            let collective = try await collective(right.collective)
            if let cap = collective.charter.annualRedemptionCapBasisPoints {
                // 柯桥: the collective redeems at most a set share of all shares each year.
                let all = try await reads.rights(
                    RightQuery(kind: .collectiveShare, status: .current(on: today), collective: right.collective)
                ).reduce(0) { total, right in
                    if case .collectiveShare(let holding) = right.detail { return total + holding.shares }
                    return total
                }
                let limit = all * cap / 10_000
                let redeemed = collective.redemptions?[String(today.year)] ?? 0
                guard redeemed + shares <= limit else {
                    throw RegistryError.rule(
                        "S-REDEEM",
                        "the charter of \(collective.code) lets it redeem \(limit) of \(all) shares in \(today.year); \(redeemed) already redeemed",
                        field: "shares")
                }
            }
            return RightSurrendered(
                right: right.id, approval: surrender.approval, compensation: surrender.compensation,
                collective: right.collective, shares: shares, year: today.year)
        case .landManagement:
            throw RegistryError.invalid("kind", "a 土地经营权 ends with its term or by termination (L-22), not withdrawal")
        }
    }
}
