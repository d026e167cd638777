/// 地块代码 — the 19-digit code of a contracted parcel, GB/T 35958: 发包方 code (14) +
/// parcel sequence (5, from 00001).
public struct ParcelCode: Identifier {
    public let rawValue: String

    public init(_ text: String) throws(InvalidValue) {
        try Digits.require(text, count: 19, name: "地块 code")
        _ = try CollectiveCode(Digits.prefix(text, 14))
        guard Digits.value(text.utf8.suffix(5)) > 0 else { throw InvalidValue("地块 code sequence 00000 is not used") }
        rawValue = text
    }

    /// Checked by `init` (and by decoding, which goes through it): never fails.
    public var collective: CollectiveCode { CollectiveCode(checkedPrefix: Digits.prefix(rawValue, 14)) }
}
