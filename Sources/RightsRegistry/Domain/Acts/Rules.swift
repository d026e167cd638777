/// The rules that need nothing but the application itself (and the policy). The `Registrar`
/// applies them to each act; the importer applies the same functions to each line before it
/// checks the rules that span records.
public enum Rules {
    /// A collective's region is the village in its 发包方 code, and its credit code is that of a
    /// collective economic organisation (GB 32100: N1 组级, N2 村级, N3 乡镇级).
    public static func checkCollective(_ application: CollectiveApplication) throws(RegistryError) {
        guard application.region == application.code.region else {
            throw RegistryError.invalid(
                "region", "\(application.region) is not the village code in 发包方 code \(application.code)")
        }
        guard application.creditCode.isCollectiveEconomicOrganisation else {
            throw RegistryError.invalid(
                "uscc", "a collective economic organisation's credit code starts with N1, N2 or N3 (GB 32100)")
        }
        if let charter = application.charter { try checkCharter(charter) }
    }

    public static func checkCharter(_ charter: ShareCharter) throws(RegistryError) {
        if let cap = charter.holdingCap, cap <= 0 {
            throw RegistryError.invalid("charter.holding_cap", "must be a positive number of shares")
        }
        if let cap = charter.annualRedemptionCapBasisPoints, !(0...10_000).contains(cap) {
            throw RegistryError.invalid("charter.annual_redemption_cap_bp", "must be 0–10000 (hundredths of a percent)")
        }
    }

    /// L-3: family contracting is of the household's own collective's land, so every parcel code
    /// lies under the household's 发包方 code; no parcel twice.
    public static func checkParcels(_ parcels: [Parcel], of household: HouseholdCode) throws(RegistryError) {
        guard !parcels.isEmpty else { throw RegistryError.invalid("parcels", "a contract has at least one parcel") }
        var seen: Set<ParcelCode> = []
        for (position, parcel) in parcels.enumerated() {
            let field = "parcels[\(position)].code"
            guard seen.insert(parcel.code).inserted else {
                throw RegistryError.invalid(field, "parcel \(parcel.code) is listed twice")
            }
            guard parcel.code.collective == household.collective else {
                throw RegistryError.rule(
                    "L-3",
                    "parcel \(parcel.code) belongs to 发包方 \(parcel.code.collective), not to the household's \(household.collective)",
                    field: field)
            }
        }
    }

    /// L-4: 耕地 is contracted for 30 years, 草地 for 30–50, 林地 for 30–70 (whole years, from
    /// the start day to the day before its anniversary); a contract mixing uses satisfies each.
    public static func checkContractTerm(_ term: Term, parcels: [Parcel]) throws(RegistryError) {
        let uses = Set(parcels.map(\.landUse))
        let lower = uses.map(\.allowedTermYears.lowerBound).max() ?? 30
        let upper = uses.map(\.allowedTermYears.upperBound).min() ?? 30
        let years = term.years
        let whole = term.start.adding(years: years).adding(days: -1) == term.end
        guard whole, (lower...upper).contains(years) else {
            let allowed = lower == upper ? "\(lower) years" : "\(lower)–\(upper) whole years"
            throw RegistryError.rule(
                "L-4",
                "contract term \(term) is not \(allowed) for land use \(uses.map(\.rawValue).sorted().joined(separator: ","))",
                field: "term")
        }
    }

    /// A homestead's unit code is collective land (J) used as 宅基地 (C), in the household's county.
    public static func checkHomesteadUnit(_ unit: UnitCode, of household: HouseholdCode) throws(RegistryError) {
        guard unit.county == household.collective.region.county else {
            throw RegistryError.invalid(
                "unit_code", "unit is in county \(unit.county), the household in \(household.collective.region.county)")
        }
        guard unit.ownershipType == "J", unit.parcelType == "C" else {
            throw RegistryError.invalid(
                "unit_code", "a homestead's unit code has J (collective land) at 13 and C (宅基地使用权) at 14")
        }
    }

    /// H-2: a new homestead keeps to the area standard for its land; confirmed historic plots
    /// (imported 确权 data) are registered as they are and marked as exceeding it.
    public static func applyAreaStandard(_ homestead: Homestead, policy: RegistryPolicy, origin: RightOrigin)
        throws(RegistryError) -> Homestead
    {
        let cap = policy.homesteadAreaStandard.cap(for: homestead.landCategory)
        guard homestead.plotArea > cap else { return homestead }
        guard origin == .imported else {
            throw RegistryError.rule(
                "H-2",
                "plot of \(homestead.plotArea) m² exceeds the \(cap) m² standard for \(homestead.landCategory.rawValue) land",
                field: "plot_area_m2")
        }
        var marked = homestead
        marked.exceedsAreaStandard = true
        return marked
    }

    public static func checkHolding(_ holding: ShareHolding) throws(RegistryError) {
        guard holding.shares > 0 else { throw RegistryError.invalid("shares", "must be a positive number of shares") }
        guard !holding.shareClass.isEmpty else { throw RegistryError.invalid("class", "name the share class") }
    }
}

extension RightRegistered {
    /// The first registration of a household's contract land.
    public static func contractLand(
        _ contract: ContractCode, term: Term, parcels: [Parcel], origin: RightOrigin, noticeEnds: Day?
    ) -> RightRegistered {
        RightRegistered(
            id: .contractLand(contract), holder: .household(contract.household),
            collective: contract.household.collective,
            term: term, detail: .contractLand(ContractLand(parcels: parcels)), origin: origin, noticeEnds: noticeEnds)
    }

    /// The first registration of a household's homestead (after `Rules.applyAreaStandard`).
    public static func homestead(
        _ unit: UnitCode, of household: HouseholdCode, _ homestead: Homestead, origin: RightOrigin, noticeEnds: Day?
    ) -> RightRegistered {
        RightRegistered(
            id: .homestead(unit), holder: .household(household), collective: household.collective, term: nil,
            detail: .homestead(homestead), origin: origin, noticeEnds: noticeEnds)
    }

    /// A share holding; its ID comes from the index of the entry that registers it.
    public static func shares(
        _ holding: ShareHolding, in collective: CollectiveCode, for holder: Holder, origin: RightOrigin, entry: UInt64
    ) -> RightRegistered {
        RightRegistered(
            id: .share(collective: collective, entry: entry), holder: holder, collective: collective, term: nil,
            detail: .collectiveShare(holding), origin: origin, noticeEnds: nil)
    }
}
