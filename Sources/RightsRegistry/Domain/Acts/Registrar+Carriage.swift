extension Registrar {
    /// What follows parcels of contract-land `right` that pass to `target` (a transfer, a swap,
    /// a household split), or the refusal when an encumbrance would have to be cut in two.
    ///
    /// A mortgage burdens the parcels it was registered on and follows them (民法典 406); a lease
    /// covers its parcels and follows them, answering to the receiving contract's holder
    /// (民法典 725). Neither can follow half of what it covers — a mortgage split between two
    /// contracts would secure one claim on two households' land — so such a passing is refused
    /// until the mortgagee releases, or the parties end or re-draw the lease.
    func carriage(ofParcels moving: Set<ParcelCode>, from right: Right, to target: RightID, receiver: Holder)
        async throws -> Carriage
    {
        guard case .contractLand(let land) = right.detail else { return Carriage() }
        let all = Set(land.parcels.map(\.code))
        var carriage = Carriage()
        if moving == all { carriage.fulfilled = try await fulfilments(of: right, by: receiver) }
        for mortgage in try await activeEncumbrances(on: right.id) where mortgage.kind == .mortgage {
            let burdened = Set(mortgage.parcels ?? Array(all))
            if burdened.isSubset(of: moving) {
                carriage.encumbrances.append(CarriedEncumbrance(id: mortgage.id, holder: mortgage.holder))
            } else if !burdened.isDisjoint(with: moving) {
                throw RegistryError.rule(
                    "CC-406",
                    "mortgage \(mortgage.id) to \(mortgage.holder) burdens parcels \(Self.list(burdened)); they pass together or not at all, unless the mortgagee releases it first",
                    field: "parcels")
            }
        }
        for lease in try await reads.rights(
            RightQuery(kind: .landManagement, status: .live(on: today), parent: right.id))
        {
            guard case .landManagement(let detail) = lease.detail else { continue }
            let covered = Set(detail.parcels)
            if covered.isSubset(of: moving) {
                carriage.leases.append(lease.id)
                carriage.subleases += try await descendants(of: lease.id)
            } else if !covered.isDisjoint(with: moving) {
                throw RegistryError.rule(
                    "CC-725",
                    "土地经营权 \(lease.id) covers parcels \(Self.list(covered)); they pass together, the lease answering to the new contract holder, or not at all",
                    field: "parcels")
            }
        }
        return carriage
    }

    /// Advance notices on `right` in favour of `receiver`: taking the right fulfils them (C-6).
    func fulfilments(of right: Right, by receiver: Holder) async throws -> [EncumbranceID] {
        try await activeEncumbrances(on: right.id).filter { $0.kind == .advanceNotice && $0.beneficiary == receiver }
            .map(\.id)
    }

    /// The live 土地经营权 carved, directly or further down, out of `lease` (再流转).
    func descendants(of lease: RightID) async throws -> [RightID] {
        var found: [RightID] = []
        var frontier = [lease]
        while let next = frontier.popLast() {
            let children = try await reads.rights(
                RightQuery(kind: .landManagement, status: .live(on: today), parent: next)
            ).map(\.id)
            found += children
            frontier += children
        }
        return found.sorted()
    }

    static func list(_ parcels: Set<ParcelCode>) -> String {
        parcels.sorted().map(\.rawValue).joined(separator: ", ")
    }
}
