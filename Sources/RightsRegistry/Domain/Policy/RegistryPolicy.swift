import Foundation

/// The registry's configurable law: periods, area standards, pilot areas, working calendar.
///
/// The numbers the rule book gives as national law are the defaults; what a province or county
/// sets (H-2 area standards, H-10 pilots) is configured and logged as a `policy` entry, so the
/// register always shows which policy an act was decided under.
public struct RegistryPolicy: Hashable, Sendable, Codable {
    /// Public notice before a first registration completes: 15 working days (实施细则 art. 17).
    public var publicNoticeWorkingDays: Int
    /// An objection lapses when no suit is filed within 15 days (C-5).
    public var objectionDays: Int
    /// An advance notice lapses after 90 days (C-6).
    public var advanceNoticeDays: Int
    /// A 土地经营权 is registrable from 5 years' term (L-20).
    public var minimumRegistrableLeaseYears: Int
    /// Homestead area standards (H-2; Zhejiang: 125 / 140 / 160 m²).
    public var homesteadAreaStandard: HomesteadAreaStandard
    /// Regions (code prefixes) where 农房 mortgage is a pilot (H-10, H-11).
    public var homesteadMortgagePilots: [RegionCode]
    /// Regions where homestead use rights may pass to non-members (H-12).
    public var homesteadTransferPilots: [RegionCode]
    /// The working-day calendar: official holidays and the weekend days worked instead (调休).
    public var holidays: [Day]
    public var workingWeekendDays: [Day]
    /// 发证机关, as printed on certificates.
    public var issuer: String
    /// The place name in certificate numbers (县名, e.g. 海盐县); the county code when empty.
    public var certificatePlace: String

    public init(
        publicNoticeWorkingDays: Int = 15, objectionDays: Int = 15, advanceNoticeDays: Int = 90,
        minimumRegistrableLeaseYears: Int = 5, homesteadAreaStandard: HomesteadAreaStandard = .zhejiang,
        homesteadMortgagePilots: [RegionCode] = [], homesteadTransferPilots: [RegionCode] = [],
        holidays: [Day] = [], workingWeekendDays: [Day] = [], issuer: String = "不动产登记机构",
        certificatePlace: String = ""
    ) {
        self.publicNoticeWorkingDays = publicNoticeWorkingDays
        self.objectionDays = objectionDays
        self.advanceNoticeDays = advanceNoticeDays
        self.minimumRegistrableLeaseYears = minimumRegistrableLeaseYears
        self.homesteadAreaStandard = homesteadAreaStandard
        self.homesteadMortgagePilots = homesteadMortgagePilots
        self.homesteadTransferPilots = homesteadTransferPilots
        self.holidays = holidays
        self.workingWeekendDays = workingWeekendDays
        self.issuer = issuer
        self.certificatePlace = certificatePlace
    }

    public static let `default` = RegistryPolicy()

    /// The working-day calendar every period in working days is counted by: the State Council's
    /// holidays and 调休 working weekends (`OfficialHolidays`), plus the days this policy adds
    /// for later years or local holidays.
    public var calendar: WorkingDayCalendar {
        WorkingDayCalendar(
            holidays: OfficialHolidays.holidays.union(holidays),
            workingWeekendDays: OfficialHolidays.workingWeekendDays.union(workingWeekendDays))
    }

    // MARK: Bounds

    /// The values a policy may take. The law fixes most of these periods (15 working days,
    /// 15 days, 90 days, 5 years); a county may configure them, but only within bounds that keep
    /// every rule decidable and every date the register computes readable.
    public enum Bounds {
        public static let publicNoticeWorkingDays: ClosedRange<Int64> = 1...60
        public static let objectionDays: ClosedRange<Int64> = 1...60
        public static let advanceNoticeDays: ClosedRange<Int64> = 1...365
        public static let minimumRegistrableLeaseYears: ClosedRange<Int64> = 1...30
        /// A homestead area standard, in m² (Zhejiang's largest is 160).
        public static let homesteadArea = SquareMetres(hundredths: 100)...SquareMetres(hundredths: 100_000)
        public static let regions = 1_000
        public static let days = 5_000
        public static let issuerLength = 100
        public static let placeLength = 50
    }

