/// A rural collective economic organisation (农村集体经济组织), which is also the contracting party
/// (发包方) of its members' land (L-2) and the issuer of collective-asset shares (S-14).
public struct Collective: Hashable, Sendable, Codable {
    public var code: CollectiveCode
    public var name: String
    public var creditCode: CreditCode
    public var region: RegionCode
    public var charter: ShareCharter
    /// Every filing (备案) of the member roster with the township and county (S-4).
    public var rosterFilings: [RosterFiling]
    public var registeredAt: UInt64
    /// Shares redeemed by the collective, by year ("2026": 120), for the charter's annual cap.
    public var redemptions: [String: Int]?

    public init(
        code: CollectiveCode, name: String, creditCode: CreditCode, region: RegionCode,
        charter: ShareCharter = .default, rosterFilings: [RosterFiling] = [], registeredAt: UInt64
    ) {
        self.code = code
        self.name = name
        self.creditCode = creditCode
        self.region = region
        self.charter = charter
        self.rosterFilings = rosterFilings
        self.registeredAt = registeredAt
    }

    enum CodingKeys: String, CodingKey {
        case code, name, region, charter
        case creditCode = "uscc"
        case rosterFilings = "roster_filings"
        case registeredAt = "registered_at"
        case redemptions
    }
}

/// The share provisions of a collective's charter (章程, S-10). The law leaves the numbers to each
/// collective (rule book §3.4), so they are parameters, not constants.
public struct ShareCharter: Hashable, Sendable, Codable {
    /// The most shares one holder may hold in this collective, if the charter sets a cap.
    public var holdingCap: Int?
    /// Whether non-members may hold shares (临安 allows it; the default is members only).
    public var nonMemberHolders: Bool
    /// The most shares the collective may redeem in a year, in hundredths of a percent of all
    /// shares (柯桥: 500 = 5%).
    public var annualRedemptionCapBasisPoints: Int?

    public init(holdingCap: Int? = nil, nonMemberHolders: Bool = false, annualRedemptionCapBasisPoints: Int? = nil) {
        self.holdingCap = holdingCap
        self.nonMemberHolders = nonMemberHolders
        self.annualRedemptionCapBasisPoints = annualRedemptionCapBasisPoints
    }

    public static let `default` = ShareCharter()

    enum CodingKeys: String, CodingKey {
        case holdingCap = "holding_cap"
        case nonMemberHolders = "non_member_holders"
        case annualRedemptionCapBasisPoints = "annual_redemption_cap_bp"
    }
}

/// One filing of the member roster: how many members, a digest of who they are, and where filed.
public struct RosterFiling: Hashable, Sendable, Codable {
    public var on: Day
    public var filedWith: String
    public var members: Int
    /// SHA-256 (hex) over the sorted ID numbers of the roster at filing time.
    public var digest: String

    public init(on: Day, filedWith: String, members: Int, digest: String) {
        self.on = on
        self.filedWith = filedWith
        self.members = members
        self.digest = digest
    }

    enum CodingKeys: String, CodingKey {
        case on, members, digest
        case filedWith = "filed_with"
    }
}
