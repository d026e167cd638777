public import RightsRegistry

/// Acts the tests perform often, written once.
extension TestRegistry {
    public static let bankA = "91330424MA2B8888X1"
    public static let bankB = "91330424MA2B9999X0"

    /// A 土地经营权 carved out of `parent` (all its parcels unless named), filed with the 发包方.
    public static func lease(
        of parent: RightID, to holder: Holder, parcels: [ParcelCode]? = nil, from start: String = "2027-01-01",
        to end: String = "2036-12-31", consents: [Consent] = []
    ) throws -> RegistryAct {
        .registerRight(
            RightApplication(
                subject: .landManagement(
                    parent: parent, holder: holder, parcels: parcels, method: .lease, use: "水稻种植",
                    filing: filing(), consents: consents),
                term: try Term(start: Day.input(start), end: Day.input(end))))
    }

    /// A mortgage to `bank`: applied for jointly at the counter (`joint`), or the bank's request
    /// alone, pending the mortgagor's side.
    public static func mortgage(
        _ bank: String = bankA, _ amount: Fen = 400_000, parcels: [ParcelCode]? = nil, shares: Int? = nil,
        consents: [Consent] = [], term: Term? = nil, joint: Bool = true
    ) throws -> RightAct {
        .mortgage(
            MortgageApplication(
                mortgagee: bank, amount: amount,
                term: try term ?? Term(start: Day.input("2026-12-01"), end: Day.input("2029-11-30")),
                contract: "抵押合同-\(bank.suffix(4))", consents: consents,
                filing: filing("发包方", matter: "融资担保"), parcels: parcels, shares: shares,
                mortgagor: joint ? mortgagor : nil))
    }

    /// Contract land of `from` passing (whole, or the named parcels) to household `to` with the
    /// 发包方's consent (L-14).
    public static func transfer(to household: HouseholdCode, parcels: [ParcelCode]? = nil, consents: [Consent] = [])
        -> RightAct
    {
        .transfer(
            Transfer(
                to: .household(household), parcels: parcels, consents: [consent(.contractingParty)] + consents))
    }

    /// The parcels household h of village v was given by the synthetic county.
    public func parcels(_ v: Int, _ h: Int) -> [ParcelCode] {
        (1...county.parcelsPerHousehold).map { parcel(v, (h - 1) * county.parcelsPerHousehold + $0) }
    }

    /// The ID a right or encumbrance registered by `entry` gets.
    public func encumbrance(_ entry: LogEntry) -> EncumbranceID { EncumbranceRegistered.id(at: entry.index) }

    /// Every broken invariant of the register today.
    public func violations() async throws -> [RegisterInvariants.Violation] {
        try await InvariantCheck(store: store).violations(on: registry.today)
    }

    /// The contract-land parcels a right holds now.
    public func parcelCodes(of id: RightID) async throws -> [ParcelCode] {
        guard case .contractLand(let land) = try await right(id).detail else { return [] }
        return land.parcels.map(\.code)
    }
}
