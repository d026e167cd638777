extension Registrar {
    /// 互换 (L-13): parcels exchanged between two households' contracts of the same collective,
    /// filed with the 发包方, both sides in one entry. Each side's parcels take what burdens them
    /// along (mortgages, leases), and neither contract may be seized, disputed or promised away.
    func swap(_ right: Right, _ swap: Swap) async throws -> any RegistryEvent {
        try requireCurrent(right)
        guard case .contractLand(let mine) = right.detail else {
            throw RegistryError.invalid(
                "kind", "only contract land is swapped (L-13); \(right.id) is \(right.kind.rawValue)")
        }
        let other = try await self.right(swap.with)
        guard case .contractLand(let theirs) = other.detail, other.id != right.id else {
            throw RegistryError.invalid("with", "\(swap.with) is not another household's contract land")
        }
        try requireCurrent(other)
        guard other.collective == right.collective else {
            throw RegistryError.rule(
                "L-13", "a swap is between 承包方 of the same collective; \(other.id) is in \(other.collective)",
                field: "with")
        }
        guard other.holder != right.holder else {
            throw RegistryError.invalid("with", "\(other.id) is held by the same household")
        }
        guard let filing = swap.filing, !filing.filedWith.isEmpty else {
            throw RegistryError.rule("L-13", "a swap is filed (备案) with the 发包方", field: "filing")
        }
        guard right.term == other.term else {
            throw RegistryError.invalid(
                "with", "\(other.id) runs \(other.term?.description ?? "-"), not \(right.term?.description ?? "-")")
        }
        func check(_ parcels: [ParcelCode], of land: ContractLand, _ owner: RightID, field: String) throws {
            guard !parcels.isEmpty, Set(parcels).count == parcels.count,
                Set(parcels).isSubset(of: land.parcels.map(\.code))
            else { throw RegistryError.invalid(field, "parcels of \(owner), each once, at least one") }
        }
        try check(swap.gives, of: mine, right.id, field: "gives")
        try check(swap.takes, of: theirs, other.id, field: "takes")
        try await requireDisposable(right, to: other.holder)
        try await requireDisposable(other, to: right.holder)
        let outward = try await carriage(ofParcels: Set(swap.gives), from: right, to: other.id, receiver: other.holder)
        let inward = try await carriage(ofParcels: Set(swap.takes), from: other, to: right.id, receiver: right.holder)
        return RightsSwapped(
            right: right.id, other: other.id, gives: swap.gives.sorted(), takes: swap.takes.sorted(), filing: filing,
            outward: outward, inward: inward)
    }
}
