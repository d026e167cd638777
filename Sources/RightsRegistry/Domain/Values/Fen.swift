/// Money in integer fen (分): ¥1 = 100 fen. Never a floating-point value.
public struct Fen: Hashable, Comparable, Sendable, Codable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public let value: Int64

    public init(_ value: Int64) { self.value = value }
    public init(integerLiteral value: Int64) { self.value = value }

    public init(from decoder: any Decoder) throws {
        value = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    public static let zero = Fen(0)

    /// The amounts the register takes from its users: up to ¥10 trillion (10¹⁵ fen), beyond any
    /// price, rent, deposit or secured claim in a county, and far enough below `Int64.max` that
    /// sums of them (proceeds by rank, a year's rent by days) cannot overflow.
    public static let inputRange = Fen(0)...Fen(1_000_000_000_000_000)

    /// "¥1,234.50" style for people; machines get `value`.
    public var description: String {
        let sign = value < 0 ? "-" : ""
        let magnitude = value.magnitude
        let fraction = magnitude % 100
        return "\(sign)¥\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    public static func + (lhs: Fen, rhs: Fen) -> Fen { Fen(lhs.value + rhs.value) }
    public static func - (lhs: Fen, rhs: Fen) -> Fen { Fen(lhs.value - rhs.value) }
    public static func < (lhs: Fen, rhs: Fen) -> Bool { lhs.value < rhs.value }
}
