/// The kinds of rights the register holds.
public enum RightKind: String, Sendable, Codable, CaseIterable {
    /// 土地承包经营权 of a household (L-1, L-3).
    case contractLand = "contract-land"
    /// 土地经营权 carved out of contract land by 流转 (L-16, L-17, L-20).
    case landManagement = "land-management"
    /// 宅基地使用权 with the house on it (房屋所有权), H-13.
    case homestead
    /// 集体经营性财产收益权份额 — shares in the collective's operating assets (S-14).
    case collectiveShare = "collective-share"

    /// Whether the right lasts for its term only: contract land (L-4) and 土地经营权 (L-17).
    public var endsWithTerm: Bool {
        switch self {
        case .contractLand, .landManagement: true
        case .homestead, .collectiveShare: false
        }
    }

    /// 权利类型 as printed on a certificate.
    public var chineseName: String {
        switch self {
        case .contractLand: "土地承包经营权"
        case .landManagement: "土地经营权"
        case .homestead: "宅基地使用权/房屋所有权"
        case .collectiveShare: "集体资产股权"
        }
    }
}

/// Where a right is in its life.
public enum RightStatus: String, Sendable, Codable, CaseIterable {
    /// First registration applied for; in its public notice period (公告).
    case announced
    /// Recorded in the register (登簿) and in force.
    case current
    /// Ended by cancellation (注销) or by passing wholly to another holder.
    case cancelled
    /// A term right whose term has run out.
    case expired
}
