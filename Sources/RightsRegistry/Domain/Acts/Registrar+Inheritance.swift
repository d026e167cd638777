extension Registrar {
    /// 继承 (实施细则 art. 14) where the law allows a right to pass to an heir:
    ///
    /// - contract land only for 林地 (L-12): family-contracted 耕地 stays with the household while
    ///   anyone is left on it, and goes back to the 发包方 when it dies out;
    /// - a homestead with the house on it: the house is inherited and the 宅基地使用权 with it, even
    ///   by an heir who has a homestead (T-3) or once sold a dwelling (T-6) — those rules bind new
    ///   approvals, not inheritance;
    /// - collective shares, to any heir (the 临安 practice; S-14 binds transfers).
    ///
    /// The deceased must be the holder: the person holding the right, or the last member of the
    /// holder household, whose death was recorded (`household-extinct`).
    func inherit(_ right: Right, _ inheritance: Inheritance) async throws -> any RegistryEvent {
        try requireCurrent(right)
        _ = try required(inheritance.deathCertificate, "death_certificate")
        _ = try required(inheritance.document, "document")
        switch right.holder {
        case .person(let id):
            guard id == inheritance.deceased else {
                throw RegistryError.invalid("deceased", "\(inheritance.deceased.masked) does not hold \(right.id)")
            }
        case .household(let code):
            let household = try await household(code)
            guard household.extinct != nil, household.head.idNumber == inheritance.deceased else {
                throw RegistryError.rule(
                    "L-12",
                    "household \(code) holds \(right.id) while any member is left; the right passes by inheritance only after its last member's death is recorded",
                    field: "deceased")
            }
        case .organisation, .collective:
            throw RegistryError.invalid("deceased", "\(right.holder.masked) is not a natural person")
        }
        guard inheritance.heir != right.holder else {
            throw RegistryError.invalid("heir", "\(right.id) is already held by \(inheritance.heir.masked)")
        }
        try await requireKnown(inheritance.heir, field: "heir")
        try await requireDisposable(right, to: inheritance.heir)
        switch right.detail {
        case .contractLand(let land):
            guard land.parcels.allSatisfy({ $0.landUse == .forestry }) else {
                throw RegistryError.rule(
                    "L-12",
                    "family-contracted land other than 林地 is not inherited; when the household has died out it goes back to the 发包方 (cancellation on household-extinct)",
                    field: "heir")
            }
        case .homestead, .collectiveShare:
            break
        case .landManagement:
            throw RegistryError.invalid(
                "kind", "a 土地经营权 passes under its contract, not by inheritance registration")
        }
        return RightInherited(
            right: right.id, from: right.holder, to: inheritance.heir, deceased: inheritance.deceased,
            basis: inheritance.basis, deathCertificate: inheritance.deathCertificate, document: inheritance.document,
            carried: Carriage(fulfilled: try await fulfilments(of: right, by: inheritance.heir)))
    }
}
