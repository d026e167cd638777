/// Everything a clerk (or the import, or later the exchange) can ask the register to do. The CLI,
/// the HTTP routes and the importer all build these values, and one `Registrar` decides them.
public enum RegistryAct: Sendable {
    case registerCollective(CollectiveApplication)
    case registerHousehold(HouseholdApplication)
    case registerOrganisation(Organisation)
    case addMember(HouseholdCode, HouseholdMember)
    case recordTownMove(HouseholdCode, TownMove)
    case fileRoster(CollectiveCode, filedWith: String)
    case fileCharter(CollectiveCode, ShareCharter)
    case registerRight(RightApplication)
    case completeRegistration(RightID)
    case onRight(RightID, RightAct)
    case setPolicy(RegistryPolicy)
    case registerMandate(MandateApplication)
}

/// A written mandate to register (《农村土地经营权流转管理办法》 art. 8).
public struct MandateApplication: Sendable, Hashable {
    public var principal: Holder
    public var agent: String
    public var agentName: String
    public var matters: [String]
    public var authority: String
    public var term: Term
    public var document: String
    /// Art. 8: signed or sealed by both principal and agent.
    public var signedByPrincipal: Bool
    public var signedByAgent: Bool

    public init(
        principal: Holder, agent: String, agentName: String, matters: [String], authority: String, term: Term,
        document: String, signedByPrincipal: Bool, signedByAgent: Bool
    ) {
        self.principal = principal
        self.agent = agent
        self.agentName = agentName
        self.matters = matters
        self.authority = authority
        self.term = term
        self.document = document
        self.signedByPrincipal = signedByPrincipal
        self.signedByAgent = signedByAgent
    }
}

public struct CollectiveApplication: Sendable, Hashable {
    public var code: CollectiveCode
    public var name: String
    public var creditCode: CreditCode
    public var region: RegionCode
    public var charter: ShareCharter?
    public var origin: RightOrigin

    public init(
        code: CollectiveCode, name: String, creditCode: CreditCode, region: RegionCode, charter: ShareCharter? = nil,
        origin: RightOrigin = .application
    ) {
        self.code = code
        self.name = name
        self.creditCode = creditCode
        self.region = region
        self.charter = charter
        self.origin = origin
    }
}

public struct HouseholdApplication: Sendable, Hashable {
    public var code: HouseholdCode
    public var head: Person
    public var members: [HouseholdMember]
    public var origin: RightOrigin

    public init(code: HouseholdCode, head: Person, members: [HouseholdMember], origin: RightOrigin = .application) {
        self.code = code
        self.head = head
        self.members = members
        self.origin = origin
    }
}

/// A first registration (首次登记).
public struct RightApplication: Sendable, Hashable {
    public enum Subject: Sendable, Hashable {
        case contractLand(contract: ContractCode, parcels: [Parcel])
        case homestead(household: HouseholdCode, unit: UnitCode, homestead: Homestead)
        case collectiveShare(collective: CollectiveCode, holder: Holder, holding: ShareHolding)
        /// 土地经营权 carved out of `parent` (L-16); `filing` is the 备案 with the 发包方 or, for
        /// 再流转, with the collective (L-23), and `consents` holds the contract holder's consent.
        /// `rent` is the agreed 流转价款 (L-19(6)), when the register is told it.
        case landManagement(
            parent: RightID, holder: Holder, parcels: [ParcelCode]?, method: TransferMethod, use: String?,
            filing: Filing?, consents: [Consent], rent: Rent? = nil)
    }

    public var subject: Subject
    public var term: Term?
    /// Imported 确权 data is registered as already confirmed: no new public notice.
    public var origin: RightOrigin

    public init(subject: Subject, term: Term?, origin: RightOrigin = .application) {
        self.subject = subject
        self.term = term
        self.origin = origin
    }
}

/// The registry acts on an existing right (`POST /v1/rights/{id}/acts`).
public enum RightAct: Sendable, Hashable {
    case transfer(Transfer)
    case change(term: TermChange?, detail: RightDetail?, reason: String)
    case cancellation(reason: String)
    case correction(term: Term?, detail: RightDetail?, basis: CorrectionBasis, document: String)
    case objection(applicant: String, grounds: String)
    case advanceNotice(beneficiary: Holder, reference: String)
    case seizure(court: String, caseNumber: String)
    case seizureRelease(court: String, seizure: EncumbranceID?)
    case filing(Filing)
    /// 抵押 / 质押 registration by a bank (C-10, C-11, L-21, H-11).
    case mortgage(MortgageApplication)
    /// The mortgagee discharges its mortgage.
    case mortgageRelease(mortgage: EncumbranceID, by: String)
    /// Early end of a 土地经营权 by the contract holder, on the grounds L-22 allows only.
    case termination(LeaseTermination)
    /// 自愿有偿退出: the right returns to the collective (L-10, H-9, share redemption).
    case surrender(Surrender)

