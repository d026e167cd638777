/// A period of a right, both ends inclusive (承包期限 "2028-01-01 至 2057-12-31").
public struct Term: Hashable, Sendable, Codable, CustomStringConvertible {
    public let start: Day
    public let end: Day

    public init(start: Day, end: Day) throws(InvalidValue) {
        guard start <= end else { throw InvalidValue("term ends (\(end)) before it starts (\(start))") }
        self.start = start
        self.end = end
    }

    public init(from decoder: any Decoder) throws {
        enum Keys: String, CodingKey { case start, end }
        let container = try decoder.container(keyedBy: Keys.self)
        try self.init(start: container.decode(Day.self, forKey: .start), end: container.decode(Day.self, forKey: .end))
    }

    public func contains(_ day: Day) -> Bool { start <= day && day <= end }

    /// Whole years from start to end inclusive, e.g. 2028-01-01…2057-12-31 is 30.
    public var years: Int {
        // Start near the answer and step to it: a few steps whatever the term's length, and no
        // loop that a date at the end of the calendar could keep going.
        var count = max(0, end.year - start.year - 1)
        while count > 0, start.adding(years: count).adding(days: -1) > end { count -= 1 }
        while count < 10_000, start.adding(years: count + 1).adding(days: -1) <= end { count += 1 }
        return count
    }

    public var description: String { "\(start)…\(end)" }
}
