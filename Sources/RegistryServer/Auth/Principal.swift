public import RightsRegistry

/// The roles of INTERFACE.md.
public enum Role: String, Sendable, Codable, CaseIterable {
    case admin
    case clerk
    case exchange
    case agent
    case bank
}

/// Who a bearer token stands for.
public struct Principal: Sendable, Equatable, Codable {
    public var role: Role
    public var name: String
    /// A clerk's region: it acts only on collectives under this code prefix.
    public var scope: RegionCode?
    /// The identifier (credit code or ID number) of the agent or bank the token is for.
    public var party: String?
    /// The id of the token the caller presented (`TokenRecord.id`): who exactly is calling, as
    /// opposed to the role and name several tokens may share. Known at request time only.
    public var tokenID: String?

    public init(role: Role, name: String, scope: RegionCode? = nil, party: String? = nil) {
        self.role = role
        self.name = name
        self.scope = scope
        self.party = party
    }

    enum CodingKeys: String, CodingKey {
        case role, name, scope, party
    }

    /// The actor written into log entries: `clerk:王芳`.
    public var actor: String { "\(role.rawValue):\(name)" }

    /// Whether this caller sees ID numbers in full (clerks and administrators only).
    public var seesFullIDNumbers: Bool { role == .admin || role == .clerk }

    /// Whether the caller may act on `region`: an administrator anywhere, a clerk within its
    /// scope, nobody else.
    public func mayAct(on region: RegionCode) -> Bool {
        switch role {
        case .admin: true
        case .clerk: scope.map { $0.contains(region) } ?? false
        default: false
        }
    }
}
