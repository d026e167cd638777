/// A filing (备案): a matter reported to and recorded by a body, e.g. a 土地经营权 流转 filed with
/// the 发包方 (L-16), a swap (L-13), a financing guarantee (L-21).
public struct Filing: Hashable, Sendable, Codable {
    public var matter: String
    public var filedWith: String
    /// Reference of the filed document.
    public var document: String
    public var on: Day
    /// Log index of the entry that recorded it.
    public var entry: UInt64?

    public init(matter: String, filedWith: String, document: String, on: Day, entry: UInt64? = nil) {
        self.matter = matter
        self.filedWith = filedWith
        self.document = document
        self.on = on
        self.entry = entry
    }

    enum CodingKeys: String, CodingKey {
        case matter, document, on, entry
        case filedWith = "filed_with"
    }
}

/// A written consent an act depends on (rule book §7.3): the 发包方's consent to a transfer
/// (L-14), the contract holder's to 再流转 (L-23) …
public struct Consent: Hashable, Sendable, Codable {
    public var party: ConsentParty
    /// Name or code of who consented.
    public var by: String
    /// Reference of the written consent.
    public var document: String
    public var on: Day

    public init(party: ConsentParty, by: String, document: String, on: Day) {
        self.party = party
        self.by = by
        self.document = document
        self.on = on
    }
}

/// Whose consent it is.
public enum ConsentParty: String, Sendable, Codable, CaseIterable {
    /// 发包方 (the collective as contracting party).
    case contractingParty = "contracting-party"
    /// 承包方 (the holder of the contract-land right).
    case contractHolder = "contract-holder"
    /// The collective economic organisation (shares, 农房).
    case collective
    /// The other members of the holder household.
    case coHolders = "co-holders"
    /// A mortgagee of the right.
    case mortgagee
    /// The right's own holder (e.g. a 土地经营权's holder agreeing to end it).
    case holder
}
