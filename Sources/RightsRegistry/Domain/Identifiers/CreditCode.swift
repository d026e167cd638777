/// 统一社会信用代码 — the 18-character unified social credit code of GB 32100-2015.
///
/// Layout: registering department (1) + entity category (1) + division code (6 digits) +
/// organisation code (9, GB 11714) + check character, over the 31-character alphabet without
/// I, O, S, V, Z. A rural collective economic organisation is registered by agriculture (`N`) with
/// category 1 (组级), 2 (村级) or 3 (乡镇级).
public struct CreditCode: Identifier {
    public let rawValue: String

    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    public init(_ text: String) throws(InvalidValue) {
        let normalised = text.uppercased()
        let bytes = Array(normalised.utf8)
        guard bytes.count == 18 else {
            throw InvalidValue("credit code must have 18 characters, got \(bytes.count)")
        }
        var values: [Int] = []
        for byte in bytes {
            guard let value = Self.alphabet.firstIndex(of: byte) else {
                throw InvalidValue(
                    "credit code contains \(Character(UnicodeScalar(byte))), which GB 32100 does not use")
            }
            values.append(value)
        }
        guard bytes[2..<8].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw InvalidValue("credit code: characters 3–8 must be a division code (digits)")
        }
        var sum = 0
        for position in 0..<17 { sum += values[position] * Self.weights[position] }
        let expected = (31 - sum % 31) % 31
        guard values[17] == expected else {
            throw InvalidValue(
                "credit code check character is \(Character(UnicodeScalar(bytes[17]))), expected \(Character(UnicodeScalar(Self.alphabet[expected]))) (GB 32100 MOD 31)"
            )
        }
        rawValue = normalised
    }

    /// The valid code for 17 leading characters: appends the MOD 31 check character.
    public static func completing(_ first17: String) throws(InvalidValue) -> CreditCode {
        let bytes = Array(first17.uppercased().utf8)
        guard bytes.count == 17 else { throw InvalidValue("need 17 characters") }
        var sum = 0
        for position in 0..<17 {
            guard let value = alphabet.firstIndex(of: bytes[position]) else {
                throw InvalidValue("not a GB 32100 character")
            }
            sum += value * weights[position]
        }
        return try CreditCode(first17.uppercased() + String(UnicodeScalar(alphabet[(31 - sum % 31) % 31])))
    }

    /// Registered by agriculture as a collective economic organisation (N1 组级, N2 村级, N3 乡镇级).
    public var isCollectiveEconomicOrganisation: Bool {
        rawValue.hasPrefix("N1") || rawValue.hasPrefix("N2") || rawValue.hasPrefix("N3")
    }
}
