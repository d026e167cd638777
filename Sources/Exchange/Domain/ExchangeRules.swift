public import RightsRegistry

/// The exchange's procedure, as options. A listing is submitted under the rules in force and
/// carries them (they are logged with its submission), so every later decision on it — its
/// bidding, its deadlines, its deposits — follows the rules it was announced under, and the log
/// alone shows what each listing ran on. The defaults follow the rule book §4 (E-3…E-6).
public struct ExchangeRules: Sendable, Hashable, Codable {
    /// E-3: at least 7 (working) days on the notice board.
    public var announcementWorkingDays = 7
    /// E-6: bidding opens on the first working day after the announcement, at this hour.
    public var auctionOpeningHour = 9
    /// E-6 自由竞价: the free phase's length. Bids are the reserve plus whole increments, each
    /// above the last; a bid in this phase moves no deadline.
    public var freeBiddingMinutes = 355
    /// E-6 限时竞价: after the free phase, timed rounds of this length. A bid restarts the
    /// countdown (a new round); the auction ends when a round passes with no bid. With the
    /// defaults (355 + 5) this is the single six-hour window whose last five minutes extend.
    public var timedRoundMinutes = 5
    /// E-6: the winner pays within 3 working days, or forfeits the deposit.
    public var paymentWorkingDays = 3
    /// L-18: the reasonable period, stated in the notice, for priority holders to match.
    public var priorityMatchWorkingDays = 2
    /// L-18: among equal priority holders who match, the lot ranks them; this many places after
    /// the first are kept as back-ups should the first not pay.
    public var priorityBackups = 2
    /// E-1: the listing states its 保证金; a rule set may ask at least this share of the reserve
    /// (percent; none by default)…
    public var minimumDepositPercent = 0
    /// …and at least this much.
    public var minimumDeposit: Fen = Fen(0)
    /// E-6: deposits that do not become part of a payment are refunded within 7 working days.
    public var refundWorkingDays = 7
    /// A forfeited deposit goes to the seller after the exchange's fee (percent of the deposit).
    public var forfeitFeePercent = 10
    /// 流拍: a failed listing is listed again with its reserve lowered by this step (percent)…
    public var relistReductionPercent = 10
    /// …up to this many attempts in all (1 lists once and never again).
    public var maximumAttempts = 3
    /// The exchange's name, as printed on its 交易鉴证书 (E-8).
    public var exchangeName = "农村产权交易中心"

    public init() {}

    /// The least deposit a listing at `reserve` may ask.
    public func minimumDeposit(for reserve: Fen) -> Fen {
        Fen(max(minimumDeposit.value, (reserve.value * Int64(minimumDepositPercent) + 99) / 100))
    }

    /// The reserve of the next attempt after a 流拍.
    public func relistedReserve(_ reserve: Fen) -> Fen {
        Fen(reserve.value - reserve.value * Int64(relistReductionPercent) / 100)
    }

    /// Why these options cannot run an exchange, if they cannot.
    public var problems: [(field: String, reason: String)] {
        var problems: [(String, String)] = []
        func require(_ ok: Bool, _ field: String, _ reason: String) { if !ok { problems.append((field, reason)) } }
        require((1...180).contains(announcementWorkingDays), "announcement_working_days", "1–180")
        require((0...23).contains(auctionOpeningHour), "auction_opening_hour", "0–23")
        require((1...1_440).contains(freeBiddingMinutes), "free_bidding_minutes", "1–1,440")
        require((1...120).contains(timedRoundMinutes), "timed_round_minutes", "1–120")
        require((1...30).contains(paymentWorkingDays), "payment_working_days", "1–30")
        require((1...60).contains(priorityMatchWorkingDays), "priority_match_working_days", "1–60")
        require((0...10).contains(priorityBackups), "priority_backups", "0–10")
        require((0...100).contains(minimumDepositPercent), "minimum_deposit_percent", "0–100")
        require(minimumDeposit.value >= 0, "minimum_deposit_fen", "not negative")
        require((1...60).contains(refundWorkingDays), "refund_working_days", "1–60")
        require((0...100).contains(forfeitFeePercent), "forfeit_fee_percent", "0–100")
        require((0...50).contains(relistReductionPercent), "relist_reduction_percent", "0–50")
        require((1...10).contains(maximumAttempts), "maximum_attempts", "1–10")
        return problems
    }

    enum CodingKeys: String, CodingKey {
        case announcementWorkingDays = "announcement_working_days"
        case auctionOpeningHour = "auction_opening_hour"
        case freeBiddingMinutes = "free_bidding_minutes"
        case timedRoundMinutes = "timed_round_minutes"
        case paymentWorkingDays = "payment_working_days"
        case priorityMatchWorkingDays = "priority_match_working_days"
        case priorityBackups = "priority_backups"
        case minimumDepositPercent = "minimum_deposit_percent"
        case minimumDeposit = "minimum_deposit_fen"
        case refundWorkingDays = "refund_working_days"
        case forfeitFeePercent = "forfeit_fee_percent"
        case relistReductionPercent = "relist_reduction_percent"
        case maximumAttempts = "maximum_attempts"
        case exchangeName = "exchange_name"
    }
}