    /// Every value outside its bounds, named by its field, as `policy set` reports them.
    public var problems: [FieldProblem] {
        var problems: [FieldProblem] = []
        func check(_ value: Int, _ range: ClosedRange<Int64>, _ field: String) {
            if !range.contains(Int64(value)) {
                problems.append(FieldProblem(field: field, reason: "must be \(range.lowerBound)–\(range.upperBound)"))
            }
        }
        check(publicNoticeWorkingDays, Bounds.publicNoticeWorkingDays, "public_notice_working_days")
        check(objectionDays, Bounds.objectionDays, "objection_days")
        check(advanceNoticeDays, Bounds.advanceNoticeDays, "advance_notice_days")
        check(minimumRegistrableLeaseYears, Bounds.minimumRegistrableLeaseYears, "minimum_registrable_lease_years")
        for category in HomesteadLandCategory.allCases
        where !Bounds.homesteadArea.contains(homesteadAreaStandard.cap(for: category)) {
            problems.append(
                FieldProblem(
                    field: "homestead_area_standard_m2.\(category.rawValue)",
                    reason: "must be \(Bounds.homesteadArea.lowerBound)–\(Bounds.homesteadArea.upperBound) m²"))
        }
        for (field, regions) in [
            ("homestead_mortgage_pilots", homesteadMortgagePilots),
            ("homestead_transfer_pilots", homesteadTransferPilots),
        ] where regions.count > Bounds.regions {
            problems.append(FieldProblem(field: field, reason: "at most \(Bounds.regions) regions"))
        }
        for (field, days) in [("holidays", holidays), ("working_weekend_days", workingWeekendDays)] {
            if days.count > Bounds.days {
                problems.append(FieldProblem(field: field, reason: "at most \(Bounds.days) days"))
            }
            if let outside = days.first(where: { !Day.inputRange.contains($0) }) {
                problems.append(
                    FieldProblem(
                        field: field,
                        reason: "\(outside) is outside \(Day.inputRange.lowerBound)…\(Day.inputRange.upperBound)"))
            }
        }
        for (field, text, length) in [
            ("issuer", issuer, Bounds.issuerLength), ("certificate_place", certificatePlace, Bounds.placeLength),
        ] {
            if let reason = InputText.problem(text, maximumLength: length) {
                problems.append(FieldProblem(field: field, reason: reason))
            }
        }
        if issuer.trimmingCharacters(in: .whitespaces).isEmpty {
            problems.append(FieldProblem(field: "issuer", reason: "must not be empty"))
        }
        return problems
    }

    public func isHomesteadMortgagePilot(_ region: RegionCode) -> Bool {
        homesteadMortgagePilots.contains { $0.contains(region) }
    }

    public func isHomesteadTransferPilot(_ region: RegionCode) -> Bool {
        homesteadTransferPilots.contains { $0.contains(region) }
    }

    enum CodingKeys: String, CodingKey {
        case holidays, issuer
        case certificatePlace = "certificate_place"
        case publicNoticeWorkingDays = "public_notice_working_days"
        case objectionDays = "objection_days"
        case advanceNoticeDays = "advance_notice_days"
        case minimumRegistrableLeaseYears = "minimum_registrable_lease_years"
        case homesteadAreaStandard = "homestead_area_standard_m2"
        case homesteadMortgagePilots = "homestead_mortgage_pilots"
        case homesteadTransferPilots = "homestead_transfer_pilots"
        case workingWeekendDays = "working_weekend_days"
    }
}

/// The largest homestead plot allowed, by the land it is on (H-2).
public struct HomesteadAreaStandard: Hashable, Sendable, Codable {
    public var cultivated: SquareMetres
    public var other: SquareMetres
    public var mountain: SquareMetres

    public init(cultivated: SquareMetres, other: SquareMetres, mountain: SquareMetres) {
        self.cultivated = cultivated
        self.other = other
        self.mountain = mountain
    }

    /// 浙江省土地管理条例 art. 55.
    public static let zhejiang = HomesteadAreaStandard(
        cultivated: SquareMetres(hundredths: 12_500), other: SquareMetres(hundredths: 14_000),
        mountain: SquareMetres(hundredths: 16_000))

    public func cap(for category: HomesteadLandCategory) -> SquareMetres {
        switch category {
        case .cultivated: cultivated
        case .other: other
        case .mountain: mountain
        }
    }
}
