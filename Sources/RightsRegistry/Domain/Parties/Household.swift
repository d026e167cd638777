/// A farm household (农户): the holder of contract land and of a homestead (三权到户).
public struct Household: Hashable, Sendable, Codable {
    public var code: HouseholdCode
    public var collective: CollectiveCode
    /// 承包方代表, the household's representative on contracts and certificates.
    public var head: Person
    public var members: [HouseholdMember]
    /// 进城落户: recorded, and deliberately without effect on any right (L-8, T-10).
    public var movedToTown: TownMove?
    /// Set when the household sold, leased out or gave away its dwelling; such a household is not
    /// approved for another homestead (T-6).
    public var disposedDwelling: DwellingDisposal?
    /// The log index of the entry that registered the household.
    public var registeredAt: UInt64
    /// L-10: a household that gave up its contract land may not ask for contract land again
    /// during the term — until this day.
    public var contractLandBarredUntil: Day?
    /// H-9: the household gave up its homestead and its 资格权 with it (no new homestead, T-6).
    public var homesteadEligibilityGivenUp: Day?
    /// 承包方消亡: the day its last member's death was recorded. Its rights pass by inheritance
    /// where the law allows (L-12) or end (cancellation, `household-extinct`).
    public var extinct: Day?

    public init(
        code: HouseholdCode, head: Person, members: [HouseholdMember], registeredAt: UInt64,
        movedToTown: TownMove? = nil, disposedDwelling: DwellingDisposal? = nil
    ) {
        self.code = code
        self.collective = code.collective
        self.head = head
        self.members = members
        self.registeredAt = registeredAt
        self.movedToTown = movedToTown
        self.disposedDwelling = disposedDwelling
    }

    /// Everyone in the household, head first.
    public var people: [Person] { [head] + members.map(\.person) }

    enum CodingKeys: String, CodingKey {
        case code, collective, head, members
        case movedToTown = "moved_to_town"
        case disposedDwelling = "disposed_dwelling"
        case registeredAt = "registered_at"
        case contractLandBarredUntil = "contract_land_barred_until"
        case homesteadEligibilityGivenUp = "homestead_eligibility_given_up"
        case extinct
    }
}

/// A household's move to town (进城落户).
public struct TownMove: Hashable, Sendable, Codable {
    public var on: Day
    public var place: String?

    public init(on: Day, place: String?) {
        self.on = on
        self.place = place
    }
}

/// How and when a household parted with its dwelling (T-6).
public struct DwellingDisposal: Hashable, Sendable, Codable {
    public var on: Day
    public var how: String
    public var right: RightID

    public init(on: Day, how: String, right: RightID) {
        self.on = on
        self.how = how
        self.right = right
    }
}
