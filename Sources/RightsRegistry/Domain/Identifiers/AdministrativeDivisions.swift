/// GB/T 2260 行政区划代码: the six-digit codes of China's administrative divisions at county level
/// and above, which open every ID number (GB 11643: the code of the place of first registration).
///
/// The list holds every code in use at some time from 1980 to its revision (`revision`), old
/// ones included: a number keeps the code it was issued with after the county is renamed or
/// merged. A code created after the revision cannot be on it; it is accepted for a person born
/// after the revision when its prefecture (地级) is on the list.
public enum AdministrativeDivisions {
    /// The latest revision the list holds.
    public static let revision = Day(year: 2020, month: 12, day: 31)!

    static let codes: Set<Int32> = Set(packed.lazy.flatMap { $0.split(separator: " ") }.compactMap { Int32($0) })

    /// Whether `code` (six digits) was a GB/T 2260 code at some time.
    public static func isKnown(_ code: Substring) -> Bool {
        guard code.count == 6, let value = Int32(code) else { return false }
        return codes.contains(value)
    }

    /// Why the address code of an ID number issued for a person born on `birth` cannot be real,
    /// or nil.
    public static func problem(with code: Substring, bornOn birth: Day) -> String? {
        if isKnown(code) { return nil }
        if birth > revision, isKnown(code.prefix(4) + "00") { return nil }
        return "\(code) is not a GB/T 2260 administrative division (the list runs to \(revision))"
    }
}
