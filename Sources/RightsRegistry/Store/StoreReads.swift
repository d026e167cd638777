/// `RegistryReads` answered from a store's projection tables.
public struct StoreReads: RegistryReads {
    public let store: any RegistryStore

    public init(store: any RegistryStore) { self.store = store }

    func load<E: Entity>(_ type: E.Type, _ key: String) async throws -> E? {
        guard let document = try await store.document(E.key(key)) else { return nil }
        return try Documents.decode(E.self, key: key, from: document)
    }

    func query<E: Entity>(_ type: E.Type, _ filters: [ColumnFilter], after: String? = nil, limit: Int? = nil)
        async throws -> [E]
    {
        try await store.documents(E.table, where: filters, after: after, limit: limit).map(Self.decode)
    }

    static func decode<E: Entity>(_ document: JSONValue) throws -> E {
        try JSONValueDecoder().decode(E.self, from: document)
    }

    public func collective(_ code: CollectiveCode) async throws -> Collective? {
        try await load(Collective.self, code.rawValue)
    }

    public func household(_ code: HouseholdCode) async throws -> Household? {
        try await load(Household.self, code.rawValue)
    }

    public func organisation(_ code: CreditCode) async throws -> Organisation? {
        try await load(Organisation.self, code.rawValue)
    }

    public func person(_ id: CitizenID) async throws -> PersonRecord? {
        try await load(PersonRecord.self, id.rawValue)
    }

    public func membership(_ person: CitizenID, in collective: CollectiveCode) async throws -> Membership? {
        try await load(Membership.self, Membership.key(collective: collective, person: person))
    }

    public func memberships(of person: CitizenID) async throws -> [Membership] {
        try await query(Membership.self, Self.memberships(of: person))
    }

    static func memberships(of person: CitizenID) -> [ColumnFilter] { [.equals("id_number", person.rawValue)] }

    public func roster(of collective: CollectiveCode) async throws -> [Membership] {
        try await query(Membership.self, [.equals("collective", collective.rawValue)])
    }

    public func right(_ id: RightID) async throws -> Right? { try await load(Right.self, id.rawValue) }

    /// The rights a query names. The store filters on the recorded status; the status on the
    /// query's day is then worked out by `Right.status(on:)`, reading further pages until the
    /// limit is reached, so a list never disagrees with what each right says of itself.
    public func rights(_ query: RightQuery) async throws -> [Right] {
        let filters = Self.filters(query)
        guard let status = query.status else {
            return try await self.query(Right.self, filters, after: query.after?.rawValue, limit: query.limit)
        }
        var found: [Right] = []
        var after = query.after?.rawValue
        let page = max(query.limit ?? 500, 100)
        while true {
            let rights = try await self.query(Right.self, filters, after: after, limit: page)
            for right in rights where status.admits(right) {
                found.append(right)
                if let limit = query.limit, found.count == limit { return found }
            }
            guard rights.count == page, let last = rights.last else { return found }
            after = last.id.rawValue
        }
    }

    /// What the store filters on for `query` (the recorded status, not the status on its day).
    static func filters(_ query: RightQuery) -> [ColumnFilter] {
        var filters: [ColumnFilter] = []
        if let holder = query.holder { filters.append(.equals("holder", holder.rawValue)) }
        if let kind = query.kind { filters.append(.equals("kind", kind.rawValue)) }
        if let status = query.status { filters.append(.isIn("status", status.recorded.map(\.rawValue))) }
        if let collective = query.collective { filters.append(.equals("collective", collective.rawValue)) }
        if let region = query.region { filters.append(.hasPrefix("region", region)) }
        if let parent = query.parent { filters.append(.equals("parent", parent.rawValue)) }
        return filters
    }

    public func claim(on parcel: ParcelCode) async throws -> ParcelClaim? {
        try await load(ParcelClaim.self, parcel.rawValue)
    }

    public func encumbrances(on right: RightID) async throws -> [Encumbrance] {
        Self.inRegistrationOrder(try await query(Encumbrance.self, Self.encumbrances(on: right)))
    }

    static func encumbrances(on right: RightID) -> [ColumnFilter] { [.equals("right_id", right.rawValue)] }

    static func inRegistrationOrder(_ encumbrances: [Encumbrance]) -> [Encumbrance] {
        encumbrances.sorted { $0.registeredAt < $1.registeredAt }
    }

