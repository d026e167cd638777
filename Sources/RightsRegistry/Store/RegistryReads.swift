/// What the rules need to know about the current register. Implemented once over any
/// `RegistryStore` (`StoreReads`); tests may give the `Registrar` anything that answers it.
public protocol RegistryReads: Sendable {
    func collective(_ code: CollectiveCode) async throws -> Collective?
    func household(_ code: HouseholdCode) async throws -> Household?
    func organisation(_ code: CreditCode) async throws -> Organisation?
    func membership(_ person: CitizenID, in collective: CollectiveCode) async throws -> Membership?
    /// Every roster line of a person, in any collective.
    func memberships(of person: CitizenID) async throws -> [Membership]
    func roster(of collective: CollectiveCode) async throws -> [Membership]
    func right(_ id: RightID) async throws -> Right?
    func rights(_ query: RightQuery) async throws -> [Right]
    func claim(on parcel: ParcelCode) async throws -> ParcelClaim?
    func encumbrances(on right: RightID) async throws -> [Encumbrance]
    func encumbrance(_ id: EncumbranceID) async throws -> Encumbrance?
    func policy() async throws -> RegistryPolicy
    /// The written mandates (委托书) naming `agent`, revoked or lapsed ones included.
    func mandates(agent: String) async throws -> [Mandate]

}

/// A filter over rights; empty fields do not filter.
public struct RightQuery: Sendable, Hashable {
    public var holder: Holder?
    public var kind: RightKind?
    public var statuses: [RightStatus]
    public var collective: CollectiveCode?
    /// A region code prefix (a clerk's scope).
    public var region: String?
    public var parent: RightID?
    public var limit: Int?
    /// Only rights whose ID sorts after this one (paging).
    public var after: RightID?

    public init(
        holder: Holder? = nil, kind: RightKind? = nil, statuses: [RightStatus] = [], collective: CollectiveCode? = nil,
        region: String? = nil, parent: RightID? = nil, limit: Int? = nil, after: RightID? = nil
    ) {
        self.holder = holder
        self.kind = kind
        self.statuses = statuses
        self.collective = collective
        self.region = region
        self.parent = parent
        self.limit = limit
        self.after = after
    }

    /// Rights that are in force or on their way to it.
    public static let live: [RightStatus] = [.announced, .current]
}
