/// A burden or restriction recorded against a right: 抵押 (mortgage), 查封 (seizure), 异议
/// (objection) or 预告 (advance notice).
///
/// Lapses that happen by time alone (an objection after 15 days, C-5; an advance notice after 90,
/// C-6) are not written back: `isActive(on:)` works them out from the registry's clock, so the
/// register never depends on a background job having run.
public struct Encumbrance: Hashable, Sendable, Codable {
    public var id: EncumbranceID
    public var right: RightID
    public var kind: EncumbranceKind
    /// Who holds it: the court, the objecting party, the advance-notice holder, the mortgagee.
    public var holder: String
    /// Court case number, objection grounds, contract number …
    public var reference: String
    public var registeredOn: Day
    /// Last day it has effect without further act, if it lapses by time.
    public var lapsesAfter: Day?
    public var released: Release?
    public var registeredAt: UInt64
    /// For a mortgage: the secured amount; rank follows registration order (C-12).
    public var amount: Fen?
    /// For an advance notice: the party the right is promised to.
    public var beneficiary: Holder?
    /// For a mortgage: the secured claim's repayment term (C-11).
    public var term: Term?
    /// A mortgage applied for by the bank and not yet completed by the mortgagor.
    public var pending: Bool?
    /// For a pending mortgage: the holder of the right when the bank applied, whose side of the
    /// joint application completes it.
    public var mortgagor: Holder?
    /// For a mortgage on contract land: the parcels it burdens. A mortgage follows these parcels
    /// when they pass to another contract (民法典 406); nil on entries written before parcels
    /// were recorded, meaning every parcel of the right.
    public var parcels: [ParcelCode]?
    /// For a pledge of shares: how many shares it burdens (nil: the whole holding, on entries
    /// written before counts were recorded).
    public var shares: Int?
    /// For a mortgage: what has been paid towards the secured claim from a sale's proceeds; the
    /// mortgage secures `amount − paid`.
    public var paid: Fen?
    /// For an objection: the suit the applicant filed (实施细则 art. 83), which keeps it in effect
    /// until the court decides.
    public var suit: Suit?

    /// What the mortgage still secures.
    public var outstanding: Fen { Fen((amount ?? .zero).value - (paid ?? .zero).value) }

    public init(
        id: EncumbranceID, right: RightID, kind: EncumbranceKind, holder: String, reference: String,
        registeredOn: Day, lapsesAfter: Day?, registeredAt: UInt64, amount: Fen? = nil, beneficiary: Holder? = nil,
        term: Term? = nil
    ) {
        self.id = id
        self.right = right
        self.kind = kind
        self.holder = holder
        self.reference = reference
        self.registeredOn = registeredOn
        self.lapsesAfter = lapsesAfter
        self.registeredAt = registeredAt
        self.amount = amount
        self.beneficiary = beneficiary
        self.term = term
    }

    /// The encumbrance's status on `day` — the one definition every view and rule uses. Lapses
    /// by time (C-5, C-6, an unanswered mortgage application) are worked out here, not written.
    public func status(on day: Day) -> EncumbranceStatus {
        if released != nil { return .released }
        if let lapsesAfter, day > lapsesAfter { return .lapsed }
        if pending == true { return .pending }
        return .active
    }

    /// In effect on `day`: it burdens the right, blocks what it blocks and shows as a flag.
    public func isActive(on day: Day) -> Bool { status(on: day) == .active }

    enum CodingKeys: String, CodingKey {
        case id, right, kind, holder, reference, released, amount, beneficiary, term, pending, mortgagor, parcels,
            shares,
            suit
        case paid = "paid_fen"
        case registeredOn = "registered_on"
        case lapsesAfter = "lapses_after"
        case registeredAt = "registered_at"
    }
}

/// Where an encumbrance is in its life (`Encumbrance.status(on:)`).
public enum EncumbranceStatus: String, Sendable, Codable, CaseIterable {
    /// A mortgage the bank applied for, awaiting the mortgagor's side of the joint application
    /// it has no effect yet.
    case pending
    case active
    /// Ended by an act: a release, a discharge, a payment in full, a foreclosure.
    case released
    /// Ended by time: an objection without suit (C-5), an advance notice (C-6), an application
    /// nobody completed.
    case lapsed
}

public enum EncumbranceKind: String, Sendable, Codable, CaseIterable {
    case mortgage
    case seizure
    case objection
    case advanceNotice = "advance-notice"
}

/// A suit (or arbitration) filed on an objection and accepted by the court (实施细则 art. 83).
public struct Suit: Hashable, Sendable, Codable {
    public var court: String
    public var caseNumber: String
    public var acceptedOn: Day

    public init(court: String, caseNumber: String, acceptedOn: Day) {
        self.court = court
        self.caseNumber = caseNumber
        self.acceptedOn = acceptedOn
    }

    enum CodingKeys: String, CodingKey {
        case court
        case caseNumber = "case_number"
        case acceptedOn = "accepted_on"
    }
}

/// The end of an encumbrance by act (a court's release, a bank's discharge).
public struct Release: Hashable, Sendable, Codable {
    public var on: Day
    public var by: String
    public var entry: UInt64

    public init(on: Day, by: String, entry: UInt64) {
        self.on = on
        self.by = by
        self.entry = entry
    }
}

/// An encumbrance's ID: `E` and the log index of the entry that registered it.
public struct EncumbranceID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(entry: UInt64) { rawValue = "E\(entry)" }

    public init(_ text: String) throws(InvalidValue) {
        guard text.hasPrefix("E"), UInt64(text.dropFirst()) != nil else {
            throw InvalidValue("an encumbrance ID is E followed by a log index")
        }
        rawValue = text
    }

    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// The restrictions a searcher must be told about (物权编解释（一） art. 15): shown on every
/// verification answer and checked before every disposal.
public struct RightFlags: Hashable, Sendable, Codable {
    public var mortgaged: Bool
    public var seized: Bool
    public var objection: Bool
    public var advanceNotice: Bool

    public init(encumbrances: [Encumbrance], on day: Day) {
        let active = encumbrances.filter { $0.isActive(on: day) }
        mortgaged = active.contains { $0.kind == .mortgage }
        seized = active.contains { $0.kind == .seizure }
        objection = active.contains { $0.kind == .objection }
        advanceNotice = active.contains { $0.kind == .advanceNotice }
    }

    /// The flag names, for JSON answers and the CLI (`["seizure", "objection"]`).
    public var names: [String] {
        var names: [String] = []
        if mortgaged { names.append("mortgage") }
        if seized { names.append("seizure") }
        if objection { names.append("objection") }
        if advanceNotice { names.append("advance-notice") }
        return names
    }

    enum CodingKeys: String, CodingKey {
        case mortgaged, seized, objection
        case advanceNotice = "advance_notice"
    }
}
