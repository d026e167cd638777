import Foundation

extension Registrar {
    func perform(_ act: RightAct, on id: RightID) async throws -> any RegistryEvent {
        let right = try await right(id)
        guard right.status(on: today) != .cancelled else {
            throw RegistryError.conflict("right", "\(id) is cancelled; the register allows no further act on it")
        }
        switch act {
        case .transfer(let transfer): return try await self.transfer(right, transfer)
        case .change(let term, let detail, let reason):
            return try await change(right, term: term, detail: detail, reason: reason)
        case .cancellation(let reason): return try await cancel(right, reason: reason)
        case .correction(let term, let detail, let basis, let document):
            return try correct(right, term: term, detail: detail, basis: basis, document: document)
        case .objection(let applicant, let grounds):
            // C-5: an objection lapses unless suit is filed within 15 days.
            return EncumbranceRegistered(
                right: id, encumbrance: .objection, holder: try required(applicant, "applicant"),
                reference: try required(grounds, "grounds"), lapsesAfter: today.adding(days: policy.objectionDays))
        case .advanceNotice(let beneficiary, let reference):
            try requireCurrent(right)
            try await requireKnown(beneficiary, field: "beneficiary")
            // C-6: an advance notice lapses after 90 days.
            return EncumbranceRegistered(
                right: id, encumbrance: .advanceNotice, holder: beneficiary.rawValue,
                reference: try required(reference, "reference"),
                lapsesAfter: today.adding(days: policy.advanceNoticeDays),
                beneficiary: beneficiary)
        case .seizure(let court, let caseNumber):
            // 轮候查封: a later court's seizure is registered too and takes effect in order.
            return EncumbranceRegistered(
                right: id, encumbrance: .seizure, holder: try required(court, "court"),
                reference: try required(caseNumber, "case_number"), lapsesAfter: nil)
        case .seizureRelease(let court, let seizureID):
            return try await releaseSeizure(of: right, by: court, seizureID: seizureID)
        case .filing(let filing):
            _ = try required(filing.matter, "filing.matter")
            _ = try required(filing.filedWith, "filing.filed_with")
            return RightFiled(right: id, filing: filing)
        case .mortgage(let application): return try await mortgage(right, application)
        case .mortgageRelease(let mortgage, let party): return try await releaseMortgage(of: right, mortgage, by: party)
        case .termination(let termination): return try await terminate(right, termination)
        case .surrender(let surrender): return try await self.surrender(right, surrender)
        }
    }

