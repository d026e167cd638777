/// An organisation that is neither a household nor a collective: a cooperative, a company or a
/// family farm taking a 土地经营权, identified by its credit code.
public struct Organisation: Hashable, Sendable, Codable {
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
}
