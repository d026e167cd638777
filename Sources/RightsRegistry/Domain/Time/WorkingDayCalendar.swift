/// Working days as the registry counts them: Monday to Friday, less official holidays, plus the
/// weekend days declared working days in exchange (调休).
public struct WorkingDayCalendar: Sendable, Hashable {
    public var holidays: Set<Day>
    public var workingWeekendDays: Set<Day>

    public init(holidays: Set<Day> = [], workingWeekendDays: Set<Day> = []) {
        self.holidays = holidays
        self.workingWeekendDays = workingWeekendDays
    }

    public func isWorkingDay(_ day: Day) -> Bool {
        if workingWeekendDays.contains(day) { return true }
        if holidays.contains(day) { return false }
        return day.weekday < 5
    }

    /// The `count`-th working day after `day` (not counting `day` itself): a notice published on
    /// `day` for 15 working days runs to `adding(workingDays: 15, to: day)` inclusive.
    ///
    /// Every week has working days and the holiday sets are finite, so the count always ends; the
    /// policy bounds periods to 60 working days, and the loop stops after ten years regardless.
    public func adding(workingDays count: Int, to day: Day) -> Day {
        var current = day
        var remaining = count
        var steps = 0
        while remaining > 0, steps < 3_660 {
            current = current.adding(days: 1)
            steps += 1
            if isWorkingDay(current) { remaining -= 1 }
        }
        return current
    }
}