    public func encumbrancesAndHolder(of right: Right) async throws -> (
        encumbrances: [Encumbrance], holder: HolderRecord
    ) {
        let answers = try await store.documents([
            .matching(Encumbrance.table, Self.encumbrances(on: right.id)), Self.holderRead(right.holder),
        ])
        return (
            Self.inRegistrationOrder(try answers[0].map(Self.decode)), try Self.holderRecord(right.holder, answers[1])
        )
    }

    /// A right, its encumbrances and its holder's record. Where the store reads together, in one
    /// statement where reading the right and then the rest took two (issue 16: a bank's search on
    /// PostgreSQL): the household is read through the right's `holder` column, as almost every
    /// rural right is a household's, and any other holder after. Nil when there is no such right.
    public func rightWithEncumbrancesAndHolder(_ id: RightID) async throws -> (
        right: Right, encumbrances: [Encumbrance], holder: HolderRecord
    )? {
        // One by one (SQLite), the household read through the right cost a search 5–10 %.
        guard store.readsTogether else {
            guard let right = try await right(id) else { return nil }
            let (encumbrances, holder) = try await encumbrancesAndHolder(of: right)
            return (right, encumbrances, holder)
        }
        let answers = try await store.documents([
            .key(Right.key(id.rawValue)), .matching(Encumbrance.table, Self.encumbrances(on: id)),
            // The rights table's `holder` column holds `Holder.rawValue`: "household:<code>".
            .matching(
                Household.table,
                [.equalsReference("key", row: Right.key(id.rawValue), column: "holder", prefix: "household:")]),
        ])
        guard let document = answers[0].first else { return nil }
        let right = try Documents.decode(Right.self, key: id.rawValue, from: document)
        let encumbrances = Self.inRegistrationOrder(try answers[1].map(Self.decode))
        if case .household = right.holder {
            return (right, encumbrances, try Self.holderRecord(right.holder, answers[2]))
        }
        let holder = try Self.holderRecord(right.holder, try await store.documents([Self.holderRead(right.holder)])[0])
        return (right, encumbrances, holder)
    }

    /// What reads `holder`'s record: the household, organisation or collective; a person's
    /// roster lines.
    static func holderRead(_ holder: Holder) -> DocumentRead {
        switch holder {
        case .household(let code): .key(Household.key(code.rawValue))
        case .person(let id): .matching(Membership.table, memberships(of: id))
        case .organisation(let code): .key(Organisation.key(code.rawValue))
        case .collective(let code): .key(Collective.key(code.rawValue))
        }
    }

    /// `holder`'s record from the documents `holderRead(holder)` found.
    static func holderRecord(_ holder: Holder, _ documents: [JSONValue]) throws -> HolderRecord {
        func row<E: Entity>(_ type: E.Type, _ key: String) throws -> E? {
            try documents.first.map { try Documents.decode(E.self, key: key, from: $0) }
        }
        return switch holder {
        case .household(let code): .household(try row(Household.self, code.rawValue))
        case .person: .person(try documents.map(decode))
        case .organisation(let code): .organisation(try row(Organisation.self, code.rawValue))
        case .collective(let code): .collective(try row(Collective.self, code.rawValue))
        }
    }

    public func encumbrancesAndLeases(of right: RightID, liveOn day: Day) async throws -> (
        encumbrances: [Encumbrance], leases: [Right]
    ) {
        let live = StatusFilter.live(on: day)
        let leases = RightQuery(kind: .landManagement, status: live, parent: right)
        let answers = try await store.documents([
            .matching(Encumbrance.table, Self.encumbrances(on: right)), .matching(Right.table, Self.filters(leases)),
        ])
        let rights: [Right] = try answers[1].map(Self.decode)
        return (Self.inRegistrationOrder(try answers[0].map(Self.decode)), rights.filter(live.admits))
    }

    public func encumbrance(_ id: EncumbranceID) async throws -> Encumbrance? {
        try await load(Encumbrance.self, id.rawValue)
    }

    public func mandates(agent: String) async throws -> [Mandate] {
        try await query(Mandate.self, [.equals("agent", agent)])
    }

    public func policy() async throws -> RegistryPolicy {

        try await load(PolicyRecord.self, PolicyRecord.singletonKey)?.policy ?? .default
    }
}
