/// What the lines read so far define, kept compactly (numeric codes packed into 64 bits) so that
/// checking a county of a million parcels stays within a few tens of megabytes.
struct ImportIndex {
    struct CollectiveFacts {
        var line: Int
        var charter: ShareCharter
    }

    var collectives: [CollectiveCode: CollectiveFacts] = [:]
    /// Household code → line.
    var households: [UInt64: Int32] = [:]
    /// Person (packed ID number) → household code.
    var personHousehold: [UInt64: UInt64] = [:]
    /// Household code → line of its contract.
    var contracts: [UInt64: Int32] = [:]
    var parcels: Set<UInt64> = []
    var units: [String: Int32] = [:]
    var homesteadHouseholds: Set<UInt64> = []
    var shareKeys: Set<ShareKey> = []
    /// Shares per (collective, holder), kept only for collectives whose charter caps a holding.
    var holdings: [HolderKey: Int] = [:]

    struct HolderKey: Hashable {
        let collective: CollectiveCode
        let holder: Holder
    }

    struct ShareKey: Hashable {
        let holder: HolderKey
        let shareClass: String
    }
}

extension HouseholdCode {
    var packed: UInt64 { UInt64(rawValue)! }
}

extension ParcelCode {
    var packed: UInt64 { UInt64(rawValue)! }
}
