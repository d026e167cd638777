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
    /// A natural person who is on no household roster — an outside grower, a buyer — entered so
    /// that they can lease or buy (L-17(4) asks for agricultural ability, not membership).
    case registerPerson(Person)
    /// A member leaves the household: death, or marriage out with land at the new home (L-11).
    case removeMember(HouseholdCode, MemberRemoval)
    /// 分户: part of a household becomes a household of its own, taking what the members agreed.
    case splitHousehold(HouseholdSplit)
}

/// A written mandate to register (《农村土地经营权流转管理办法》 art. 8).
public struct MandateApplication: Sendable, Hashable {
    public var principal: Holder
    public var agent: String
    public var agentName: String
    public var matters: [MandateMatter]
    public var authority: String
    public var term: Term
    public var document: String
    /// Art. 8: signed or sealed by both principal and agent.
    public var signedByPrincipal: Bool
    public var signedByAgent: Bool

    public init(
        principal: Holder, agent: String, agentName: String, matters: [MandateMatter], authority: String, term: Term,
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
    /// 注销 on one of the grounds the law lists; a voluntary surrender goes through the paid
    /// withdrawal (L-10) and the 发包方 takes nothing back during the term (L-8).
    case cancellation(Cancellation)
    case correction(term: Term?, detail: RightDetail?, basis: CorrectionBasis, document: String)
    case objection(applicant: String, grounds: String)
    /// The objection's applicant filed suit and the court accepted it (实施细则 art. 83).
    case objectionSuit(EncumbranceID, Suit)
    /// The applicant withdraws its objection.
    case objectionWithdrawal(EncumbranceID, by: String)
    /// The court that accepted the suit decided it; the objection ends.
    case objectionRuling(EncumbranceID, court: String, document: String)
    case advanceNotice(beneficiary: Holder, reference: String)
    case seizure(court: String, caseNumber: String)
    case seizureRelease(court: String, seizure: EncumbranceID?)
    case filing(Filing)
    /// 抵押 / 质押 registration by a bank (C-10, C-11, L-21, H-11); without the mortgagor's side it
    /// is a pending application.
    case mortgage(MortgageApplication)
    /// The mortgagor's side of the joint application completes a pending mortgage.
    case mortgageJoin(EncumbranceID, MortgagorApplication)
    /// The mortgagee discharges its mortgage.
    case mortgageRelease(mortgage: EncumbranceID, by: String)
    /// Early end of a 土地经营权 by the contract holder, on the grounds L-22 allows only.
    case termination(LeaseTermination)
    /// 自愿有偿退出: the right returns to the collective (L-10, H-9, share redemption).
    case surrender(Surrender)
    /// 互换: parcels exchanged between two contracts of the same collective (L-13).
    case swap(Swap)
    /// 继承: the right passes to an heir where the law allows it (L-12; the house on a homestead).
    case inheritance(Inheritance)

    public var kind: String {
        switch self {
        case .transfer: "transfer"
        case .change: "change"
        case .cancellation: "cancellation"
        case .objectionSuit: "objection-suit"
        case .objectionWithdrawal: "objection-withdrawal"
        case .objectionRuling: "objection-ruling"
        case .mortgageJoin: "mortgage-joint"
        case .swap: "swap"
        case .inheritance: "inheritance"
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
    /// Contract land: the parcels mortgaged (all when nil).
    public var parcels: [ParcelCode]?
    /// Shares: how many are pledged (the whole holding when nil).
    public var shares: Int?
    /// The mortgagor's side, when both apply together (at the counter); without it the bank's
    /// application waits for the mortgagor.
    public var mortgagor: MortgagorApplication?

    public init(
        mortgagee: String, amount: Fen, term: Term, contract: String, consents: [Consent] = [], filing: Filing? = nil,
        otherResidence: String? = nil, parcels: [ParcelCode]? = nil, shares: Int? = nil,
        mortgagor: MortgagorApplication? = nil
    ) {
        self.mortgagee = mortgagee
        self.amount = amount
        self.term = term
        self.contract = contract
        self.consents = consents
        self.filing = filing
        self.otherResidence = otherResidence
        self.parcels = parcels
        self.shares = shares
        self.mortgagor = mortgagor
    }
}

/// The mortgagor's side of a mortgage's joint application (R-6, 不动产登记暂行条例 art. 14): its
/// application, and for a household's right every co-holder's written consent (L-3, L-7: all
/// members hold it), given at the counter or by an agent under a mandate for `mortgage`.
public struct MortgagorApplication: Sendable, Hashable {
    /// The application (申请书) the mortgagor signed.
    public var application: String
    public var consents: [Consent]

    public init(application: String, consents: [Consent] = []) {
        self.application = application
        self.consents = consents
    }
}

/// Why a right is cancelled (注销登记). The law lets the register cancel a right only when it
/// has ceased or a decision ends it; a household's voluntary giving-up is the paid withdrawal
/// (L-10), and the 发包方 may not take contract land back during the term (L-8).
public enum CancellationGround: String, Sendable, Hashable, Codable, CaseIterable {
    /// The land or plot is gone (灭失: a landslide, a river's new course; C-9 art. 364).
    case landLost = "land-lost"
    /// Expropriated by the state (征收, 土地管理法 art. 47–48).
    case expropriated
    /// The contracting household has died out (承包方消亡): nobody is left on it.
    case householdExtinct = "household-extinct"
    /// A term right whose term has ended (and was not extended).
    case termEnded = "term-ended"
    /// A court judgment or arbitral award ends it.
    case courtRuling = "court-ruling"
    /// Both parties agree to end a 土地经营权 early (协议解除).
    case agreement
    /// Asked for, and refused: a surrender goes through the paid withdrawal (L-10).
    case surrender
    /// Asked for, and refused: the 发包方 takes no contract land back during the term (L-8).
    case recovery
}

public struct Cancellation: Sendable, Hashable {
    public var ground: CancellationGround
    /// The document that proves the ground (a survey, the expropriation decision, the judgment …).
    public var document: String
    public var reason: String?
    /// For an agreement: the written consents of both parties.
    public var consents: [Consent]

    public init(ground: CancellationGround, document: String, reason: String? = nil, consents: [Consent] = []) {
        self.ground = ground
        self.document = document
        self.reason = reason
        self.consents = consents
    }
}

/// 互换 (L-13): parcels of this contract exchanged for parcels of another household's contract
/// in the same collective, filed with the 发包方.
public struct Swap: Sendable, Hashable {
    /// The other contract.
    public var with: RightID
    /// Parcels this contract gives.
    public var gives: [ParcelCode]
    /// Parcels it takes from the other.
    public var takes: [ParcelCode]
    public var filing: Filing?

    public init(with: RightID, gives: [ParcelCode], takes: [ParcelCode], filing: Filing?) {
        self.with = with
        self.gives = gives
        self.takes = takes
        self.filing = filing
    }
}

/// 继承登记 (实施细则 art. 14): the death certificate, the will or the heirs' agreement (or a
/// judgment), and the kinship proof.
public struct Inheritance: Sendable, Hashable {
    public enum Basis: String, Sendable, Hashable, Codable, CaseIterable {
        case will
        case heirsAgreement = "heirs-agreement"
        case courtRuling = "court-ruling"
    }

    public var heir: Holder
    /// The holder who died (a household's last member, or the person holding the right).
    public var deceased: CitizenID
    public var basis: Basis
    public var deathCertificate: String
    public var document: String

    public init(heir: Holder, deceased: CitizenID, basis: Basis, deathCertificate: String, document: String) {
        self.heir = heir
        self.deceased = deceased
        self.basis = basis
        self.deathCertificate = deathCertificate
        self.document = document
    }
}

/// Why a member leaves a household.
public enum RemovalReason: String, Sendable, Hashable, Codable, CaseIterable {
    case death
    /// Married out (外嫁): the member keeps her share of the land unless she obtained land at the
    /// new place of residence (L-11).
    case marriage
    /// Asked for, and refused: settling in town is no reason to lose anything (L-8, T-10).
    case settledInTown = "settled-in-town"
}

public struct MemberRemoval: Sendable, Hashable {
    public var person: CitizenID
    public var reason: RemovalReason
    public var document: String
    /// L-11: proof that the member obtained contract land at the new place of residence.
    public var landElsewhere: String?
    /// When the head leaves: the member who becomes the household's representative.
    public var newHead: CitizenID?

    public init(
        person: CitizenID, reason: RemovalReason, document: String, landElsewhere: String? = nil,
        newHead: CitizenID? = nil
    ) {
        self.person = person
        self.reason = reason
        self.document = document
        self.landElsewhere = landElsewhere
        self.newHead = newHead
    }
}

/// 分户 by the members' agreement: `members` (with `head` as its representative) leave
/// `household` for the new household `code`, taking the contract parcels and (if agreed) the
/// homestead the agreement gives them.
public struct HouseholdSplit: Sendable, Hashable {
    public var household: HouseholdCode
    public var code: HouseholdCode
    public var head: CitizenID
    public var members: [CitizenID]
    public var parcels: [ParcelCode]
    /// Whether the new household takes the homestead (one household, one homestead: T-3).
    public var homestead: Bool
    /// The split agreement (分户协议) every adult member signed.
    public var agreement: String

    public init(
        household: HouseholdCode, code: HouseholdCode, head: CitizenID, members: [CitizenID], parcels: [ParcelCode],
        homestead: Bool, agreement: String
    ) {
        self.household = household
        self.code = code
        self.head = head
        self.members = members
        self.parcels = parcels
        self.homestead = homestead
        self.agreement = agreement
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
