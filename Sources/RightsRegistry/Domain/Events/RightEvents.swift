extension ProjectionState {
    /// The entities an event reads when it may issue certificates in `entry`: the year's
    /// certificate sequence and the policy (for the place name in the number).
    static func certificateKeys(_ entry: EntryContext) -> [EntityKey] {
        [CertificateSequence.key(String(entry.day.year)), PolicyRecord.key(PolicyRecord.singletonKey)]
    }

    /// Stores a right created or changed by `entry`: records the entry in its history and, when
    /// what its certificate states has changed, marks it and issues a new certificate if the
    /// right is current.
    mutating func save(_ right: Right, entry: EntryContext, restatesCertificate: Bool) throws {
        var right = right
        if right.history.last != entry.index { right.history.append(entry.index) }
        if restatesCertificate {
            right.updatedAt = entry.index
            if right.recordedStatus == .current, right.detail.isCertified { try issueCertificate(&right, entry: entry) }
        }
        put(right)
    }

    /// Loads a right, lets `change` edit it, and saves it.
    mutating func updateRight(
        _ id: RightID, entry: EntryContext, restatesCertificate: Bool = true, _ change: (inout Right) throws -> Void
    ) throws {
        var right = try require(Right.self, id.rawValue)
        try change(&right)
        try save(right, entry: entry, restatesCertificate: restatesCertificate)
    }

    private mutating func issueCertificate(_ right: inout Right, entry: EntryContext) throws {
        let policy = try get(PolicyRecord.self, PolicyRecord.singletonKey)?.policy ?? .default
        let year = entry.day.year
        var sequence = try get(CertificateSequence.self, String(year)) ?? CertificateSequence(year: year, last: 0)
        sequence.last += 1
        put(sequence)
        let number = CertificateNumber.make(
            kind: right.kind, region: right.region, place: policy.certificatePlace, year: year, sequence: sequence.last)
        putNew(
            CertificateRecord(
                number: number, right: right.id, entry: entry.index, issuedOn: entry.day, issuer: policy.issuer,
                supersedes: right.certificate))
        right.certificate = number
    }
}

/// First registration of a right (首次登记), kind `registration`. On application the right is
/// `announced` until its public notice ends; imported 确权 data is `current` at once.
public struct RightRegistered: RegistryEvent {
    public static let kind = "registration"
    public static let version = 1

    public var id: RightID
    public var holder: Holder
    public var collective: CollectiveCode
    public var term: Term?
    public var detail: RightDetail
    public var origin: RightOrigin
    public var noticeEnds: Day?
    /// The filing (备案) the registration rests on, e.g. a 流转 filed with the 发包方 (L-16).
    public var filing: Filing?
    /// Written consents it rests on, e.g. the contract holder's to 再流转 (L-23).
    public var consents: [Consent]?

    public init(
        id: RightID, holder: Holder, collective: CollectiveCode, term: Term?, detail: RightDetail, origin: RightOrigin,
        noticeEnds: Day?, filing: Filing? = nil, consents: [Consent]? = nil
    ) {
        self.id = id
        self.holder = holder
        self.collective = collective
        self.term = term
        self.detail = detail
        self.origin = origin
        self.noticeEnds = noticeEnds
        self.filing = filing
        self.consents = consents
    }

    enum CodingKeys: String, CodingKey {
        case id, holder, collective, term, detail, origin, filing, consents
        case noticeEnds = "notice_ends"
    }

    var parcels: [ParcelCode] {
        if case .contractLand(let land) = detail { return land.parcels.map(\.code) }
        return []
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        [Right.key(id.rawValue)] + parcels.map { ParcelClaim.key($0.rawValue) } + ProjectionState.certificateKeys(entry)
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        try state.save(
            Right(
                id: id, kind: detail.kind, status: noticeEnds == nil ? .current : .announced, holder: holder,
                collective: collective, term: term, detail: detail, origin: origin, noticeEnds: noticeEnds,
                filings: filing.map { filing in
                    var filed = filing
                    filed.entry = entry.index
                    return [filed]
                } ?? [],
                registeredAt: entry.index, updatedAt: entry.index),
            entry: entry, restatesCertificate: true)
        for parcel in parcels { state.put(ParcelClaim(parcel: parcel, right: id)) }
    }
}

