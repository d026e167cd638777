/// A right on the register (登记簿): who holds what, for how long, in which state.
///
/// Encumbrances (mortgages, seizures, objections, advance notices) are separate records that
/// point at the right, because they have holders and lives of their own.
public struct Right: Hashable, Sendable, Codable {
    public var id: RightID
    public var kind: RightKind
    /// The status the acts recorded: announced, current or cancelled. What the right *is* on a
    /// given day — a term right whose term has run out is expired without any act — is
    /// `status(on:)`, the one definition every view and rule uses.
    public var recordedStatus: RightStatus
    public var holder: Holder
    /// The collective whose land or assets the right is in (发包方 for land).
    public var collective: CollectiveCode
    public var term: Term?
    public var detail: RightDetail
    /// How the right came to be registered.
    public var origin: RightOrigin
    /// Last day of the public notice (公告) while the right is `announced`.
    public var noticeEnds: Day?
    /// Filings (备案) made about this right: 流转 with the 发包方 (L-16), swaps (L-13) …
    public var filings: [Filing]
    /// Log index of the first registration, and of the last entry that changed the right.
    public var registeredAt: UInt64
    public var updatedAt: UInt64
    /// Every log entry that concerned this right, oldest first (`rights right history`).
    public var history: [UInt64]
    /// The number of the certificate that states the right as it is now; nil while announced.
    public var certificate: String?

    public init(
        id: RightID, kind: RightKind, status: RightStatus, holder: Holder, collective: CollectiveCode, term: Term?,
        detail: RightDetail, origin: RightOrigin, noticeEnds: Day? = nil, filings: [Filing] = [],
        registeredAt: UInt64, updatedAt: UInt64, history: [UInt64] = []
    ) {
        self.id = id
        self.kind = kind
        recordedStatus = status
        self.holder = holder
        self.collective = collective
        self.term = term
        self.detail = detail
        self.origin = origin
        self.noticeEnds = noticeEnds
        self.filings = filings
        self.registeredAt = registeredAt
        self.updatedAt = updatedAt
        self.history = history.isEmpty ? [registeredAt] : history
    }

    public var region: RegionCode { collective.region }

    /// The status as of `day` — the one definition of a right's status, used by every view, list
    /// filter, search answer, certificate and rule. A term right ends with its term: once the
    /// term is over it is expired without any act, because the end date is on the register
    /// (L-4, L-17(3)); an extension (延包) moves the end.
    public func status(on day: Day) -> RightStatus {
        switch recordedStatus {
        case .current:
            if kind.endsWithTerm, let term, day > term.end { return .expired }
            return .current
        case .announced, .cancelled, .expired:
            return recordedStatus
        }
    }

    /// 面积: the parcels' total for land, the plot for a homestead.
    public var area: SquareMetres? {
        switch detail {
        case .contractLand(let land): land.parcels.reduce(.zero) { $0 + $1.area }
        case .landManagement(let lease): lease.area
        case .homestead(let homestead): homestead.plotArea
        case .collectiveShare: nil
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, holder, collective, term, detail, origin, filings, history, certificate
        case recordedStatus = "status"
        case noticeEnds = "notice_ends"
        case registeredAt = "registered_at"
        case updatedAt = "updated_at"
    }
}

/// What is specific to each kind of right.
public enum RightDetail: Hashable, Sendable {
    case contractLand(ContractLand)
    case landManagement(LandManagement)
    case homestead(Homestead)
    case collectiveShare(ShareHolding)

    public var kind: RightKind {
        switch self {
        case .contractLand: .contractLand
        case .landManagement: .landManagement
        case .homestead: .homestead
        case .collectiveShare: .collectiveShare
        }
    }

    /// Whether the right is registered and so has a certificate: all are but a 土地经营权 only
    /// filed for being shorter than the registrable term (L-20).
    public var isCertified: Bool {
        switch self {
        case .landManagement(let lease): !lease.isFiledOnly
        case .contractLand, .homestead, .collectiveShare: true
        }
    }
}

extension RightDetail: Codable {
    enum CodingKeys: String, CodingKey {
        case contractLand = "contract_land"
        case landManagement = "land_management"
        case homestead
        case collectiveShare = "collective_share"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let land = try container.decodeIfPresent(ContractLand.self, forKey: .contractLand) {
            self = .contractLand(land)
        } else if let lease = try container.decodeIfPresent(LandManagement.self, forKey: .landManagement) {
            self = .landManagement(lease)
        } else if let homestead = try container.decodeIfPresent(Homestead.self, forKey: .homestead) {
            self = .homestead(homestead)
        } else {
            self = .collectiveShare(try container.decode(ShareHolding.self, forKey: .collectiveShare))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .contractLand(let land): try container.encode(land, forKey: .contractLand)
        case .landManagement(let lease): try container.encode(lease, forKey: .landManagement)
        case .homestead(let homestead): try container.encode(homestead, forKey: .homestead)
        case .collectiveShare(let holding): try container.encode(holding, forKey: .collectiveShare)
        }
    }
}

/// 土地承包经营权: the household's contracted parcels. The contract code is the right's ID.
public struct ContractLand: Hashable, Sendable, Codable {
    public var parcels: [Parcel]

