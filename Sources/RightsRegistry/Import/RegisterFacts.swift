/// What the register already holds about the codes a chunk of import lines mentions, fetched with
/// a handful of queries per chunk rather than several per line.
struct RegisterFacts {
    var collectives: [CollectiveCode: Collective] = [:]
    var households: Set<HouseholdCode> = []
    /// Person → the household the register has them in, if any.
    var personHousehold: [CitizenID: HouseholdCode] = [:]
    var memberships: Set<ImportIndex.HolderKey> = []
    var rights: Set<String> = []
    var parcels: [String: String] = [:]
    var homesteadHolders: Set<Holder> = []
    var shareKeys: Set<ImportIndex.ShareKey> = []
    var holdings: [ImportIndex.HolderKey: Int] = [:]

    /// Nothing to look up in an empty register (the common case of a first import).
    static let empty = RegisterFacts()

    static func load(for records: [ImportRecord], from store: any RegistryStore, on day: Day) async throws
        -> RegisterFacts
    {
        var collectiveCodes: Set<CollectiveCode> = []
        var householdCodes: Set<HouseholdCode> = []
        var people: Set<CitizenID> = []
        var rightIDs: Set<String> = []
        var parcelCodes: Set<String> = []
        var holders: Set<Holder> = []
        for record in records {
            switch record {
            case .collective(let application): collectiveCodes.insert(application.code)
            case .household(let application):
                collectiveCodes.insert(application.code.collective)
                householdCodes.insert(application.code)
                people.insert(application.head.idNumber)
                for member in application.members { people.insert(member.person.idNumber) }
            case .right(let application):
                switch application.subject {
                case .contractLand(let contract, let parcels):
                    householdCodes.insert(contract.household)
                    rightIDs.insert(contract.rawValue)
                    parcelCodes.formUnion(parcels.map(\.code.rawValue))
                case .homestead(let household, let unit, _):
                    householdCodes.insert(household)
                    rightIDs.insert(unit.rawValue)
                    holders.insert(.household(household))
                case .collectiveShare(let collective, let holder, _):
                    collectiveCodes.insert(collective)
                    holders.insert(holder)
                    if case .person(let id) = holder { people.insert(id) }
                case .landManagement:
                    break
                }
            }
        }
        var facts = RegisterFacts()
        for document in try await store.documents(
            Collective.table, where: [.isIn("key", collectiveCodes.map(\.rawValue))], after: nil, limit: nil)
        {
            let collective = try JSONValueDecoder().decode(Collective.self, from: document)
            facts.collectives[collective.code] = collective
        }
        facts.households = Set(
            try await store.existingKeys(Household.table, among: householdCodes.map(\.rawValue)).map {
                try HouseholdCode($0)
            })
        for document in try await store.documents(
            Membership.table, where: [.isIn("id_number", people.map(\.rawValue))], after: nil, limit: nil)
        {
            let membership = try JSONValueDecoder().decode(Membership.self, from: document)
            if let household = membership.household { facts.personHousehold[membership.person.idNumber] = household }
            facts.memberships.insert(
                .init(collective: membership.collective, holder: .person(membership.person.idNumber)))
        }
        facts.rights = try await store.existingKeys(Right.table, among: Array(rightIDs))
        facts.parcels = Dictionary(
            uniqueKeysWithValues: try await store.documents(
                ParcelClaim.table, where: [.isIn("key", Array(parcelCodes))], after: nil, limit: nil
            ).map { document in
                let claim = try JSONValueDecoder().decode(ParcelClaim.self, from: document)
                return (claim.parcel.rawValue, claim.right.rawValue)
            })
        let held = try await store.documents(
            Right.table,
            where: [
                .isIn("holder", holders.map(\.rawValue)),
                .isIn("status", StatusFilter.live(on: day).recorded.map(\.rawValue)),
            ],
            after: nil, limit: nil)
        for right in try held.map({ try JSONValueDecoder().decode(Right.self, from: $0) })
        where StatusFilter.live(on: day).admits(right) {
            switch right.detail {
            case .homestead: facts.homesteadHolders.insert(right.holder)
            case .collectiveShare(let holding):
                let key = ImportIndex.HolderKey(collective: right.collective, holder: right.holder)
                facts.shareKeys.insert(.init(holder: key, shareClass: holding.shareClass))
                if right.status(on: day) == .current { facts.holdings[key, default: 0] += holding.shares }
            default: break
            }
        }
        return facts
    }
}
