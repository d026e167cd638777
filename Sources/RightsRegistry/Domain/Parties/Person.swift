/// A natural person as the register knows them: name and citizen ID number.
public struct Person: Hashable, Sendable, Codable {
    public var name: String
    public var idNumber: CitizenID

    public init(name: String, idNumber: CitizenID) {
        self.name = name
        self.idNumber = idNumber
    }

    enum CodingKeys: String, CodingKey {
        case name
        case idNumber = "id_number"
    }
}

/// A member of a household other than its head (承包方代表), with the relation to the head as the
/// household register states it (配偶, 子女 …). All members hold the household's rights (L-3, L-7).
public struct HouseholdMember: Hashable, Sendable, Codable {
    public var person: Person
    public var relation: String

    public init(person: Person, relation: String) {
        self.person = person
        self.relation = relation
    }

    enum CodingKeys: String, CodingKey {
        case name
        case idNumber = "id_number"
        case relation
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        person = Person(
            name: try container.decode(String.self, forKey: .name),
            idNumber: try container.decode(CitizenID.self, forKey: .idNumber))
        relation = try container.decode(String.self, forKey: .relation)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(person.name, forKey: .name)
        try container.encode(person.idNumber, forKey: .idNumber)
        try container.encode(relation, forKey: .relation)
    }
}

/// A natural person entered on the register on their own — not on any household roster — so
/// that they can take a lease or buy: an outside grower (L-17(4) asks for agricultural ability,
/// not membership), an heir, a buyer of shares where the charter admits non-members.
public struct PersonRecord: Hashable, Sendable, Codable {
    public var person: Person
    public var registeredAt: UInt64

    public init(person: Person, registeredAt: UInt64) {
        self.person = person
        self.registeredAt = registeredAt
    }

    enum CodingKeys: String, CodingKey {
        case person
        case registeredAt = "registered_at"
    }
}
