/// 互换 (L-13), kind `swap`: parcels exchanged between two contracts of one collective, both
/// sides in this one entry, with what burdens each side's parcels.
public struct RightsSwapped: RegistryEvent {
    public static let kind = "swap"
    public static let version = 1

    public var right: RightID
    public var other: RightID
    /// Parcels `right` gives to `other`, and takes from it.
    public var gives: [ParcelCode]
    public var takes: [ParcelCode]
    public var filing: Filing
    /// What follows `gives` to `other`, and `takes` to `right`.
    public var outward: Carriage?
    public var inward: Carriage?

    public init(
        right: RightID, other: RightID, gives: [ParcelCode], takes: [ParcelCode], filing: Filing, outward: Carriage?,
        inward: Carriage?
    ) {
        self.right = right
        self.other = other
        self.gives = gives
        self.takes = takes
        self.filing = filing
        self.outward = outward.flatMap { $0.isEmpty ? nil : $0 }
        self.inward = inward.flatMap { $0.isEmpty ? nil : $0 }
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        [Right.key(right.rawValue), Right.key(other.rawValue)] + (gives + takes).map { ParcelClaim.key($0.rawValue) }
            + ProjectionState.certificateKeys(entry) + (outward?.touches(target: other) ?? [])
            + (inward?.touches(target: right) ?? [])
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        guard case .contractLand(let mine) = try state.require(Right.self, right.rawValue).detail,
            case .contractLand(let theirs) = try state.require(Right.self, other.rawValue).detail
        else { throw RegistryError(code: "integrity.entry", message: "entry \(entry.index) swaps no contract land") }
        let given = Set(gives)
        let taken = Set(takes)
        var filed = filing
        filed.entry = entry.index
        try state.updateRight(right, entry: entry) { right in
            right.detail = .contractLand(
                ContractLand(
                    parcels: (mine.parcels.filter { !given.contains($0.code) }
                        + theirs.parcels.filter { taken.contains($0.code) }).sorted { $0.code < $1.code }))
            right.filings.append(filed)
        }
        try state.updateRight(other, entry: entry) { right in
            right.detail = .contractLand(
                ContractLand(
                    parcels: (theirs.parcels.filter { !taken.contains($0.code) }
                        + mine.parcels.filter { given.contains($0.code) }).sorted { $0.code < $1.code }))
            right.filings.append(filed)
        }
        for parcel in gives { state.put(ParcelClaim(parcel: parcel, right: other)) }
        for parcel in takes { state.put(ParcelClaim(parcel: parcel, right: right)) }
        if let outward { try state.carry(outward, to: other, root: other, entry: entry) }
        if let inward { try state.carry(inward, to: right, root: right, entry: entry) }
    }
}

/// 继承登记, kind `inheritance`: the right passes whole to an heir (L-12; the house on a
/// homestead; shares). What burdens it stays on it.
public struct RightInherited: RegistryEvent {
    public static let kind = "inheritance"
    /// 2: `carried` states the advance notices the heir's taking fulfils; entries of version 1
    /// are replayed as they were.
    public static let version = 2

    public var right: RightID
    public var from: Holder
    public var to: Holder
    public var deceased: CitizenID
    public var basis: Inheritance.Basis
    public var deathCertificate: String
    public var document: String
    /// Advance notices in the heir's favour, fulfilled by the inheritance (C-6).
    public var carried: Carriage?

    public init(
        right: RightID, from: Holder, to: Holder, deceased: CitizenID, basis: Inheritance.Basis,
        deathCertificate: String, document: String, carried: Carriage? = nil
    ) {
        self.right = right
        self.from = from
        self.to = to
        self.deceased = deceased
        self.basis = basis
        self.deathCertificate = deathCertificate
        self.document = document
        self.carried = carried.flatMap { $0.isEmpty ? nil : $0 }
    }

    enum CodingKeys: String, CodingKey {
        case right, from, to, deceased, basis, document, carried
        case deathCertificate = "death_certificate"
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        [Right.key(right.rawValue)] + (carried?.touches(target: right) ?? []) + ProjectionState.certificateKeys(entry)
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        try state.updateRight(right, entry: entry) { right in right.holder = to }
        if let carried { try state.carry(carried, to: right, root: right, entry: entry) }
    }
}
