/// An encumbrance registered against a right — objection, advance notice, seizure, mortgage —
/// kind `encumbrance`. Its ID is `E` and this entry's index.
public struct EncumbranceRegistered: RegistryEvent {
    public static let kind = "encumbrance"
    /// 2: a mortgage states the parcels or shares it burdens, and may be a pending application.
    public static let version = 2

    public var right: RightID
    public var encumbrance: EncumbranceKind
    public var holder: String
    public var reference: String
    public var lapsesAfter: Day?
    public var amount: Fen?
    public var beneficiary: Holder?
    public var term: Term?
    /// A mortgage the bank applied for alone: it takes effect when the mortgagor completes the
    /// joint application, and lapses if nobody does.
    public var pending: Bool?
    /// For a pending mortgage: the right's holder, whose side completes it.
    public var mortgagor: Holder?
    /// Contract land: the parcels the mortgage burdens.
    public var parcels: [ParcelCode]?
    /// Shares: how many the pledge burdens.
    public var shares: Int?

    public init(
        right: RightID, encumbrance: EncumbranceKind, holder: String, reference: String, lapsesAfter: Day?,
        amount: Fen? = nil, beneficiary: Holder? = nil, term: Term? = nil, pending: Bool? = nil,
        mortgagor: Holder? = nil, parcels: [ParcelCode]? = nil, shares: Int? = nil
    ) {
        self.right = right
        self.encumbrance = encumbrance
        self.holder = holder
        self.reference = reference
        self.lapsesAfter = lapsesAfter
        self.amount = amount
        self.beneficiary = beneficiary
        self.term = term
        self.pending = pending
        self.mortgagor = mortgagor
        self.parcels = parcels
        self.shares = shares
    }

    enum CodingKeys: String, CodingKey {
        case right, encumbrance, holder, reference, amount, beneficiary, term, pending, mortgagor, parcels, shares
        case lapsesAfter = "lapses_after"
    }

    /// The ID the encumbrance gets when this event is entry `index`.
    public static func id(at index: UInt64) -> EncumbranceID { EncumbranceID(entry: index) }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        var keys = [Right.key(right.rawValue)]
        if encumbrance == .mortgage { keys.append(Watch.key(Watch.key(party: holder, right: right))) }
        return keys
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        let id = Self.id(at: entry.index)
        // The mortgagee follows the right from now on (its event feed).
        if encumbrance == .mortgage, try state.get(Watch.self, Watch.key(party: holder, right: right)) == nil {
            state.put(Watch(party: holder, right: right, since: entry.index))
        }
        var record = Encumbrance(
            id: id, right: right, kind: encumbrance, holder: holder, reference: reference, registeredOn: entry.day,
            lapsesAfter: lapsesAfter, registeredAt: entry.index, amount: amount, beneficiary: beneficiary, term: term)
        record.pending = pending
        record.mortgagor = mortgagor
        record.parcels = parcels
        record.shares = shares
        state.put(record)
        try state.updateRight(right, entry: entry, restatesCertificate: false) { _ in }
    }
}

/// The mortgagor's side of a joint application (R-6, 不动产登记暂行条例 art. 14), kind
/// `mortgage-joint`: the bank's pending mortgage is registered. It ranks from now, the time of
/// registration (C-12).
public struct MortgageJoined: RegistryEvent {
    public static let kind = "mortgage-joint"
    public static let version = 1

    public var mortgage: EncumbranceID
    public var right: RightID
    /// The mortgagor's application (申请书) and the co-holders' written consents.
    public var application: String
    public var consents: [Consent]
    /// When the mortgage lapses without an act: with the term of the right it burdens.
    public var lapsesAfter: Day?

    public init(mortgage: EncumbranceID, right: RightID, application: String, consents: [Consent], lapsesAfter: Day?) {
        self.mortgage = mortgage
        self.right = right
        self.application = application
        self.consents = consents
        self.lapsesAfter = lapsesAfter
    }

    enum CodingKeys: String, CodingKey {
        case mortgage, right, application, consents
        case lapsesAfter = "lapses_after"
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        [Encumbrance.key(mortgage.rawValue), Right.key(right.rawValue)]
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Encumbrance.self, mortgage.rawValue)
        record.pending = nil
        record.mortgagor = nil
        record.registeredAt = entry.index
        record.registeredOn = entry.day
        record.lapsesAfter = lapsesAfter
        state.put(record)
        try state.updateRight(right, entry: entry, restatesCertificate: false) { _ in }
    }
}

