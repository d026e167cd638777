/// What the rules need to know about the current register. Implemented once over any
/// `RegistryStore` (`StoreReads`); tests may give the `Registrar` anything that answers it.
public protocol RegistryReads: Sendable {
    func collective(_ code: CollectiveCode) async throws -> Collective?
    func household(_ code: HouseholdCode) async throws -> Household?
    func organisation(_ code: CreditCode) async throws -> Organisation?
    /// A person entered on the register without a household (an outside grower, a buyer).
    func person(_ id: CitizenID) async throws -> PersonRecord?
    func membership(_ person: CitizenID, in collective: CollectiveCode) async throws -> Membership?
    /// Every roster line of a person, in any collective.
    func memberships(of person: CitizenID) async throws -> [Membership]
    func roster(of collective: CollectiveCode) async throws -> [Membership]
    func right(_ id: RightID) async throws -> Right?
    func rights(_ query: RightQuery) async throws -> [Right]
    func claim(on parcel: ParcelCode) async throws -> ParcelClaim?
    func encumbrances(on right: RightID) async throws -> [Encumbrance]
    /// A right's encumbrances and its holder's record, read together: what a report of the right
    /// needs after the right itself (on PostgreSQL one round trip instead of two).
    func encumbrancesAndHolder(of right: Right) async throws -> (encumbrances: [Encumbrance], holder: HolderRecord)
    /// A right's encumbrances and the 土地经营权 carved out of it that are in force or announced
    /// on `day`, read together: what carving another one out of it needs (on PostgreSQL one
    /// round trip instead of two).
    func encumbrancesAndLeases(of right: RightID, liveOn day: Day) async throws -> (
        encumbrances: [Encumbrance], leases: [Right]
    )
    func encumbrance(_ id: EncumbranceID) async throws -> Encumbrance?
    func policy() async throws -> RegistryPolicy
    /// The written mandates (委托书) naming `agent`, revoked or lapsed ones included.
    func mandates(agent: String) async throws -> [Mandate]

}

/// What the register holds on a right's holder, by the kind of holder.
public enum HolderRecord: Sendable {
    case household(Household?)
    /// The person's roster lines, in any collective.
    case person([Membership])
    case organisation(Organisation?)
    case collective(Collective?)
}

/// A filter over rights; empty fields do not filter.
public struct RightQuery: Sendable, Hashable {
    public var holder: Holder?
    public var kind: RightKind?
    /// Rights whose status on a day (`Right.status(on:)`) is one of these.
    public var status: StatusFilter?
    public var collective: CollectiveCode?
    /// A region code prefix (a clerk's scope).
    public var region: String?
    public var parent: RightID?
    public var limit: Int?
    /// Only rights whose ID sorts after this one (paging).
    public var after: RightID?

    public init(
        holder: Holder? = nil, kind: RightKind? = nil, status: StatusFilter? = nil, collective: CollectiveCode? = nil,
        region: String? = nil, parent: RightID? = nil, limit: Int? = nil, after: RightID? = nil
    ) {
        self.holder = holder
        self.kind = kind
        self.status = status
        self.collective = collective
        self.region = region
        self.parent = parent
        self.limit = limit
        self.after = after
    }

}

/// Which statuses a query wants, on which day: statuses are worked out as of a day, so a query
/// for them always says which.
public struct StatusFilter: Sendable, Hashable {
    public var statuses: Set<RightStatus>
    public var day: Day

    public init(_ statuses: Set<RightStatus>, on day: Day) {
        self.statuses = statuses
        self.day = day
    }

    /// Rights in force on `day`.
    public static func current(on day: Day) -> StatusFilter { StatusFilter([.current], on: day) }
    /// Rights in force or on their way to it (announced) on `day`.
    public static func live(on day: Day) -> StatusFilter { StatusFilter([.announced, .current], on: day) }

    public func admits(_ right: Right) -> Bool { statuses.contains(right.status(on: day)) }

    /// The recorded statuses a right may have to pass: an expired right is recorded current.
    var recorded: [RightStatus] {
        var recorded: Set<RightStatus> = []
        for status in statuses {
            switch status {
            case .announced, .current, .cancelled: recorded.insert(status)
            case .expired: recorded.insert(.current)
            }
        }
        return recorded.sorted { $0.rawValue < $1.rawValue }
    }
}
