extension Registrar {
    /// 抵押 of a right to a bank (质押 for shares). What may be mortgaged and with whose consent:
    /// C-10 (never a seized or disputed right; a homestead only where a pilot allows it, H-10),
    /// C-11 (a written contract with amount and term), L-21 (经营权 financing is reported to the
    /// 发包方; a transferee needs the contract holder's written consent), H-11 (农房 pilots).
    func mortgage(_ right: Right, _ application: MortgageApplication) async throws -> any RegistryEvent {
        try requireCurrent(right)
        for encumbrance in try await activeEncumbrances(on: right.id) {
            switch encumbrance.kind {
            case .seizure:
                throw RegistryError.rule(
                    "C-10", "\(right.id) is seized (查封) by \(encumbrance.holder) and cannot be mortgaged")
            case .objection:
                throw RegistryError.rule(
                    "C-10", "\(right.id) is disputed (异议 by \(encumbrance.holder)) and cannot be mortgaged")
            case .mortgage, .advanceNotice: break
            }
        }
        _ = try required(application.mortgagee, "mortgagee")
        _ = try required(application.contract, "contract")
        guard application.amount > .zero else {
            throw RegistryError.rule("C-11", "the contract states the secured amount", field: "amount_fen")
        }
        func requireConsent(_ party: ConsentParty, _ rule: String, _ what: String) throws {
            guard application.consents.contains(where: { $0.party == party }) else {
                throw RegistryError.rule(rule, what, field: "consents")
            }
        }
        switch right.detail {
        case .contractLand:
            guard application.filing != nil else {
                throw RegistryError.rule(
                    "L-21", "financing with a 土地经营权 is reported (备案) to the 发包方", field: "filing")
            }
        case .landManagement(let lease):
            try requireConsent(
                .contractHolder, "L-21",
                "a transferee mortgages its 土地经营权 only with the written consent of the holder of \(lease.contractRight)"
            )
            guard application.filing != nil else {
                throw RegistryError.rule(
                    "L-21", "financing with a 土地经营权 is reported (备案) to the 发包方", field: "filing")
            }
        case .collectiveShare:
            try requireConsent(
                .collective, "S-16", "a pledge of collective shares needs the collective's written consent")
        case .homestead:
            guard policy.isHomesteadMortgagePilot(right.region) else {
                throw RegistryError.rule(
                    "C-10",
                    "a homestead is mortgaged only in a 农房 mortgage pilot region (H-10); \(right.region) is not one")
            }
            try requireConsent(
                .collective, "H-11", "the collective consents in writing that the homestead goes with the house")
            if case .household(let code) = right.holder, try await !household(code).members.isEmpty {
                try requireConsent(.coHolders, "H-11", "the house's joint owners consent in writing")
            }
            guard let residence = application.otherResidence, !residence.isEmpty else {
                throw RegistryError.rule(
                    "H-11", "the borrower proves another long-term residence besides the mortgaged house",
                    field: "other_residence")
            }
        }
        // C-12: rank follows the order of registration, which is the log's order.
        return EncumbranceRegistered(
            right: right.id, encumbrance: .mortgage, holder: application.mortgagee, reference: application.contract,
            lapsesAfter: nil, amount: application.amount, term: application.term)
    }

    /// Only the mortgagee discharges its mortgage.
    func releaseMortgage(of right: Right, _ id: EncumbranceID, by party: String) async throws -> any RegistryEvent {
        guard let mortgage = try await reads.encumbrance(id), mortgage.right == right.id, mortgage.kind == .mortgage
        else { throw RegistryError.notFound("mortgage", id.rawValue) }
        guard mortgage.isActive(on: today) else {
            throw RegistryError.conflict("mortgage", "\(id) is already released")
        }
        guard mortgage.holder == party else {
            throw RegistryError(code: "auth.mortgagee", message: "\(id) is held by another mortgagee")
        }
        return EncumbranceReleased(encumbrance: id, right: right.id, by: party)
    }

    /// L-22: the contract holder ends a 土地经营权 early only if the transferee changed the land's
    /// agricultural use, left it idle two years or more, seriously damaged it, or seriously broke
    /// the contract.
    func terminate(_ right: Right, _ termination: LeaseTermination) async throws -> any RegistryEvent {
        try requireCurrent(right)
        guard case .landManagement(let lease) = right.detail else {
            throw RegistryError.invalid("kind", "only a 土地经营权 is terminated; \(right.id) is \(right.kind.rawValue)")
        }
        let contract = try await self.right(lease.contractRight)
        guard termination.by == contract.holder else {
            throw RegistryError.rule(
                "L-22", "only the contract holder of \(lease.contractRight) ends its 土地经营权 early", field: "by")
        }
        _ = try required(termination.document, "document")
        let live = try await reads.rights(RightQuery(status: .live(on: today), parent: right.id, limit: 1))
        if let child = live.first {
            throw RegistryError.conflict("right", "土地经营权 \(child.id) carved out of \(right.id) is still in force")
        }
        return RightTerminated(right: right.id, ground: termination.ground, document: termination.document)
    }
}
