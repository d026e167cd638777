/// A written mandate (委托书) by which a party lets an agent act for it on the exchange. Without
/// one, no one may decide on a 承包方's land (《农村土地经营权流转管理办法》 art. 8): it states the
/// matters, the authority and the period, and is signed or sealed by both principal and agent.
public struct Mandate: Hashable, Sendable, Codable {
    /// `M` and the index of the entry that registered it.
    public var id: String
    public var principal: Holder
    /// The agent's identifier (credit code or ID number), as its API token names it.
    public var agent: String
    public var agentName: String
    /// What the agent may do: `lease`, `transfer`, `share-sale`, `mortgage` …
    public var matters: [String]
    public var authority: String
    public var term: Term
    public var document: String
    public var registeredAt: UInt64
    public var revoked: Day?

    public func isInForce(on day: Day) -> Bool { revoked == nil && term.contains(day) }

    public func covers(_ matter: String, on day: Day) -> Bool { isInForce(on: day) && matters.contains(matter) }

    enum CodingKeys: String, CodingKey {
        case id, principal, agent, matters, authority, term, document, revoked
        case agentName = "agent_name"
        case registeredAt = "registered_at"
    }
}

/// A bank's interest in a right — it searched it or holds a mortgage on it — so that it is told
/// of the right's later entries (`GET /v1/events`).
public struct Watch: Hashable, Sendable, Codable {
    public var party: String
    public var right: RightID
    public var since: UInt64

    public init(party: String, right: RightID, since: UInt64) {
        self.party = party
        self.right = right
        self.since = since
    }
}
