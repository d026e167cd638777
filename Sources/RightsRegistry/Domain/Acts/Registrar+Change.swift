extension Registrar {
    // MARK: Change (变更登记) and correction (更正登记)

    func change(_ right: Right, term: TermChange?, detail: RightDetail?, reason: String) async throws
        -> any RegistryEvent
    {
        _ = try required(reason, "reason")
        guard term != nil || detail != nil else {
            throw RegistryError.invalid("term", "a change needs a new term or new particulars")
        }
        var newTerm: Term?
        switch term {
        case .extend(let years):
            // L-4: when the term ends the contract is extended by another 30 years (林地, 草地 on
            // the same basis). The extension follows the current term: the years already
            // contracted stay, and the extension may be registered before they end or after.
            guard case .contractLand(let land) = right.detail, let current = right.term else {
                throw RegistryError.invalid("term", "only contract land is extended (延包)")
            }
            if right.status(on: today) != .expired { try requireCurrent(right) }
            let start = current.end.adding(days: 1)
            let extended = try self.term(start, start.adding(years: years).adding(days: -1), field: "term")
            try Rules.checkContractTerm(extended, parcels: land.parcels)
            guard Day.inputRange.contains(extended.end) else {
                throw RegistryError.invalid(
                    "term.extend_years", "the extension would end after \(Day.inputRange.upperBound)")
            }
            newTerm = try self.term(current.start, extended.end, field: "term")
        case .replace(let replacement):
            try requireCurrent(right)
            newTerm = replacement
            if case .contractLand(let land) = right.detail {
                try Rules.checkContractTerm(replacement, parcels: land.parcels)
            }
        case nil:
            try requireCurrent(right)
        }
        if let detail { try requireSameShape(detail, as: right) }
        if case .homestead(let homestead) = detail {
            let cap = policy.homesteadAreaStandard.cap(for: homestead.landCategory)
            if homestead.plotArea > cap {
                throw RegistryError.rule(
                    "H-2", "plot of \(homestead.plotArea) m² exceeds the \(cap) m² standard", field: "plot_area_m2")
            }
        }
        let lapses = try await lapses(of: right, movingTo: newTerm)
        return RightChanged(right: right.id, term: newTerm, detail: detail, reason: reason, lapses: lapses)
    }

    func correct(_ right: Right, term: Term?, detail: RightDetail?, basis: CorrectionBasis, document: String)
        async throws -> any RegistryEvent
    {
        _ = try required(document, "document")
        guard term != nil || detail != nil else {
            throw RegistryError.invalid("detail", "a correction needs the corrected term or particulars")
        }
        if let detail { try requireSameShape(detail, as: right) }
        if let term {
            // L-17(3): no 土地经营权 carved out of the right may outlast its corrected term.
            for lease in try await reads.rights(
                RightQuery(kind: .landManagement, status: .live(on: today), parent: right.id))
            where (lease.term?.end ?? term.end) > term.end {
                throw RegistryError.rule(
                    "L-17", "土地经营权 \(lease.id) runs to \(lease.term?.end.description ?? "-"), after \(term.end)",
                    field: "term.end")
            }
        }
        let lapses = try await lapses(of: right, movingTo: term)
        return RightCorrected(
            right: right.id, term: term, detail: detail, basis: basis, document: document, lapses: lapses)
    }

    func term(_ start: Day, _ end: Day, field: String) throws -> Term {
        do {
            return try Term(start: start, end: end)
        } catch {
            throw RegistryError.invalid(field, error.reason)
        }
    }

    /// When a term right's term moves, what lasts as long as the right moves with it: mortgages
    /// and seizures end with the new term; objections and advance notices keep their own period,
    /// cut at the new end.
    func lapses(of right: Right, movingTo term: Term?) async throws -> [EncumbranceLapse] {
        guard let term, right.kind.endsWithTerm, term != right.term else { return [] }
        var lapses: [EncumbranceLapse] = []
        for encumbrance in try await reads.encumbrances(on: right.id)
        where [.active, .pending].contains(encumbrance.status(on: today)) {
            let natural: Day?
            switch encumbrance.kind {
            case .mortgage, .seizure: natural = nil
            case .objection:
                natural = encumbrance.suit == nil ? encumbrance.registeredOn.adding(days: policy.objectionDays) : nil
            case .advanceNotice: natural = encumbrance.registeredOn.adding(days: policy.advanceNoticeDays)
            }
            let pending =
                encumbrance.pending == true ? encumbrance.registeredOn.adding(days: Self.pendingMortgageDays) : nil
            let lapsesAfter = [natural ?? pending, term.end].compactMap { $0 }.min()
            if lapsesAfter != encumbrance.lapsesAfter {
                lapses.append(EncumbranceLapse(encumbrance: encumbrance.id, lapsesAfter: lapsesAfter))
            }
        }
        return lapses
    }

    /// Changes and corrections alter particulars, never what the right is or which parcels it
    /// covers: that is a transfer or a new registration.
    func requireSameShape(_ detail: RightDetail, as right: Right) throws {
        guard detail.kind == right.kind else {
            throw RegistryError.invalid("detail", "\(right.id) is \(right.kind.rawValue), not \(detail.kind.rawValue)")
        }
        switch (detail, right.detail) {
        case (.contractLand(let new), .contractLand(let old)):
            guard Set(new.parcels.map(\.code)) == Set(old.parcels.map(\.code)) else {
                throw RegistryError.invalid("detail.parcels", "the parcel codes must stay those of \(right.id)")
            }
        case (.landManagement(let new), .landManagement(let old)):
            guard new.parent == old.parent, new.contractRight == old.contractRight, new.parcels == old.parcels else {
                throw RegistryError.invalid("detail", "the parent right and parcels of \(right.id) cannot change")
            }
        case (.collectiveShare(let new), .collectiveShare(let old)):
            guard new.shareClass == old.shareClass else {
                throw RegistryError.invalid("detail.class", "the share class cannot change")
            }
            // Shares come into being by issue and leave by redemption, never by a change (S-14).
            guard new.shares == old.shares else {
                throw RegistryError.invalid(
                    "detail.shares", "a holding's shares change by issue, transfer or redemption, not by a change")
            }
        default:
            break
        }
    }

    // MARK: Cancellation (注销登记)

    /// A right is cancelled only when it has ceased or a decision ends it — each ground with the
    /// document that proves it — and only once nothing burdens it: a mortgage is released by its
    /// bank, a seizure by its court, a lease ends first. What a household gives up of its own
    /// will goes through the paid withdrawal (L-10); what the 发包方 would take back during the
    /// term, it may not (L-8).
    func cancel(_ right: Right, _ cancellation: Cancellation) async throws -> any RegistryEvent {
        // S-14, S-REDEEM: shares come into being by issue and leave only by the collective's
        // redemption; a holding passes by transfer or inheritance, but is never simply cancelled.
        if right.kind == .collectiveShare {
            throw RegistryError.rule(
                "S-REDEEM",
                "shares leave a holding only by transfer, inheritance or the collective's redemption (POST /v1/withdrawals)",
                field: "ground")
        }
        switch cancellation.ground {
        case .surrender:
            throw RegistryError.rule(
                "L-10",
                "a household gives a right back only by the paid withdrawal (POST /v1/withdrawals): six months' written notice, every co-holder's consent, the collective's approval and payment",
                field: "ground")
        case .recovery:
            throw RegistryError.rule(
                "L-8",
                "the 发包方 may not take contract land back during the term, nor make giving it up a condition of settling in town",
                field: "ground")
        case .termEnded:
            guard right.status(on: today) == .expired else {
                throw RegistryError.invalid(
                    "ground", "\(right.id) runs to \(right.term?.end.description ?? "no end"); its term has not ended")
            }
        case .householdExtinct:
            guard case .household(let code) = right.holder, try await household(code).extinct != nil else {
                throw RegistryError.invalid(
                    "ground", "\(right.holder.masked) has not died out: record its last member's death first")
            }
            try requireCurrent(right)
        case .agreement:
            guard right.kind == .landManagement else {
                throw RegistryError.invalid("ground", "only a 土地经营权 is ended by the parties' agreement")
            }
            guard cancellation.consents.contains(where: { $0.party == .contractHolder }),
                cancellation.consents.contains(where: { $0.party == .holder })
            else {
                throw RegistryError.invalid(
                    "consents", "an agreement to end a 土地经营权 is signed by its holder and the contract holder")
            }
            try requireCurrent(right)
        case .landLost, .expropriated, .courtRuling:
            try requireCurrent(right)
        }
        let document = try required(cancellation.document, "document")
        for encumbrance in try await activeEncumbrances(on: right.id) {
            throw RegistryError.conflict(
                encumbrance.kind == .mortgage ? "mortgage" : "encumbrance",
                "\(right.id) is burdened by \(encumbrance.kind.rawValue) \(encumbrance.id) (\(encumbrance.holder)); it ends first"
            )
        }
        let live = try await reads.rights(RightQuery(status: .live(on: today), parent: right.id, limit: 1))
        if let child = live.first {
            throw RegistryError.conflict("right", "土地经营权 \(child.id) carved out of \(right.id) is still in force")
        }
        var parcels: [ParcelCode] = []
        if case .contractLand(let land) = right.detail { parcels = land.parcels.map(\.code) }
        return RightCancelled(
            right: right.id, reason: cancellation.reason ?? cancellation.ground.rawValue, parcels: parcels,
            ground: cancellation.ground, document: document)
    }

    /// A court releases its own seizure; the next queued seizure, if any, then takes effect.
    func releaseSeizure(of right: Right, by court: String, seizureID: EncumbranceID?) async throws -> any RegistryEvent
    {
        let seizures = try await activeEncumbrances(on: right.id).filter { $0.kind == .seizure && $0.holder == court }
        let seizure = seizureID.map { id in seizures.first { $0.id == id } } ?? seizures.first
        guard let seizure else {
            throw RegistryError.notFound("seizure", "by \(court) on \(right.id)")
        }
        return EncumbranceReleased(encumbrance: seizure.id, right: right.id, by: court)
    }
}
