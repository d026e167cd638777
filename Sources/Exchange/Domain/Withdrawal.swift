public import RightsRegistry

public enum WithdrawalStatus: String, Sendable, Hashable, Codable {
    case applied
    case approved
    /// Paid; the right is back with the collective.
    case paid
}

/// 自愿有偿退出: a household's application to give a right back to its collective for payment.
/// Applied for by the household (every co-holder consenting), approved by the collective, paid,
/// and only then entered in the register (L-10, H-9, share redemption within the charter's cap).
public struct Withdrawal: Hashable, Sendable, Codable {
    /// `W` and the index of the entry that applied.
    public var id: WithdrawalID
    public var right: RightID
    public var holder: Holder
    public var rightKind: RightKind
    /// What the collective pays. For a homestead, the surrender subsidy plus the house's
    /// residual value (H-9, 泸县).
    public var compensation: Fen
    public var subsidy: Fen?
    public var residualValue: Fen?
    /// L-10: the written notice to the 发包方 (contract land).
    public var noticeOn: Day?
    /// H-9: keep or give up the 资格权 (homestead).
    public var keepEligibility: Bool
    /// Shares redeemed (all when nil).
    public var shares: Int?
    public var consents: [Consent]
    public var status: WithdrawalStatus
    public var approval: String?
    public var payment: String?

    public init(
        id: WithdrawalID, right: Right, compensation: Fen, subsidy: Fen?, residualValue: Fen?, noticeOn: Day?,
        keepEligibility: Bool, shares: Int?, consents: [Consent]
    ) {
        self.id = id
        self.right = right.id
        holder = right.holder
        rightKind = right.kind
        self.compensation = compensation
        self.subsidy = subsidy
        self.residualValue = residualValue
        self.noticeOn = noticeOn
        self.keepEligibility = keepEligibility
        self.shares = shares
        self.consents = consents
        status = .applied
    }

    /// The register's act once the collective has approved and paid.
    public func surrender(approval: String) -> Surrender {
        Surrender(
            approval: approval, compensation: compensation, noticeOn: noticeOn, keepEligibility: keepEligibility,
            shares: shares, consents: consents)
    }

    enum CodingKeys: String, CodingKey {
        case id, right, holder, shares, consents, status, approval, payment
        case rightKind = "right_kind"
        case compensation = "compensation_fen"
        case subsidy = "subsidy_fen"
        case residualValue = "residual_value_fen"
        case noticeOn = "notice_on"
        case keepEligibility = "keep_eligibility"
    }
}
