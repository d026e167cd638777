/// A written mandate (委托书) registered, kind `mandate`. Its ID is `M` and the entry's index.
public struct MandateRegistered: RegistryEvent {
    public static let kind = "mandate"
    public static let version = 1

    public var principal: Holder
    public var agent: String
    public var agentName: String
    public var matters: [MandateMatter]
    public var authority: String
    public var term: Term
    public var document: String

    public init(
        principal: Holder, agent: String, agentName: String, matters: [MandateMatter], authority: String, term: Term,
        document: String
    ) {
        self.principal = principal
        self.agent = agent
        self.agentName = agentName
        self.matters = matters
        self.authority = authority
        self.term = term
        self.document = document
    }

    enum CodingKeys: String, CodingKey {
        case principal, agent, matters, authority, term, document
        case agentName = "agent_name"
    }

    public static func id(at index: UInt64) -> String { "M\(index)" }

    public func touches(_ entry: EntryContext) -> [EntityKey] { [Mandate.key(Self.id(at: entry.index))] }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        state.put(
            Mandate(
                id: Self.id(at: entry.index), principal: principal, agent: agent, agentName: agentName,
                matters: matters,
                authority: authority, term: term, document: document, registeredAt: entry.index, revoked: nil))
    }
}

/// A bank's search of the register about a right offered as collateral, kind `search`: who
/// searched what, why, and whether the borrower it named holds the right — never the
/// number it gave.
public struct CollateralSearched: RegistryEvent {
    public static let kind = "search"
    public static let version = 1

    public var right: RightID
    public var party: String
    public var purpose: String
    public var holderMatch: Bool
    public var certificate: String?

    public init(right: RightID, party: String, purpose: String, holderMatch: Bool, certificate: String?) {
        self.right = right
        self.party = party
        self.purpose = purpose
        self.holderMatch = holderMatch
        self.certificate = certificate
    }

    enum CodingKeys: String, CodingKey {
        case right, party, purpose, certificate
        case holderMatch = "holder_match"
    }

    /// A search is an access record, not a registry act: it leaves the right and its history
    /// as they are (so no bank learns from a right's history that another bank looked), and
    /// only starts the bank's watch on the right.
    public func touches(_ entry: EntryContext) -> [EntityKey] { [Watch.key(Watch.key(party: party, right: right))] }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        if try state.get(Watch.self, Watch.key(party: party, right: right)) == nil {
            state.put(Watch(party: party, right: right, since: entry.index))
        }
    }
}