/// The end of a first registration's public notice: the right is entered in the register (登簿),
/// kind `completion`.
public struct RegistrationCompleted: RegistryEvent {
    public static let kind = "completion"
    public static let version = 1

    public var right: RightID

    public init(right: RightID) { self.right = right }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        [Right.key(right.rawValue)] + ProjectionState.certificateKeys(entry)
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        try state.updateRight(right, entry: entry) { right in
            right.recordedStatus = .current
            right.noticeEnds = nil
        }
    }
}

/// Transfer registration (转移登记), kind `transfer`: all or part of a right passes to another
/// holder. Contract-land parcels join the receiving household's contract (L-14); part of a share
/// holding joins the receiver's holding of the same class. What burdens what passes follows it
/// (`carried`, from version 2).
public struct RightTransferred: RegistryEvent {
    public static let kind = "transfer"
    /// 2: `carried` and `reopens` are stated; entries of version 1 are replayed as they were.
    public static let version = 2

    public var right: RightID
    public var from: Holder
    public var to: Holder
    /// The right that receives: the same right when it passes whole to a new holder.
    public var target: RightID
    /// Contract land: the parcels that pass.
    public var parcels: [ParcelCode]?
    /// Shares: how many pass.
    public var shares: Int?
    public var consents: [Consent]
    /// For a homestead: how the dwelling was disposed of (sale, gift …), which bars the old
    /// household from a new homestead (T-6).
    public var disposal: String?
    /// The filing the transfer rests on (再流转 with the collective, L-23).
    public var filing: Filing?
    /// What follows what passes: mortgages, pledges, leases, fulfilled advance notices.
    public var carried: Carriage?
    /// Contract land: whether the receiving household's contract was cancelled, so that the
    /// parcels make a new contract of their own (L-14) rather than join it. Stated from version 2;
    /// nil on version 1 entries.
    public var reopens: Bool?

    public init(
        right: RightID, from: Holder, to: Holder, target: RightID, parcels: [ParcelCode]? = nil, shares: Int? = nil,
        consents: [Consent], disposal: String? = nil, filing: Filing? = nil, carried: Carriage? = nil,
        reopens: Bool? = nil
    ) {
        self.right = right
        self.from = from
        self.to = to
        self.target = target
        self.parcels = parcels
        self.shares = shares
        self.consents = consents
        self.disposal = disposal
        self.filing = filing
        self.carried = carried.flatMap { $0.isEmpty ? nil : $0 }
        self.reopens = reopens
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        var keys = [Right.key(right.rawValue), Right.key(target.rawValue)] + ProjectionState.certificateKeys(entry)
        keys += (parcels ?? []).map { ParcelClaim.key($0.rawValue) }
        if disposal != nil, case .household(let household) = from { keys.append(Household.key(household.rawValue)) }
        keys += carried?.touches(target: target) ?? []
        return keys
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        let source = try state.require(Right.self, right.rawValue)
        switch source.detail {
        case .contractLand(let land):
            let moving = Set(parcels ?? [])
            let moved = land.parcels.filter { moving.contains($0.code) }
            try state.updateRight(right, entry: entry) { right in
                let kept = land.parcels.filter { !moving.contains($0.code) }
                right.detail = .contractLand(ContractLand(parcels: kept))
                if kept.isEmpty { right.recordedStatus = .cancelled }
            }
            try state.receive(
                moved, into: target, holder: to, term: source.term, from: source, reopens: reopens, entry: entry)
            if let carried { try state.carry(carried, to: target, root: target, entry: entry) }

        case .collectiveShare(let holding) where target != right:
            let moving = shares ?? holding.shares
            try state.updateRight(right, entry: entry) { right in
                right.detail = .collectiveShare(
                    ShareHolding(shares: holding.shares - moving, shareClass: holding.shareClass))
                if holding.shares == moving { right.recordedStatus = .cancelled }
            }
            if var receiving = try state.get(Right.self, target.rawValue),
                case .collectiveShare(let existing) = receiving.detail
            {
                receiving.detail = .collectiveShare(
                    ShareHolding(shares: existing.shares + moving, shareClass: existing.shareClass))
                try state.save(receiving, entry: entry, restatesCertificate: true)
            } else {
                try state.save(
                    Right(
                        id: target, kind: .collectiveShare, status: .current, holder: to, collective: source.collective,
                        term: nil,
                        detail: .collectiveShare(ShareHolding(shares: moving, shareClass: holding.shareClass)),
                        origin: .transfer, registeredAt: entry.index, updatedAt: entry.index),
                    entry: entry, restatesCertificate: true)
            }
            if let carried { try state.carry(carried, to: target, root: target, entry: entry) }

        case .homestead, .landManagement, .collectiveShare:
            try state.updateRight(right, entry: entry) { right in
                right.holder = to
                if var filing {
                    filing.entry = entry.index
                    right.filings.append(filing)
                }
            }
            if let disposal, case .household(let household) = from {
                var record = try state.require(Household.self, household.rawValue)
                record.disposedDwelling = DwellingDisposal(on: entry.day, how: disposal, right: right)
                state.put(record)
            }
            if let carried { try state.carry(carried, to: right, root: right, entry: entry) }
        }
    }
}

