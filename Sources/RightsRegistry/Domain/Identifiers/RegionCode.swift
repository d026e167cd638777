/// An administrative division code: county (GB/T 2260, 6 digits), township (9) or village (12,
/// the statistical division code). A clerk's scope is a region code prefix.
public struct RegionCode: Identifier {
    public let rawValue: String

    /// Province codes of GB/T 2260.
    static let provinces: Set<Int> = [
        11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54,
        61, 62, 63, 64, 65, 71, 81, 82,
    ]

    public init(_ text: String) throws(InvalidValue) {
        guard [6, 9, 12].contains(text.utf8.count) else {
            throw InvalidValue(
                "region code must have 6 (county), 9 (township) or 12 (village) digits, got \(text.utf8.count)")
        }
        try Digits.require(text, count: text.utf8.count, name: "region code")
        guard Self.provinces.contains(Digits.value(text.utf8.prefix(2))) else {
            throw InvalidValue("region code: \(text.prefix(2)) is not a province code of GB/T 2260")
        }
        rawValue = text
    }

    /// The prefix of a longer code whose initialiser already checked it as a region code.
    init(checkedPrefix text: String, _: Void = ()) { rawValue = text }

    public var county: String { Digits.prefix(rawValue, 6) }

    /// Whether `other` lies within this region (a clerk of 330424101 acts on 330424101201…).
    public func contains(_ other: RegionCode) -> Bool { other.rawValue.hasPrefix(rawValue) }
}
