/// 发包方代码 — the 14-digit code of a contracting party (the collective), GB/T 35958:
/// village division code (12) + group (2, `00` when the village itself contracts).
/// It is also the code of the collective economic organisation in this register.
public struct CollectiveCode: Identifier {
    public let rawValue: String

    public init(_ text: String) throws(InvalidValue) {
        try Digits.require(text, count: 14, name: "发包方 code")
        do {
            _ = try RegionCode(Digits.prefix(text, 12))
        } catch {
            throw InvalidValue("发包方 code: \(error.reason)")
        }
        rawValue = text
    }

    /// The prefix of a longer code whose initialiser already checked it as a 发包方 code.
    init(checkedPrefix text: String, _: Void = ()) { rawValue = text }

    /// Checked by `init` (and by decoding, which goes through it): never fails.
    public var region: RegionCode { RegionCode(checkedPrefix: Digits.prefix(rawValue, 12)) }
}
