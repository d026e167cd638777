/// Who holds a right (权利人): a household for contract land and homesteads, a person or an
/// organisation for shares and 土地经营权, the collective for rights returned to it.
///
/// Written as `kind:code` ("household:330424101201000001") so that the four kinds of 18-character
/// codes cannot be confused.
public enum Holder: Hashable, Sendable, CustomStringConvertible {
    case household(HouseholdCode)
    case person(CitizenID)
    case organisation(CreditCode)
    case collective(CollectiveCode)

    public var rawValue: String {
        switch self {
        case .household(let code): "household:\(code)"
        case .person(let id): "person:\(id)"
        case .organisation(let code): "organisation:\(code)"
        case .collective(let code): "collective:\(code)"
        }
    }

    public var description: String { rawValue }

    public init(_ text: String) throws(InvalidValue) {
        guard let colon = text.firstIndex(of: ":") else {
            throw InvalidValue("holder must be written kind:code (household:…, person:…, organisation:…, collective:…)")
        }
        let code = String(text[text.index(after: colon)...])
        switch text[..<colon] {
        case "household": self = .household(try HouseholdCode(code))
        case "person": self = .person(try CitizenID(code))
        case "organisation": self = .organisation(try CreditCode(code))
        case "collective": self = .collective(try CollectiveCode(code))
        default: throw InvalidValue("unknown holder kind \(text[..<colon])")
        }
    }

    /// The holder's code as shown to someone who may see it in full.
    public var code: String {
        switch self {
        case .household(let code): code.rawValue
        case .person(let id): id.rawValue
        case .organisation(let code): code.rawValue
        case .collective(let code): code.rawValue
        }
    }

    /// The holder as shown to banks, agents and the public: ID numbers masked (INTERFACE.md).
    public var masked: String {
        if case .person(let id) = self { return "person:\(id.masked)" }
        return rawValue
    }
}

extension Holder: Codable {
    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