/// A payment to a mortgagee from a sale's proceeds, kind `mortgage-payment`. The mortgage then
/// secures what is still owed, and ends when it is paid in full — or, in a foreclosure, when the
/// enforced sale clears the title (`releases`).
public struct MortgagePaid: RegistryEvent {
    public static let kind = "mortgage-payment"
    public static let version = 1

    public var mortgage: EncumbranceID
    /// The right the mortgage burdens when the payment is applied (after any transfer it
    /// followed).
    public var right: RightID
    public var amount: Fen
    /// Whether the mortgage ends with this payment.
    public var releases: Bool
    public var by: String

    public init(mortgage: EncumbranceID, right: RightID, amount: Fen, releases: Bool, by: String) {
        self.mortgage = mortgage
        self.right = right
        self.amount = amount
        self.releases = releases
        self.by = by
    }

    enum CodingKeys: String, CodingKey {
        case mortgage, right, releases, by
        case amount = "amount_fen"
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        [Encumbrance.key(mortgage.rawValue), Right.key(right.rawValue)]
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Encumbrance.self, mortgage.rawValue)
        record.paid = (record.paid ?? .zero) + amount
        if releases { record.released = Release(on: entry.day, by: by, entry: entry.index) }
        state.put(record)
        try state.updateRight(right, entry: entry, restatesCertificate: false) { _ in }
    }
}

/// The objection's applicant filed suit within the period and the court accepted it (实施细则
/// art. 83), kind `objection-suit`: the objection stays in effect until the court decides.
public struct ObjectionSuitFiled: RegistryEvent {
    public static let kind = "objection-suit"
    public static let version = 1

    public var objection: EncumbranceID
    public var right: RightID
    public var suit: Suit
    /// It no longer lapses by its own period; on a term right it still ends with the term.
    public var lapsesAfter: Day?

    public init(objection: EncumbranceID, right: RightID, suit: Suit, lapsesAfter: Day?) {
        self.objection = objection
        self.right = right
        self.suit = suit
        self.lapsesAfter = lapsesAfter
    }

    enum CodingKeys: String, CodingKey {
        case objection, right, suit
        case lapsesAfter = "lapses_after"
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        [Encumbrance.key(objection.rawValue), Right.key(right.rawValue)]
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Encumbrance.self, objection.rawValue)
        record.suit = suit
        record.lapsesAfter = lapsesAfter
        state.put(record)
        try state.updateRight(right, entry: entry, restatesCertificate: false) { _ in }
    }
}

/// An encumbrance ended by act (a court's release, a bank's discharge, an objection withdrawn or
/// decided), kind `release`.
public struct EncumbranceReleased: RegistryEvent {
    public static let kind = "release"
    public static let version = 1

    public var encumbrance: EncumbranceID
    public var right: RightID
    public var by: String

    public init(encumbrance: EncumbranceID, right: RightID, by: String) {
        self.encumbrance = encumbrance
        self.right = right
        self.by = by
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        [Encumbrance.key(encumbrance.rawValue), Right.key(right.rawValue)]
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Encumbrance.self, encumbrance.rawValue)
        record.released = Release(on: entry.day, by: by, entry: entry.index)
        state.put(record)
        try state.updateRight(right, entry: entry, restatesCertificate: false) { _ in }
    }
}

/// When encumbrances that last as long as the right they burden lapse, after its term changed
/// (延包, a corrected term): carried by the change or correction that moved the term.
public struct EncumbranceLapse: Hashable, Sendable, Codable {
    public var encumbrance: EncumbranceID
    public var lapsesAfter: Day?

    public init(encumbrance: EncumbranceID, lapsesAfter: Day?) {
        self.encumbrance = encumbrance
        self.lapsesAfter = lapsesAfter
    }

    enum CodingKeys: String, CodingKey {
        case encumbrance
        case lapsesAfter = "lapses_after"
    }
}

extension ProjectionState {
    mutating func apply(_ lapses: [EncumbranceLapse]) throws {
        for lapse in lapses {
            var record = try require(Encumbrance.self, lapse.encumbrance.rawValue)
            record.lapsesAfter = lapse.lapsesAfter
            put(record)
        }
    }
}
