/// An exact area in square metres with two decimals ("900.50"), held as hundredths.
///
/// Registers state areas to the hundredth; a binary floating-point value would not survive a
/// round trip through the certificate, so none is ever used.
public struct SquareMetres: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let hundredths: Int64

    public init(hundredths: Int64) { self.hundredths = hundredths }

    /// The largest area the register takes: 100 km² (a parcel or a plot is far smaller), so that
    /// totals over every parcel of a county and their 亩 conversion stay exact in 64 bits.
    public static let maximum = SquareMetres(hundredths: 10_000_000_000)

    /// Parses a non-negative decimal with at most two decimals: "900", "900.5", "900.50", at most
    /// `maximum`.
    public init(_ text: some StringProtocol) throws(InvalidValue) {
        let bytes = Array(text.utf8)
        var whole: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var seenPoint = false
        var wholeDigits = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard !seenPoint, wholeDigits > 0 else { throw InvalidValue("not a decimal area: \(text)") }
                seenPoint = true
                continue
            }
            guard byte >= 0x30, byte <= 0x39 else { throw InvalidValue("not a decimal area: \(text)") }
            if seenPoint {
                fractionDigits += 1
                guard fractionDigits <= 2 else { throw InvalidValue("more than two decimals: \(text)") }
                fraction = fraction * 10 + Int64(byte - 0x30)
            } else {
                wholeDigits += 1
                guard wholeDigits <= 12 else { throw InvalidValue("area too large: \(text)") }
                whole = whole * 10 + Int64(byte - 0x30)
            }
        }
        guard wholeDigits > 0, !seenPoint || fractionDigits > 0 else {
            throw InvalidValue("not a decimal area: \(text)")
        }
        if fractionDigits == 1 { fraction *= 10 }
        hundredths = whole * 100 + fraction
        guard hundredths <= Self.maximum.hundredths else { throw InvalidValue("at most \(Self.maximum) m²") }
    }

    public static let zero = SquareMetres(hundredths: 0)

    public var description: String {
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// The area in 亩 to two decimals, with 1 亩 = 666.67 m² as the register prints it
    /// (rule book §5.4), rounded half up.
    public var mu: String {
        let muHundredths = (hundredths * 100 + 33_333) / 66_667
        let fraction = muHundredths % 100
        return "\(muHundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    public static func + (lhs: SquareMetres, rhs: SquareMetres) -> SquareMetres {
        SquareMetres(hundredths: lhs.hundredths + rhs.hundredths)
    }

    public static func < (lhs: SquareMetres, rhs: SquareMetres) -> Bool { lhs.hundredths < rhs.hundredths }
}

extension SquareMetres: Codable {
    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
