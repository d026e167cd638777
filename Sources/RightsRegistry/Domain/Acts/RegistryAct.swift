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
        case landManagement(
            parent: RightID, holder: Holder, parcels: [ParcelCode]?, method: TransferMethod, use: String?,
            filing: Filing?, consents: [Consent])
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
