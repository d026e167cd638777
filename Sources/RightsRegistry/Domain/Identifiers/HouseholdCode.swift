/// 承包方代码 — the 18-digit code of a contractor, GB/T 35958: 发包方 code (14) + sequence (4).
/// Sequences 0001–8000 are farm households (农户); 8001–9000 individuals and 9001–9999
/// organisations, which family contracting does not cover (L-3).
public struct HouseholdCode: Identifier {
    public let rawValue: String

    public init(_ text: String) throws(InvalidValue) {
        try Digits.require(text, count: 18, name: "承包方 code")
        _ = try CollectiveCode(Digits.prefix(text, 14))
        let sequence = Digits.value(text.utf8.suffix(4))
        guard (1...8000).contains(sequence) else {
            throw InvalidValue(
                "承包方 code sequence \(String(text.suffix(4))) is outside 0001–8000, the range for households")
        }
        rawValue = text
    }

    /// The prefix of a longer code whose initialiser already checked it as a 承包方 code.
    init(checkedPrefix text: String, _: Void = ()) { rawValue = text }

    /// Checked by `init` (and by decoding, which goes through it): never fails.
    public var collective: CollectiveCode { CollectiveCode(checkedPrefix: Digits.prefix(rawValue, 14)) }
}
