/// China's public holidays and 调休 working weekends, as data: every period the register counts in
/// working days (the 15-working-day public notice, announcements, priority periods, payment
/// periods) skips these days and counts these weekends.
///
/// A year's schedule is published by the State Council each November. Later years, and the
/// local days a county observes, are added by the registry's policy (`holidays`,
/// `working_weekend_days`), which is logged, so the register shows which calendar an act was
/// decided under.
public enum OfficialHolidays {
    /// One published schedule.
    struct Year {
        let year: Int
        /// Days off (放假), weekends included as published.
        let holidays: [ClosedRange<Day>]
        /// Weekend days worked instead (调休上班).
        let workingWeekendDays: [Day]
        /// Where the schedule comes from.
        let source: String
    }

    static let years: [Year] = [
        Year(
            year: 2026,
            holidays: [
                day(2026, 1, 1)...day(2026, 1, 3),  // 元旦
                day(2026, 2, 15)...day(2026, 2, 23),  // 春节
                day(2026, 4, 4)...day(2026, 4, 6),  // 清明节
                day(2026, 5, 1)...day(2026, 5, 5),  // 劳动节
                day(2026, 6, 19)...day(2026, 6, 21),  // 端午节
                day(2026, 9, 25)...day(2026, 9, 27),  // 中秋节
                day(2026, 10, 1)...day(2026, 10, 7),  // 国庆节
            ],
            workingWeekendDays: [
                day(2026, 1, 4), day(2026, 2, 14), day(2026, 2, 28), day(2026, 5, 9), day(2026, 9, 20),
                day(2026, 10, 10),
            ],
            source: "国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)"),
        // The State Council's 2027 schedule (with its 调休 days) was not available when this table
        // was written; these are the statutory days of 《全国年节及纪念日放假办法》 (2024 revision)
        // art. 2 on their 2027 dates (除夕 2027-02-05; 端午 06-09; 中秋 09-15). Add the published
        // 调休 days and 补休 through the policy until this table is updated.
        Year(
            year: 2027,
            holidays: [
                day(2027, 1, 1)...day(2027, 1, 1),  // 元旦
                day(2027, 2, 5)...day(2027, 2, 8),  // 春节: 除夕, 正月初一至初三
                day(2027, 4, 5)...day(2027, 4, 5),  // 清明节
                day(2027, 5, 1)...day(2027, 5, 2),  // 劳动节
                day(2027, 6, 9)...day(2027, 6, 9),  // 端午节
                day(2027, 9, 15)...day(2027, 9, 15),  // 中秋节
                day(2027, 10, 1)...day(2027, 10, 3),  // 国庆节
            ],
            workingWeekendDays: [],
            source: "全国年节及纪念日放假办法 art. 2 (statutory days; the 2027 调休 arrangement is not yet included)"),
    ]

    /// Every holiday of every year in the table.
    public static let holidays: Set<Day> = Set(
        years.flatMap { year in
            year.holidays.flatMap { range in
                (0...range.lowerBound.days(until: range.upperBound)).map { range.lowerBound.adding(days: $0) }
            }
        })

    public static let workingWeekendDays: Set<Day> = Set(years.flatMap(\.workingWeekendDays))

    /// The years the table covers.
    public static var coveredYears: [Int] { years.map(\.year) }

    /// A date of the table; the table is checked by its tests.
    private static func day(_ year: Int, _ month: Int, _ day: Int) -> Day {
        Day(year: year, month: month, day: day) ?? Day(ordinal: 0)
    }
}
