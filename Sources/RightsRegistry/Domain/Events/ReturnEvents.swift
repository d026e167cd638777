/// A 土地经营权 ended early by the contract holder on an L-22 ground, kind `termination`.
public struct RightTerminated: RegistryEvent {
    public static let kind = "termination"
    public static let version = 1

    public var right: RightID
    public var ground: TerminationGround
    public var document: String

    public init(right: RightID, ground: TerminationGround, document: String) {
        self.right = right
        self.ground = ground
        self.document = document
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        [Right.key(right.rawValue)] + ProjectionState.certificateKeys(entry)
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        try state.updateRight(right, entry: entry) { right in right.recordedStatus = .cancelled }
    }
}

/// A right given back to the collective in a voluntary paid withdrawal (自愿有偿退出), kind
/// `surrender`. Contract land: its parcels are free again and the household is barred from new
/// contract land until the term's end (L-10). Homestead: the household keeps or gives up its
/// 资格权 (H-9). Shares: the holding shrinks by the shares redeemed, which count against the
/// collective's annual cap.
public struct RightSurrendered: RegistryEvent {
    public static let kind = "surrender"
    public static let version = 1

    public var right: RightID
    public var approval: String
    public var compensation: Fen
    /// Contract land: its parcels, now free, and the household barred until `barredUntil`.
    public var parcels: [ParcelCode]?
    public var household: HouseholdCode?
    public var barredUntil: Day?
    /// Homestead: whether the household keeps its 资格权.
    public var keepEligibility: Bool?
    /// Shares: how many the collective redeemed, in which year.
    public var collective: CollectiveCode?
    public var shares: Int?
    public var year: Int?

    public init(
        right: RightID, approval: String, compensation: Fen, parcels: [ParcelCode]? = nil,
        household: HouseholdCode? = nil, barredUntil: Day? = nil, keepEligibility: Bool? = nil,
        collective: CollectiveCode? = nil, shares: Int? = nil, year: Int? = nil
    ) {
        self.right = right
        self.approval = approval
        self.compensation = compensation
        self.parcels = parcels
        self.household = household
        self.barredUntil = barredUntil
        self.keepEligibility = keepEligibility
        self.collective = collective
        self.shares = shares
        self.year = year
    }

    enum CodingKeys: String, CodingKey {
        case right, approval, parcels, household, collective, shares, year
        case compensation = "compensation_fen"
        case barredUntil = "barred_until"
        case keepEligibility = "keep_eligibility"
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        // A partly redeemed holding stays current and is restated on a new certificate.
        var keys =
            [Right.key(right.rawValue)] + (parcels ?? []).map { ParcelClaim.key($0.rawValue) }
            + ProjectionState.certificateKeys(entry)
        if let household { keys.append(Household.key(household.rawValue)) }
        if let collective { keys.append(Collective.key(collective.rawValue)) }
        return keys
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        try state.updateRight(right, entry: entry) { right in
            if let shares, case .collectiveShare(var holding) = right.detail, shares < holding.shares {
                holding.shares -= shares
                right.detail = .collectiveShare(holding)
            } else {
                right.recordedStatus = .cancelled
            }
        }
        for parcel in parcels ?? [] { state.delete(ParcelClaim.self, parcel.rawValue) }
        if let household {
            var record = try state.require(Household.self, household.rawValue)
            if let barredUntil { record.contractLandBarredUntil = barredUntil }
            if keepEligibility == false { record.homesteadEligibilityGivenUp = entry.day }
            state.put(record)
        }
        if let collective, let shares, let year {
            var record = try state.require(Collective.self, collective.rawValue)
            record.redemptions = (record.redemptions ?? [:]).merging([String(year): shares], uniquingKeysWith: +)
            state.put(record)
        }
    }
}
