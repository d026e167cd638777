/// A person entered on the register without a household, kind `person`.
public struct PersonRegistered: RegistryEvent {
    public static let kind = "person"
    public static let version = 1

    public var person: Person

    public init(person: Person) { self.person = person }

    public func touches(_ entry: EntryContext) -> [EntityKey] { [PersonRecord.key(person.idNumber.rawValue)] }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        state.put(PersonRecord(person: person, registeredAt: entry.index))
    }
}

/// A member left a household, kind `member-removal`: by death (with the last member, the
/// household dies out) or by marriage out with land at the new home (L-11). The person leaves the
/// collective's roster; the household's certificates, which list its members (L-7), are restated.
public struct MemberRemoved: RegistryEvent {
    public static let kind = "member-removal"
    public static let version = 1

    public var household: HouseholdCode
    public var person: CitizenID
    public var reason: RemovalReason
    public var document: String
    public var landElsewhere: String?
    /// When the head left: the member who represents the household now.
    public var newHead: CitizenID?
    /// The household's last member died (承包方消亡).
    public var extinct: Bool
    public var rights: [RightID]

    public init(
        household: HouseholdCode, person: CitizenID, reason: RemovalReason, document: String, landElsewhere: String?,
        newHead: CitizenID?, extinct: Bool, rights: [RightID]
    ) {
        self.household = household
        self.person = person
        self.reason = reason
        self.document = document
        self.landElsewhere = landElsewhere
        self.newHead = newHead
        self.extinct = extinct
        self.rights = rights
    }

    enum CodingKeys: String, CodingKey {
        case household, person, reason, document, extinct, rights
        case landElsewhere = "land_elsewhere"
        case newHead = "new_head"
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        [
            Household.key(household.rawValue),
            Membership.key(Membership.key(collective: household.collective, person: person)),
        ] + rights.map { Right.key($0.rawValue) } + ProjectionState.certificateKeys(entry)
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Household.self, household.rawValue)
        if extinct {
            record.extinct = entry.day
        } else {
            if let newHead, let next = record.members.first(where: { $0.person.idNumber == newHead }) {
                record.head = next.person
                record.members.removeAll { $0.person.idNumber == newHead }
            }
            record.members.removeAll { $0.person.idNumber == person }
        }
        state.put(record)
        state.delete(Membership.self, Membership.key(collective: household.collective, person: person))
        for right in rights { try state.updateRight(right, entry: entry) { _ in } }
    }
}

/// 分户, kind `household-split`: members leave a household for a new one of the same collective,
/// with the contract parcels and the homestead their agreement gives them, and what burdens those.
public struct HouseholdDivided: RegistryEvent {
    public static let kind = "household-split"
    public static let version = 1

    public var household: HouseholdCode
    public var code: HouseholdCode
    public var head: Person
    public var members: [HouseholdMember]
    public var agreement: String
    /// The old household's contract the parcels leave, if any pass.
    public var contract: RightID?
    public var parcels: [ParcelCode]
    public var homestead: RightID?
    public var carried: Carriage?
    /// The old household's other rights, restated with its smaller member list (L-7).
    public var restated: [RightID]

    public init(
        household: HouseholdCode, code: HouseholdCode, head: Person, members: [HouseholdMember], agreement: String,
        contract: RightID?, parcels: [ParcelCode], homestead: RightID?, carried: Carriage?, restated: [RightID]
    ) {
        self.household = household
        self.code = code
        self.head = head
        self.members = members
        self.agreement = agreement
        self.contract = contract
        self.parcels = parcels
        self.homestead = homestead
        self.carried = carried.flatMap { $0.isEmpty ? nil : $0 }
        self.restated = restated
    }

    var newContract: RightID { .contractLand(ContractCode(household: code)) }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        var keys = [Household.key(household.rawValue), Household.key(code.rawValue)]
        keys += ([head] + members.map(\.person)).map {
            Membership.key(Membership.key(collective: household.collective, person: $0.idNumber))
        }
        keys += ([contract, homestead].compactMap { $0 } + restated + [newContract]).map { Right.key($0.rawValue) }
        keys += parcels.map { ParcelClaim.key($0.rawValue) } + ProjectionState.certificateKeys(entry)
        keys += carried?.touches(target: newContract) ?? []
        return keys
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        let leaving = Set([head.idNumber] + members.map(\.person.idNumber))
        var old = try state.require(Household.self, household.rawValue)
        old.members.removeAll { leaving.contains($0.person.idNumber) }
        state.put(old)
        let created = Household(code: code, head: head, members: members, registeredAt: entry.index)
        state.put(created)
        for person in created.people {
            state.put(Membership(collective: household.collective, person: person, household: code, since: entry.index))
        }
        if let contract {
            let source = try state.require(Right.self, contract.rawValue)
            guard case .contractLand(let land) = source.detail else {
                throw RegistryError(
                    code: "integrity.entry",
                    message: "entry \(entry.index) splits \(contract), which is not contract land")
            }
            let moving = Set(parcels)
            try state.updateRight(contract, entry: entry) { right in
                let kept = land.parcels.filter { !moving.contains($0.code) }
                right.detail = .contractLand(ContractLand(parcels: kept))
                if kept.isEmpty { right.recordedStatus = .cancelled }
            }
            try state.receive(
                land.parcels.filter { moving.contains($0.code) }, into: newContract, holder: .household(code),
                term: source.term, from: source, reopens: false, entry: entry)
            if let carried { try state.carry(carried, to: newContract, root: newContract, entry: entry) }
        }
        if let homestead {
            try state.updateRight(homestead, entry: entry) { right in right.holder = .household(code) }
        }
        for right in restated where right != contract { try state.updateRight(right, entry: entry) { _ in } }
    }
}
