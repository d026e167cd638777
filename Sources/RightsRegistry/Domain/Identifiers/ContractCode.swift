/// 承包合同代码 / 承包经营权证代码 — the contract, the register page and the certificate of family
/// contracting share one code: the 承包方 code followed by `J` (家庭承包), GB/T 35958 §7.
public struct ContractCode: Identifier {
    public let rawValue: String

    public init(_ text: String) throws(InvalidValue) {
        let normalised = text.uppercased()
        guard normalised.utf8.count == 19 else {
            throw InvalidValue("contract code must have 19 characters (承包方 code + J), got \(normalised.utf8.count)")
        }
        guard normalised.hasSuffix("J") else {
            throw InvalidValue("contract code must end in J (家庭承包)")
        }
        _ = try HouseholdCode(String(normalised.prefix(18)))
        rawValue = normalised
    }

    public init(household: HouseholdCode) { rawValue = household.rawValue + "J" }

    /// Checked by `init` (and by decoding, which goes through it): never fails.
    public var household: HouseholdCode { HouseholdCode(checkedPrefix: Digits.prefix(rawValue, 18)) }
}