extension ProjectionState {
    /// Contract-land parcels arriving in `target`: they join the household's contract, or make a
    /// new one — when it has none, or (`reopens`) when its contract was cancelled (L-14). Entries
    /// of version 1 (`reopens` nil) are replayed as they were written.
    mutating func receive(
        _ parcels: [Parcel], into target: RightID, holder: Holder, term: Term?, from source: Right, reopens: Bool?,
        entry: EntryContext
    ) throws {
        if var receiving = try get(Right.self, target.rawValue), case .contractLand(let existing) = receiving.detail,
            reopens != true
        {
            receiving.detail = .contractLand(
                ContractLand(parcels: (existing.parcels + parcels).sorted { $0.code < $1.code }))
            if reopens == nil { receiving.recordedStatus = .current }
            try save(receiving, entry: entry, restatesCertificate: true)
        } else if var reopened = try get(Right.self, target.rawValue) {
            reopened.detail = .contractLand(ContractLand(parcels: parcels.sorted { $0.code < $1.code }))
            reopened.term = term
            reopened.origin = .transfer
            reopened.recordedStatus = .current
            reopened.noticeEnds = nil
            try save(reopened, entry: entry, restatesCertificate: true)
        } else {
            try save(
                Right(
                    id: target, kind: .contractLand, status: .current, holder: holder, collective: source.collective,
                    term: term, detail: .contractLand(ContractLand(parcels: parcels)), origin: .transfer,
                    registeredAt: entry.index, updatedAt: entry.index),
                entry: entry, restatesCertificate: true)
        }
        for parcel in parcels { put(ParcelClaim(parcel: parcel.code, right: target)) }
    }
}

/// Change registration (变更登记), kind `change`: the facts of a right changed — the term extended
/// by 30 years at its end (延包, L-4), a parcel's bounds or area after a survey, a house rebuilt.
public struct RightChanged: RegistryEvent {
    public static let kind = "change"
    public static let version = 1

    public var right: RightID
    public var term: Term?
    public var detail: RightDetail?
    public var reason: String
    /// Encumbrances whose lapse moves with the term.
    public var lapses: [EncumbranceLapse]?

    public init(right: RightID, term: Term?, detail: RightDetail?, reason: String, lapses: [EncumbranceLapse] = []) {
        self.right = right
        self.term = term
        self.detail = detail
        self.reason = reason
        self.lapses = lapses.isEmpty ? nil : lapses
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        [Right.key(right.rawValue)] + ProjectionState.certificateKeys(entry)
            + (lapses ?? []).map { Encumbrance.key($0.encumbrance.rawValue) }
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        try state.updateRight(right, entry: entry) { right in
            if let term { right.term = term }
            if let detail { right.detail = detail }
        }
        try state.apply(lapses ?? [])
    }
}