    public init(parcels: [Parcel]) { self.parcels = parcels }
}

/// 土地经营权 carved out of a contract-land right (or, on 再流转, out of another 土地经营权).
public struct LandManagement: Hashable, Sendable, Codable {
    /// The right it was carved out of.
    public var parent: RightID
    /// The contract-land right at the root of the chain, whose holder must consent to 再流转 (L-23).
    public var contractRight: RightID
    public var parcels: [ParcelCode]
    public var area: SquareMetres
    /// How it was passed on: 出租/转包 (lease) or 入股 (contribution as shares), L-16.
    public var method: TransferMethod
    /// Agreed use; agricultural use may not change (L-17(2)).
    public var use: String?
    /// The agreed rent and its instalments, when the lease came through the exchange.
    public var rent: Rent?
    /// A 流转 shorter than the registrable term (L-20) is filed with the 发包方 (L-16), not
    /// registered: it stands on the register — on its parent, blocking overlapping leases — but
    /// has no certificate. Absent in entries written before short leases were recorded.
    public var filedOnly: Bool?

    /// Filed, not registered: no certificate (L-20).
    public var isFiledOnly: Bool { filedOnly == true }

    public init(
        parent: RightID, contractRight: RightID, parcels: [ParcelCode], area: SquareMetres, method: TransferMethod,
        use: String?, rent: Rent? = nil, filedOnly: Bool = false
    ) {
        self.filedOnly = filedOnly ? true : nil
        self.parent = parent
        self.contractRight = contractRight
        self.parcels = parcels
        self.area = area
        self.method = method
        self.use = use
        self.rent = rent
    }

    enum CodingKeys: String, CodingKey {
        case parent, parcels, method, use, rent
        case contractRight = "contract_right"
        case area = "area_m2"
        case filedOnly = "filed_only"
    }
}

/// A lease's rent (流转价款, L-19(6)): so much a year, one instalment due at the start of each
/// lease year; a short last year pays its share by days.
public struct Rent: Hashable, Sendable, Codable {
    public var annual: Fen
    public var schedule: [RentInstalment]

    public init(annual: Fen, over term: Term) {
        self.annual = annual
        var schedule: [RentInstalment] = []
        var start = term.start
        while start <= term.end {
            let next = start.adding(years: 1)
            let days = start.days(until: min(next, term.end.adding(days: 1)))
            let full = start.days(until: next)
            schedule.append(RentInstalment(due: start, amount: Fen(annual.value * Int64(days) / Int64(full))))
            start = next
        }
        self.schedule = schedule
    }

    enum CodingKeys: String, CodingKey {
        case schedule
        case annual = "annual_fen"
    }
}

public struct RentInstalment: Hashable, Sendable, Codable {
    public var due: Day
    public var amount: Fen

    enum CodingKeys: String, CodingKey {
        case due
        case amount = "amount_fen"
    }
}

/// 流转方式 of a 土地经营权 (L-16).
public enum TransferMethod: String, Sendable, Codable {
    case lease
    case shareContribution = "share-contribution"
}

/// 宅基地使用权 and the house on it. The 不动产单元代码 is the right's ID.
public struct Homestead: Hashable, Sendable, Codable {
    public var location: String
    public var plotArea: SquareMetres
    public var floorArea: SquareMetres?
    /// Land the plot was approved on, which sets the area standard (H-2).
    public var landCategory: HomesteadLandCategory
    /// Whether the holder household keeps its 资格权 (eligibility) in this homestead (H-3, H-9).
    public var eligibility: Bool
    /// Imported 确权 data above today's area standard is registered as it is, and marked.
    public var exceedsAreaStandard: Bool

    public init(
        location: String, plotArea: SquareMetres, floorArea: SquareMetres?, landCategory: HomesteadLandCategory,
        eligibility: Bool = true, exceedsAreaStandard: Bool = false
    ) {
        self.location = location
        self.plotArea = plotArea
        self.floorArea = floorArea
        self.landCategory = landCategory
        self.eligibility = eligibility
        self.exceedsAreaStandard = exceedsAreaStandard
    }

    enum CodingKeys: String, CodingKey {
        case location, eligibility
        case plotArea = "plot_area_m2"
        case floorArea = "floor_area_m2"
        case landCategory = "land_category"
        case exceedsAreaStandard = "exceeds_area_standard"
    }
}

/// The land a homestead was approved on; Zhejiang sets a different area standard for each (H-2).
public enum HomesteadLandCategory: String, Sendable, Codable, CaseIterable {
    case cultivated
    case other
    case mountain
}

/// 集体资产股权: a holder's shares of one class in one collective.
public struct ShareHolding: Hashable, Sendable, Codable {
    /// The most shares one holding (or one act) counts: a collective issues far fewer, and sums
    /// over every holding of a collective stay exact.
    public static let maximumShares = 1_000_000_000
    /// The share counts a request may state.
    public static let inputRange: ClosedRange<Int64> = 1...Int64(maximumShares)

    public var shares: Int
    /// Share class in the charter (人口股, 农龄股 …).
    public var shareClass: String

    public init(shares: Int, shareClass: String) {
        self.shares = shares
        self.shareClass = shareClass
    }

    enum CodingKeys: String, CodingKey {
        case shares
        case shareClass = "class"
    }
}

/// How a right came onto the register.
public enum RightOrigin: String, Sendable, Codable {
    /// Imported 确权 data, registered as already confirmed (no new public notice).
    case imported
    /// First registration on application, after a public notice.
    case application
    /// Created by 流转 of another right (a 土地经营权).
    case transfer
}
