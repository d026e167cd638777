/// A collective economic organisation entered on the register (kind `collective`).
public struct CollectiveRegistered: RegistryEvent {
    public static let kind = "collective"
    public static let version = 1

    public var code: CollectiveCode
    public var name: String
    public var creditCode: CreditCode
    public var charter: ShareCharter?

    public init(code: CollectiveCode, name: String, creditCode: CreditCode, charter: ShareCharter?) {
        self.code = code
        self.name = name
        self.creditCode = creditCode
        self.charter = charter
    }

    enum CodingKeys: String, CodingKey {
        case code, name, charter
        case creditCode = "uscc"
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] { [Collective.key(code.rawValue)] }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        state.put(
            Collective(
                code: code, name: name, creditCode: creditCode, region: code.region, charter: charter ?? .default,
                registeredAt: entry.index))
    }
}

/// A household entered on the register with its members (kind `household`). Its head and
/// members become members of the collective's roster.
public struct HouseholdRegistered: RegistryEvent {
    public static let kind = "household"
    public static let version = 1

    public var code: HouseholdCode
    public var head: Person
    public var members: [HouseholdMember]
    public var origin: RightOrigin

    public init(code: HouseholdCode, head: Person, members: [HouseholdMember], origin: RightOrigin) {
        self.code = code
        self.head = head
        self.members = members
        self.origin = origin
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        [Household.key(code.rawValue)]
            + ([head] + members.map(\.person)).map {
                Membership.key(Membership.key(collective: code.collective, person: $0.idNumber))
            }
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        let household = Household(code: code, head: head, members: members, registeredAt: entry.index)
        state.put(household)
        for person in household.people {
            state.put(Membership(collective: code.collective, person: person, household: code, since: entry.index))
        }
    }
}

/// A person added to a household, and so to the collective's roster (kind `member`). The
/// household's certificates list its members (L-7), so its rights' certificates are re-issued.
public struct MemberAdded: RegistryEvent {
    public static let kind = "member"
    public static let version = 1

    public var household: HouseholdCode
    public var member: HouseholdMember
    /// The household's rights whose certificates now list one more member.
    public var rights: [RightID]?

    public init(household: HouseholdCode, member: HouseholdMember, rights: [RightID]) {
        self.household = household
        self.member = member
        self.rights = rights
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        [
            Household.key(household.rawValue),
            Membership.key(Membership.key(collective: household.collective, person: member.person.idNumber)),
        ] + (rights ?? []).map { Right.key($0.rawValue) } + ProjectionState.certificateKeys(entry)
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Household.self, household.rawValue)
        record.members.append(member)
        state.put(record)
        state.put(
            Membership(
                collective: household.collective, person: member.person, household: household, since: entry.index))
        for right in rights ?? [] { try state.updateRight(right, entry: entry) { _ in } }
    }
}

/// A household's move to town (进城落户), kind `moved-to-town`. It is recorded for the file and
/// changes nothing else: rights stay with the household (三权到户, L-8, T-10).
public struct TownMoveRecorded: RegistryEvent {
    public static let kind = "moved-to-town"
    public static let version = 1

    public var household: HouseholdCode
    public var move: TownMove

    public init(household: HouseholdCode, move: TownMove) {
        self.household = household
        self.move = move
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] { [Household.key(household.rawValue)] }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Household.self, household.rawValue)
        record.movedToTown = move
        state.put(record)
    }
}

/// The member roster filed with the township and county (成员名册备案, S-4), kind `roster-filing`.
public struct RosterFiled: RegistryEvent {
    public static let kind = "roster-filing"
    public static let version = 1

    public var collective: CollectiveCode
    public var filedWith: String
    public var members: Int
    public var digest: String

    public init(collective: CollectiveCode, filedWith: String, members: Int, digest: String) {
        self.collective = collective
        self.filedWith = filedWith
        self.members = members
        self.digest = digest
    }

    enum CodingKeys: String, CodingKey {
        case collective, members, digest
        case filedWith = "filed_with"
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] { [Collective.key(collective.rawValue)] }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Collective.self, collective.rawValue)
        record.rosterFilings.append(RosterFiling(on: entry.day, filedWith: filedWith, members: members, digest: digest))
        state.put(record)
    }
}

/// The share provisions of a collective's charter, as filed (S-10), kind `charter`.
public struct CharterFiled: RegistryEvent {
    public static let kind = "charter"
    public static let version = 1

    public var collective: CollectiveCode
    public var charter: ShareCharter

    public init(collective: CollectiveCode, charter: ShareCharter) {
        self.collective = collective
        self.charter = charter
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] { [Collective.key(collective.rawValue)] }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Collective.self, collective.rawValue)
        record.charter = charter
        state.put(record)
    }
}

/// An organisation (cooperative, company, family farm) entered so it can hold rights, kind
/// `organisation`.
public struct OrganisationRegistered: RegistryEvent {
    public static let kind = "organisation"
    public static let version = 1

    public var creditCode: CreditCode
    public var name: String

    public init(creditCode: CreditCode, name: String) {
        self.creditCode = creditCode
        self.name = name
    }

    enum CodingKeys: String, CodingKey {
        case name
        case creditCode = "uscc"
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] { [Organisation.key(creditCode.rawValue)] }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        state.put(Organisation(creditCode: creditCode, name: name))
    }
}

/// The policy the registry decides under from this entry on, kind `policy`.
public struct PolicySet: RegistryEvent {
    public static let kind = "policy"
    public static let version = 1

    public var policy: RegistryPolicy

    public init(policy: RegistryPolicy) { self.policy = policy }

    public func touches(_ entry: EntryContext) -> [EntityKey] { [PolicyRecord.key(PolicyRecord.singletonKey)] }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        state.put(PolicyRecord(policy: policy, setAt: entry.index))
    }
}