/// Correction registration (更正登记, C-5), kind `correction`: the register was wrong and is put
/// right, on the holder's written consent or on proof of the error.
public struct RightCorrected: RegistryEvent {
    public static let kind = "correction"
    public static let version = 1

    public var right: RightID
    public var term: Term?
    public var detail: RightDetail?
    public var basis: CorrectionBasis
    public var document: String
    /// Encumbrances whose lapse moves with the term.
    public var lapses: [EncumbranceLapse]?

    public init(
        right: RightID, term: Term?, detail: RightDetail?, basis: CorrectionBasis, document: String,
        lapses: [EncumbranceLapse] = []
    ) {
        self.right = right
        self.term = term
        self.detail = detail
        self.basis = basis
        self.document = document
        self.lapses = lapses.isEmpty ? nil : lapses
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        [Right.key(right.rawValue)] + ProjectionState.certificateKeys(entry)
            + (lapses ?? []).map { Encumbrance.key($0.encumbrance.rawValue) }
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        try state.updateRight(right, entry: entry) { right in
            if let term { right.term = term }
            if let detail { right.detail = detail }
        }
        try state.apply(lapses ?? [])
    }
}

/// What a correction rests on (C-5).
public enum CorrectionBasis: String, Sendable, Codable, CaseIterable {
    case holderConsent = "holder-consent"
    case proofOfError = "proof-of-error"
}

/// Cancellation registration (注销登记), kind `cancellation`. Contract-land parcels are freed.
public struct RightCancelled: RegistryEvent {
    public static let kind = "cancellation"
    /// 2: the ground and its document are stated.
    public static let version = 2

    public var right: RightID
    public var reason: String
    public var parcels: [ParcelCode]
    public var ground: CancellationGround?
    public var document: String?

    public init(
        right: RightID, reason: String, parcels: [ParcelCode], ground: CancellationGround? = nil,
        document: String? = nil
    ) {
        self.right = right
        self.reason = reason
        self.parcels = parcels
        self.ground = ground
        self.document = document
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        [Right.key(right.rawValue)] + parcels.map { ParcelClaim.key($0.rawValue) }
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        try state.updateRight(right, entry: entry) { right in right.recordedStatus = .cancelled }
        for parcel in parcels { state.delete(ParcelClaim.self, parcel.rawValue) }
    }
}

/// A filing (备案) recorded against a right, kind `filing`.
public struct RightFiled: RegistryEvent {
    public static let kind = "filing"
    public static let version = 1

    public var right: RightID
    public var filing: Filing

    public init(right: RightID, filing: Filing) {
        self.right = right
        self.filing = filing
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] { [Right.key(right.rawValue)] }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var filing = filing
        filing.entry = entry.index
        try state.updateRight(right, entry: entry, restatesCertificate: false) { right in right.filings.append(filing) }
    }
}

extension EventCatalog {
    /// Every event the registry writes.
    public static let registry = EventCatalog([
        CollectiveRegistered.self, HouseholdRegistered.self, MemberAdded.self, TownMoveRecorded.self,
        RosterFiled.self, CharterFiled.self, OrganisationRegistered.self, PolicySet.self, RightRegistered.self,
        RegistrationCompleted.self, RightTransferred.self, RightChanged.self, RightCorrected.self,
        RightCancelled.self, RightFiled.self, EncumbranceRegistered.self, EncumbranceReleased.self,
        RightTerminated.self, RightSurrendered.self,
        MandateRegistered.self, CollateralSearched.self, MortgageJoined.self, MortgagePaid.self,
        ObjectionSuitFiled.self, PersonRegistered.self, MemberRemoved.self, HouseholdDivided.self, RightsSwapped.self,
        RightInherited.self,
    ])

}
