/// 居民身份证号 — the 18-character citizen identification number of GB 11643-1999.
///
/// Layout: address code (6) + birth date YYYYMMDD (8) + sequence (3, odd = male) + check
/// character. The check character is ISO 7064 MOD 11-2 over the first 17 digits; the birth date
/// must be a real date not in the future of the standard (≤ 2099). A lowercase `x` is accepted and
/// stored as `X`. Legacy 15-digit numbers carry no check digit and are refused.
public struct CitizenID: Identifier {
    public let rawValue: String

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters = Array("10X98765432".utf8)

    public init(_ text: String) throws(InvalidValue) {
        let normalised = text.uppercased()
        let bytes = Array(normalised.utf8)
        if bytes.count == 15 {
            throw InvalidValue("15-digit legacy ID number: register the 18-digit number instead")
        }
        guard bytes.count == 18 else { throw InvalidValue("ID number must have 18 characters, got \(bytes.count)") }
        guard bytes[0..<17].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw InvalidValue("ID number: the first 17 characters must be digits")
        }
        guard (bytes[17] >= 0x30 && bytes[17] <= 0x39) || bytes[17] == UInt8(ascii: "X") else {
            throw InvalidValue("ID number: the check character must be a digit or X")
        }
        var sum = 0
        for position in 0..<17 { sum += Int(bytes[position] - 0x30) * Self.weights[position] }
        let expected = Self.checkCharacters[sum % 11]
        guard bytes[17] == expected else {
            throw InvalidValue(
                "ID number check character is \(Character(UnicodeScalar(bytes[17]))), expected \(Character(UnicodeScalar(expected))) (GB 11643 MOD 11-2)"
            )
        }
        let birth = normalised.utf8.dropFirst(6).prefix(8)
        guard let date = Day(String(decoding: birth, as: UTF8.self)), date.year >= 1850, date.year <= 2099 else {
            throw InvalidValue("ID number: \(String(decoding: birth, as: UTF8.self)) is not a real birth date")
        }
        rawValue = normalised
    }

    /// Why the register cannot take this number for a person entering it on `today`, or nil: a
    /// birth date before 1900 or after today, an address code that is no administrative
    /// division (GB/T 2260). Checked where people enter the register, not when the log is
    /// read back, so a register written before the check stays readable.
    public func admissionProblem(on today: Day) -> String? {
        let birth = birthDate
        if birth.year < 1900 { return "ID number: birth date \(birth) is before 1900" }
        if birth > today { return "ID number: birth date \(birth) is after today (\(today))" }
        return AdministrativeDivisions.problem(with: rawValue.prefix(6), bornOn: birth).map { "ID number: " + $0 }
    }

    /// Full civil capacity (民法典 art. 18): eighteen years of age on `day`.
    public func isAdult(on day: Day) -> Bool { birthDate.adding(years: 18) <= day }

    /// The valid number for 17 leading digits (address, birth date, sequence): appends the
    /// MOD 11-2 check character. For demo data and generated test counties.
    public static func completing(_ first17: String) throws(InvalidValue) -> CitizenID {
        let digits = Array(first17.utf8)
        guard digits.count == 17 else { throw InvalidValue("need 17 digits") }
        var sum = 0
        for position in 0..<17 { sum += Int(digits[position] &- 0x30) * weights[position] }
        return try CitizenID(first17 + String(UnicodeScalar(checkCharacters[sum % 11])))
    }

    /// The birth date the number states.
    public var birthDate: Day { Day(String(rawValue.utf8.dropFirst(6).prefix(8))!)! }

    /// The form shown to banks, agents and the public: `330424********1234`.
    public var masked: String { String(rawValue.prefix(6)) + "********" + String(rawValue.suffix(4)) }

    /// The number packed into 64 bits (X = 10), for compact in-memory sets during a large import.
    var packed: UInt64 {
        rawValue.utf8.reduce(UInt64(0)) { $0 * 11 + ($1 == UInt8(ascii: "X") ? 10 : UInt64($1 - 0x30)) }
    }
}
