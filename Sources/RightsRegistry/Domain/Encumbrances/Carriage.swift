/// What follows land or shares when they pass to another right, as the registrar decided it and
/// the log records it:
///
/// - the mortgages on the parcels that pass, and the pledges on the shares that pass, with their
///   rank (民法典 406: 抵押财产转让的，抵押权不受影响; 443);
/// - the 土地经营权 carved out of the parcels that pass, which now answer to the receiving
///   contract and its holder (民法典 725: a lease binds whoever holds the land), with the
///   再流转 carved out of them in turn;
/// - the advance notices the passing fulfils: the promised party took the right (C-6).
///
/// Seizures and objections never follow: while one is in effect the right is not disposed of at
/// all (物权编解释（一） art. 15).
public struct Carriage: Hashable, Sendable, Codable {
    /// Mortgages and pledges that now burden the receiving right.
    public var encumbrances: [CarriedEncumbrance]
    /// 土地经营权 whose parent is now the receiving right.
    public var leases: [RightID]
    /// 土地经营权 carved out of those (再流转), whose contract right changes with them.
    public var subleases: [RightID]
    /// Advance notices fulfilled by the passing.
    public var fulfilled: [EncumbranceID]

    public init(
        encumbrances: [CarriedEncumbrance] = [], leases: [RightID] = [], subleases: [RightID] = [],
        fulfilled: [EncumbranceID] = []
    ) {
        self.encumbrances = encumbrances
        self.leases = leases
        self.subleases = subleases
        self.fulfilled = fulfilled
    }

    public var isEmpty: Bool { encumbrances.isEmpty && leases.isEmpty && subleases.isEmpty && fulfilled.isEmpty }

    /// Both carriages of an exchange of parcels, as one.
    static func + (lhs: Carriage, rhs: Carriage) -> Carriage {
        Carriage(
            encumbrances: lhs.encumbrances + rhs.encumbrances, leases: lhs.leases + rhs.leases,
            subleases: lhs.subleases + rhs.subleases, fulfilled: lhs.fulfilled + rhs.fulfilled)
    }

    /// The entities applying it reads and writes, when what passes goes to `target`.
    func touches(target: RightID) -> [EntityKey] {
        encumbrances.flatMap { carried in
            [Encumbrance.key(carried.id.rawValue), Watch.key(Watch.key(party: carried.holder, right: target))]
        }
            + (leases + subleases).map { Right.key($0.rawValue) } + fulfilled.map { Encumbrance.key($0.rawValue) }
    }
}

/// A mortgage or pledge that follows what it burdens.
public struct CarriedEncumbrance: Hashable, Sendable, Codable {
    public var id: EncumbranceID
    /// The mortgagee, who follows the receiving right from now on (its event feed).
    public var holder: String
    /// For a pledge: the shares it burdens, stated when the pledge itself named none.
    public var shares: Int?

    public init(id: EncumbranceID, holder: String, shares: Int? = nil) {
        self.id = id
        self.holder = holder
        self.shares = shares
    }
}

extension ProjectionState {
    /// Applies a carriage: what passed now burdens, or answers to, `target`, whose contract right
    /// is `root` (the receiving contract for land).
    mutating func carry(_ carriage: Carriage, to target: RightID, root: RightID, entry: EntryContext) throws {
        for carried in carriage.encumbrances {
            var record = try require(Encumbrance.self, carried.id.rawValue)
            record.right = target
            if let shares = carried.shares { record.shares = shares }
            put(record)
            if try get(Watch.self, Watch.key(party: carried.holder, right: target)) == nil {
                put(Watch(party: carried.holder, right: target, since: entry.index))
            }
        }
        for lease in carriage.leases {
            try updateRight(lease, entry: entry) { right in
                guard case .landManagement(var detail) = right.detail else { return }
                detail.parent = target
                detail.contractRight = root
                right.detail = .landManagement(detail)
            }
        }
        for lease in carriage.subleases {
            try updateRight(lease, entry: entry) { right in
                guard case .landManagement(var detail) = right.detail else { return }
                detail.contractRight = root
                right.detail = .landManagement(detail)
            }
        }
        for notice in carriage.fulfilled {
            var record = try require(Encumbrance.self, notice.rawValue)
            record.released = Release(on: entry.day, by: "fulfilled", entry: entry.index)
            put(record)
        }
    }
}