    func required(_ text: String, _ field: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw RegistryError.invalid(field, "required") }
        return trimmed
    }

    func requireCurrent(_ right: Right) throws {
        guard right.status(on: today) == .current else {
            throw RegistryError.conflict("right", "\(right.id) is \(right.status(on: today).rawValue), not current")
        }
    }

    // MARK: Transfer (转移登记)

    func transfer(_ right: Right, _ transfer: Transfer) async throws -> any RegistryEvent {
        try requireCurrent(right)
        try await requireDisposable(right, to: transfer.to)
        guard transfer.to != right.holder else {
            throw RegistryError.invalid("to", "\(right.id) is already held by \(transfer.to.masked)")
        }
        switch right.detail {
        case .contractLand(let land): return try await transferContractLand(right, land, transfer)
        case .homestead: return try await transferHomestead(right, transfer)
        case .collectiveShare(let holding): return try await transferShares(right, holding, transfer)
        case .landManagement(let lease): return try await reassignLandManagement(right, lease, transfer)
        }
    }

    /// L-14: contract land passes only to another household of the same collective, with the
    /// 发包方's written consent; the parcels join that household's contract.
    func transferContractLand(_ right: Right, _ land: ContractLand, _ transfer: Transfer) async throws
        -> any RegistryEvent
    {
        guard case .household(let receiver) = transfer.to else {
            throw RegistryError.rule("L-14", "contract land passes only to a household", field: "to")
        }
        let household = try await household(receiver)
        guard household.collective == right.collective else {
            throw RegistryError.rule(
                "L-14", "household \(receiver) is in collective \(household.collective), not \(right.collective)",
                field: "to")
        }
        if let barred = household.contractLandBarredUntil, today <= barred {
            throw RegistryError.rule(
                "L-10", "household \(receiver) surrendered its contract land and takes none until \(barred)",
                field: "to")
        }
        guard transfer.consents.contains(where: { $0.party == .contractingParty }) else {
            throw RegistryError.rule(
                "L-14", "transfer of contract land needs the 发包方's written consent", field: "consents")
        }
        let held = land.parcels.map(\.code)
        let parcels = transfer.parcels ?? held
        guard !parcels.isEmpty, Set(parcels).isSubset(of: held) else {
            throw RegistryError.invalid("parcels", "parcels must be parcels of \(right.id)")
        }
        let target = RightID.contractLand(ContractCode(household: receiver))
        if let existing = try await reads.right(target), existing.status(on: today) != .cancelled, existing.term != right.term {
            throw RegistryError.invalid(
                "to",
                "household \(receiver)'s contract runs \(existing.term.map(String.init(describing:)) ?? "-"), not \(right.term.map(String.init(describing:)) ?? "-"); the parcels cannot join it"
            )
        }
        // Parcels under a live 土地经营权 keep it; the lease binds the new contract holder too.
        return RightTransferred(
            right: right.id, from: right.holder, to: transfer.to, target: target, parcels: parcels.sorted(),
            consents: transfer.consents)
    }

    /// A homestead passes only to a member household of the same collective (H-5), which has no
    /// homestead (T-3) and has not disposed of a dwelling before (T-6); pilots may widen this (H-12).
    func transferHomestead(_ right: Right, _ transfer: Transfer) async throws -> any RegistryEvent {
        let pilot = policy.isHomesteadTransferPilot(right.region)
        if case .household(let receiver) = transfer.to {
            let household = try await household(receiver)
            guard pilot || household.collective == right.collective else {
                throw RegistryError.rule(
                    "H-5", "a homestead passes only to a member household of \(right.collective)", field: "to")
            }
            let held = try await reads.rights(
                RightQuery(holder: transfer.to, kind: .homestead, status: .live(on: today), limit: 1))
            if let other = held.first {
                throw RegistryError.rule(
                    "T-3", "household \(receiver) already holds homestead \(other.id)", field: "to")
            }
            if let givenUp = household.homesteadEligibilityGivenUp {
                throw RegistryError.rule(
                    "H-9", "household \(receiver) gave up its homestead eligibility (资格权) on \(givenUp)", field: "to")
            }
            if let disposal = household.disposedDwelling {
                throw RegistryError.rule(
                    "T-6",
                    "household \(receiver) disposed of its dwelling (\(disposal.how), \(disposal.on)) and is not approved for another",
                    field: "to")
            }
        } else {
            guard pilot else {
                throw RegistryError.rule(
                    "H-5", "outside a pilot region a homestead passes only to a member household", field: "to")
            }
            try await requireKnown(transfer.to, field: "to")
        }
        return RightTransferred(
            right: right.id, from: right.holder, to: transfer.to, target: right.id, consents: transfer.consents,
            disposal: transfer.disposal ?? "sale")
    }

    /// Shares pass within the collective unless its charter admits others (S-14, §3.2), and a
    /// holding may not exceed the charter's cap.
    func transferShares(_ right: Right, _ holding: ShareHolding, _ transfer: Transfer) async throws -> any RegistryEvent
    {
        let collective = try await collective(right.collective)
        let shares = transfer.shares ?? holding.shares
        guard (1...holding.shares).contains(shares) else {
            throw RegistryError.invalid("shares", "must be 1–\(holding.shares), the shares held in \(right.id)")
        }
        try await requireShareHolderAllowed(transfer.to, in: collective, field: "to")
        try await requireWithinHoldingCap(transfer.to, adding: shares, in: collective)
        let receiving = try await reads.rights(
            RightQuery(holder: transfer.to, kind: .collectiveShare, status: .current(on: today), collective: right.collective)
        ).first { receiving in
            if case .collectiveShare(let existing) = receiving.detail {
                return existing.shareClass == holding.shareClass
            }
            return false
        }
        let target =
            receiving?.id
            ?? (shares == holding.shares ? right.id : .share(collective: right.collective, entry: nextIndex))
        return RightTransferred(
            right: right.id, from: right.holder, to: transfer.to, target: target, shares: shares,
            consents: transfer.consents)
    }

    /// 再流转 of a whole 土地经营权 to a new holder: the contract holder's written consent and a
    /// filing with the collective (L-23).
    func reassignLandManagement(_ right: Right, _ lease: LandManagement, _ transfer: Transfer) async throws
        -> any RegistryEvent
    {
        guard transfer.consents.contains(where: { $0.party == .contractHolder }) else {
            throw RegistryError.rule(
                "L-23", "再流转 needs the written consent of the contract holder of \(lease.contractRight)",
                field: "consents")
        }
        guard let filing = transfer.filing, !filing.filedWith.isEmpty else {
            throw RegistryError.rule("L-23", "再流转 must be filed (备案) with the collective", field: "filing")
        }
        try await requireKnown(transfer.to, field: "to")
        return RightTransferred(
            right: right.id, from: right.holder, to: transfer.to, target: right.id, consents: transfer.consents,
            filing: filing)
    }

    // MARK: Change, correction, cancellation

    func change(_ right: Right, term: TermChange?, detail: RightDetail?, reason: String) async throws
        -> any RegistryEvent
    {
        try requireCurrent(right)
        _ = try required(reason, "reason")
        guard term != nil || detail != nil else {
            throw RegistryError.invalid("term", "a change needs a new term or new particulars")
        }
        var newTerm: Term?
        switch term {
        case .extend(let years):
            // L-4: at the end of the term the contract is extended by another 30 years (林地, 草地
            // on the same basis).
            guard case .contractLand(let land) = right.detail, let current = right.term else {
                throw RegistryError.invalid("term", "only contract land is extended (延包)")
            }
            let start = current.end.adding(days: 1)
            let extended = try Term(start: start, end: start.adding(years: years).adding(days: -1))
            try Rules.checkContractTerm(extended, parcels: land.parcels)
            newTerm = extended
        case .replace(let replacement):
            newTerm = replacement
            if case .contractLand(let land) = right.detail {
                try Rules.checkContractTerm(replacement, parcels: land.parcels)
            }
        case nil:
            break
        }
        if let detail { try requireSameShape(detail, as: right) }
        if case .homestead(let homestead) = detail {
            let cap = policy.homesteadAreaStandard.cap(for: homestead.landCategory)
            if homestead.plotArea > cap {
                throw RegistryError.rule(
                    "H-2", "plot of \(homestead.plotArea) m² exceeds the \(cap) m² standard", field: "plot_area_m2")
            }
        }
        return RightChanged(right: right.id, term: newTerm, detail: detail, reason: reason)
    }

    func correct(_ right: Right, term: Term?, detail: RightDetail?, basis: CorrectionBasis, document: String) throws
        -> any RegistryEvent
    {
        _ = try required(document, "document")
        guard term != nil || detail != nil else {
            throw RegistryError.invalid("detail", "a correction needs the corrected term or particulars")
        }
        if let detail { try requireSameShape(detail, as: right) }
        return RightCorrected(right: right.id, term: term, detail: detail, basis: basis, document: document)
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
        default:
            break
        }
    }

    func cancel(_ right: Right, reason: String) async throws -> any RegistryEvent {
        _ = try required(reason, "reason")
        try await requireDisposable(right, to: nil)
        if let mortgage = try await activeEncumbrances(on: right.id).first(where: { $0.kind == .mortgage }) {
            throw RegistryError.conflict(
                "mortgage",
                "\(right.id) is mortgaged to \(mortgage.holder) (\(mortgage.id)); the mortgage must be released first")
        }
        let live = try await reads.rights(RightQuery(status: .live(on: today), parent: right.id, limit: 1))
        if let child = live.first {
            throw RegistryError.conflict("right", "土地经营权 \(child.id) carved out of \(right.id) is still in force")
        }
        var parcels: [ParcelCode] = []
        if case .contractLand(let land) = right.detail { parcels = land.parcels.map(\.code) }
        return RightCancelled(right: right.id, reason: reason, parcels: parcels)
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
