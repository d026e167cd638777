/// A calendar date (`YYYY-MM-DD`) in the registry's own time zone, with exact day arithmetic.
///
/// Terms, notice periods and lapses are counted in whole days, never in seconds, so a date is
/// not a `Date`: it has no time of day and no zone.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Self.daysInMonth(year: year, month: month)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// A date the arithmetic below produced: always a real calendar date, kept within years
    /// 1…9999 so that it prints as `YYYY-MM-DD` and parses back.
    private init(clamping year: Int, month: Int, day: Int) {
        if year > 9999 {
            (self.year, self.month, self.day) = (9999, 12, 31)
        } else if year < 1 {
            (self.year, self.month, self.day) = (1, 1, 1)
        } else {
            self.year = year
            self.month = month
            self.day = min(day, Self.daysInMonth(year: year, month: month))
        }
    }

    /// The dates the register accepts from its users (request bodies, import lines, policies,
    /// options): 1900-01-01 to 2199-12-31. Terms, notices and birth dates all fall in it, and
    /// every period counted from such a date stays far inside the years `Day` can print, so no
    /// input can make date arithmetic fail or put a date in the log that cannot be read back.
    public static let inputRange = Day(clamping: 1900, month: 1, day: 1)...Day(clamping: 2199, month: 12, day: 31)

    /// Parses a date a user gave: a real date in `inputRange`.
    public static func input(_ text: some StringProtocol) throws(InvalidValue) -> Day {
        guard let day = Day(text) else { throw InvalidValue("not a real date in YYYY-MM-DD form") }
        guard inputRange.contains(day) else {
            throw InvalidValue("\(day) is outside \(inputRange.lowerBound)…\(inputRange.upperBound)")
        }
        return day
    }

    /// Parses `YYYY-MM-DD` (or the compact `YYYYMMDD` used inside identifiers) and rejects
    /// dates that do not exist, such as 1949-02-30.
    ///
    /// Read in one pass over the bytes, in place where the text is contiguous (issue 16: every
    /// document read parses its days, and two copies each were most of the cost).
    public init?(_ text: some StringProtocol) {
        let fields =
            text.utf8.withContiguousStorageIfAvailable(Self.fields)
            ?? Array(text.utf8).withUnsafeBufferPointer(Self.fields)
        guard let fields else { return nil }
        self.init(year: fields.year, month: fields.month, day: fields.day)
    }

    /// The numbers in `YYYY-MM-DD` or `YYYYMMDD`; nil for any other shape.
    private static func fields(_ bytes: UnsafeBufferPointer<UInt8>) -> (year: Int, month: Int, day: Int)? {
        let dashed: Bool
        switch bytes.count {
        case 10: dashed = true
        case 8: dashed = false
        default: return nil
        }
        var fields = (year: 0, month: 0, day: 0)
        var digitsRead = 0
        for (position, byte) in bytes.enumerated() {
            if dashed, position == 4 || position == 7 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Int(byte - UInt8(ascii: "0"))
            switch digitsRead {
            case 0..<4: fields.year = fields.year * 10 + digit
            case 4..<6: fields.month = fields.month * 10 + digit
            default: fields.day = fields.day * 10 + digit
            }
            digitsRead += 1
        }
        return fields
    }

    /// Days since 1970-01-01 (proleptic Gregorian), after Howard Hinnant's `days_from_civil`.
    public var ordinal: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    public init(ordinal: Int) {
        // Kept within 0001-01-01…9999-12-31 (ordinals −719,162…2,932,896), like every `Day`.
        let z = min(max(ordinal, -719_162), 2_932_896) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let d = dayOfYear - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        year = yearOfEra + era * 400 + (m <= 2 ? 1 : 0)
        month = m
        day = d
    }

    public func adding(days: Int) -> Day { Day(ordinal: ordinal + days.clamped(to: -4_000_000...4_000_000)) }

    /// The same day `years` later; 29 February becomes 28 February in a common year.
    public func adding(years: Int) -> Day {
        Day(clamping: year + years.clamped(to: -10_000...10_000), month: month, day: day)
    }

    /// The same day `months` later, clamped to the month's last day (31 August + 6 months is
    /// 28 or 29 February).
    public func adding(months: Int) -> Day {
        let total = year * 12 + (month - 1) + months.clamped(to: -120_000...120_000)
        guard total >= 0 else { return Day(clamping: 0, month: 1, day: 1) }
        return Day(clamping: total / 12, month: total % 12 + 1, day: day)
    }

    public func days(until other: Day) -> Int { other.ordinal - ordinal }

    /// 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
    public var weekday: Int { ((ordinal % 7) + 7 + 3) % 7 }

    /// `YYYY-MM-DD`: ten ASCII bytes written in place, which a `String` keeps inline — no
    /// allocation (issue 16: built from padded pieces it was half a percent of a settlement's
    /// samples; every term, due day and filing is written this way). Every `Day` is within years
    /// 1…9999, so the widths always hold.
    public var description: String {
        String(unsafeUninitializedCapacity: 10) { text in
            func digits(_ value: Int, _ width: Int, at start: Int) {
                var rest = value
                for position in (start..<start + width).reversed() {
                    text[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
            }
            digits(year, 4, at: 0)
            text[4] = UInt8(ascii: "-")
            digits(month, 2, at: 5)
            text[7] = UInt8(ascii: "-")
            digits(day, 2, at: 8)
            return 10
        }
    }

    public static func < (lhs: Day, rhs: Day) -> Bool { lhs.ordinal < rhs.ordinal }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

extension Day: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = Day(text) else { throw InvalidValue("not a real date in YYYY-MM-DD form: \(text)") }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Int {
    func clamped(to range: ClosedRange<Int>) -> Int { Swift.min(Swift.max(self, range.lowerBound), range.upperBound) }
}

/// A value that failed its own validation; the reason is shown to the user next to the field name.
public struct InvalidValue: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
