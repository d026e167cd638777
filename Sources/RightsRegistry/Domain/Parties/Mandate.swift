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
    /// What the agent may do.
    public var matters: [MandateMatter]
    public var authority: String
    public var term: Term
    public var document: String
    public var registeredAt: UInt64
    public var revoked: Day?

    public func isInForce(on day: Day) -> Bool { revoked == nil && term.contains(day) }

    public func covers(_ matter: MandateMatter, on day: Day) -> Bool {
        isInForce(on: day) && matters.contains(matter)
    }

    enum CodingKeys: String, CodingKey {
        case id, principal, agent, matters, authority, term, document, revoked
        case agentName = "agent_name"
        case registeredAt = "registered_at"
    }
}

/// What a 委托书 lets an agent do for its principal: sell or lease out on the exchange, buy or
/// take a lease there, mortgage, withdraw for payment. The parser, the decider and the OpenAPI
/// schema take their values from here.
public enum MandateMatter: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Lease out a 土地经营权 (流转).
    case lease
    /// Transfer contract land, a homestead's house or shares.
    case transfer
    case shareSale = "share-sale"
    /// Register intents, bid, match a price: the buyer's side of any listing.
    case purchase
    /// The mortgagor's side of a joint mortgage application.
    case mortgage
    /// A voluntary paid withdrawal (有偿退出).
    case withdrawal

    public static func < (lhs: MandateMatter, rhs: MandateMatter) -> Bool { lhs.rawValue < rhs.rawValue }
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