    public var kind: String {
        switch self {
        case .transfer: "transfer"
        case .change: "change"
        case .cancellation: "cancellation"
        case .correction: "correction"
        case .objection: "objection"
        case .advanceNotice: "advance-notice"
        case .seizure: "seizure"
        case .seizureRelease: "seizure-release"
        case .filing: "filing"
        case .mortgage: "mortgage"
        case .mortgageRelease: "mortgage-release"
        case .termination: "termination"
        case .surrender: "surrender"
        }
    }
}

public struct Transfer: Sendable, Hashable {
    public var to: Holder
    /// Contract land: the parcels that pass (all when nil).
    public var parcels: [ParcelCode]?
    /// Shares: how many pass (all when nil).
    public var shares: Int?
    public var consents: [Consent]
    /// Homestead: sale, gift … (T-6).
    public var disposal: String?
    /// 再流转 of a 土地经营权: the filing with the collective (L-23).
    public var filing: Filing?

    public init(
        to: Holder, parcels: [ParcelCode]? = nil, shares: Int? = nil, consents: [Consent] = [], disposal: String? = nil,
        filing: Filing? = nil
    ) {
        self.to = to
        self.parcels = parcels
        self.shares = shares
        self.consents = consents
        self.disposal = disposal
        self.filing = filing
    }
}

/// How a change registration alters a term.
public enum TermChange: Sendable, Hashable {
    /// 延包: a further contract period of `years` from the day after the term ends (L-4).
    case extend(years: Int)
    case replace(Term)
}

/// A mortgage of a right to a bank (抵押; for shares, 质押). C-11: the written contract states
/// the secured amount and the repayment term.
public struct MortgageApplication: Sendable, Hashable {
    /// The bank's credit code, as its API token names it.
    public var mortgagee: String
    public var amount: Fen
    /// The secured claim's repayment term.
    public var term: Term
    /// The written mortgage contract (C-11).
    public var contract: String
    /// Written consents: the contract holder's for a transferee's 土地经营权 (L-21), the
    /// collective's for shares and 农房 (H-11(4)), the co-holders' for 农房 (H-11(5)).
    public var consents: [Consent]
    /// L-21: the financing is reported to the 发包方.
    public var filing: Filing?
    /// H-11(3): proof of another long-term residence besides the mortgaged house.
    public var otherResidence: String?

    public init(
        mortgagee: String, amount: Fen, term: Term, contract: String, consents: [Consent] = [], filing: Filing? = nil,
        otherResidence: String? = nil
    ) {
        self.mortgagee = mortgagee
        self.amount = amount
        self.term = term
        self.contract = contract
        self.consents = consents
        self.filing = filing
        self.otherResidence = otherResidence
    }
}

/// The grounds on which a contract holder may end a 土地经营权 early (L-22); no others.
public enum TerminationGround: String, Sendable, Hashable, Codable, CaseIterable {
    case changedUse = "changed-use"
    case abandoned = "abandoned-two-years"
    case seriousDamage = "serious-damage"
    case seriousBreach = "serious-breach"
}

public struct LeaseTermination: Sendable, Hashable {
    public var ground: TerminationGround
    public var by: Holder
    public var document: String

    public init(ground: TerminationGround, by: Holder, document: String) {
        self.ground = ground
        self.by = by
        self.document = document
    }
}

/// A voluntary paid withdrawal (自愿有偿退出) as the register enters it, once the collective has
/// approved it and paid.
public struct Surrender: Sendable, Hashable {
    /// The collective's decision approving the withdrawal.
    public var approval: String
    public var compensation: Fen
    /// L-10: the day the household gave the 发包方 written notice (contract land only).
    public var noticeOn: Day?
    /// H-9: whether the household keeps its 资格权 when it gives up a homestead.
    public var keepEligibility: Bool
    /// Shares redeemed (all when nil).
    public var shares: Int?
    /// The co-holders' consents (every adult member of the holder household).
    public var consents: [Consent]

    public init(
        approval: String, compensation: Fen, noticeOn: Day? = nil, keepEligibility: Bool = true, shares: Int? = nil,
        consents: [Consent] = []
    ) {
        self.approval = approval
        self.compensation = compensation
        self.noticeOn = noticeOn
        self.keepEligibility = keepEligibility
        self.shares = shares
        self.consents = consents
    }
}
