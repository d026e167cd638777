// How the registry's domain types are kept as projection rows. The domain types stay plain
// values; their tables, keys and index columns are declared here, at the storage edge.

extension Collective: Entity {
    public static let table = EntityTable(name: "collectives", columns: ["region"])
    public var key: String { code.rawValue }
    public var columnValues: [String?] { [region.rawValue] }
}

extension Household: Entity {
    public static let table = EntityTable(name: "households", columns: ["collective"])
    public var key: String { code.rawValue }
    public var columnValues: [String?] { [collective.rawValue] }
}

extension Membership: Entity {
    public static let table = EntityTable(name: "members", columns: ["collective", "id_number", "household"])
    public static func key(collective: CollectiveCode, person: CitizenID) -> String {
        "\(collective.rawValue)/\(person.rawValue)"
    }
    public var key: String { Self.key(collective: collective, person: person.idNumber) }
    public var columnValues: [String?] { [collective.rawValue, person.idNumber.rawValue, household?.rawValue] }
}

extension PersonRecord: Entity {
    public static let table = EntityTable(name: "persons", columns: [])
    public var key: String { person.idNumber.rawValue }
    public var columnValues: [String?] { [] }
}

extension Organisation: Entity {
    public static let table = EntityTable(name: "organisations", columns: [])
    public var key: String { creditCode.rawValue }
    public var columnValues: [String?] { [] }
}

extension Right: Entity {
    public static let table = EntityTable(
        name: "rights", columns: ["kind", "status", "holder", "collective", "region", "parent"])
    public var key: String { id.rawValue }
    public var columnValues: [String?] {
        var parent: String?
        if case .landManagement(let lease) = detail { parent = lease.parent.rawValue }
        return [kind.rawValue, recordedStatus.rawValue, holder.rawValue, collective.rawValue, region.rawValue, parent]
    }
}

extension ParcelClaim: Entity {
    public static let table = EntityTable(name: "parcels", columns: ["right_id"])
    public var key: String { parcel.rawValue }
    public var columnValues: [String?] { [right.rawValue] }
}

extension Encumbrance: Entity {
    public static let table = EntityTable(name: "encumbrances", columns: ["right_id", "kind"])
    public var key: String { id.rawValue }
    public var columnValues: [String?] { [right.rawValue, kind.rawValue] }
}

extension PolicyRecord: Entity {
    public static let table = EntityTable(name: "settings", columns: [])
    public static let singletonKey = "policy"
    public var key: String { Self.singletonKey }
    public var columnValues: [String?] { [] }
}

/// The registry's projection tables, in the order audit compares them.
public enum RegistryTables {
    public static let all: [EntityTable] = [
        Collective.table, Household.table, Membership.table, Organisation.table, Right.table, ParcelClaim.table,
        Encumbrance.table, PolicyRecord.table, CertificateRecord.table, CertificateSequence.table, Mandate.table,
        Watch.table, PersonRecord.table,
    ]

}

extension CertificateRecord: Entity {
    public static let table = EntityTable(name: "certificates", columns: ["right_id"])
    public var key: String { number }
    public var columnValues: [String?] { [right.rawValue] }
}

extension CertificateSequence: Entity {
    public static let table = EntityTable(name: "certificate_sequences", columns: [])
    public var key: String { String(year) }
    public var columnValues: [String?] { [] }
}

extension Mandate: Entity {
    public static let table = EntityTable(name: "mandates", columns: ["principal", "agent"])
    public var key: String { id }
    public var columnValues: [String?] { [principal.rawValue, agent] }
}

extension Watch: Entity {
    public static let table = EntityTable(name: "watches", columns: ["party", "right_id"])
    public static func key(party: String, right: RightID) -> String { "\(party)/\(right.rawValue)" }
    public var key: String { Self.key(party: party, right: right) }
    public var columnValues: [String?] { [party, right.rawValue] }
}
