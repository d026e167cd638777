/// A certificate (权证) the register issued: its number, the right, and the log entry whose
/// state it states. Certificates are issued when a right first becomes current and re-issued on
/// every change of what it states; the old number is then superseded. Whether a number is
/// current, superseded or cancelled is read from the right (the register prevails, C-2).
public struct CertificateRecord: Hashable, Sendable, Codable {
    public var number: String
    public var right: RightID
    public var entry: UInt64
    public var issuedOn: Day
    /// 发证机关 as the policy named it at issue.
    public var issuer: String
    /// The number this one replaces.
    public var supersedes: String?

    public init(number: String, right: RightID, entry: UInt64, issuedOn: Day, issuer: String, supersedes: String?) {
        self.number = number
        self.right = right
        self.entry = entry
        self.issuedOn = issuedOn
        self.issuer = issuer
        self.supersedes = supersedes
    }

    enum CodingKeys: String, CodingKey {
        case number, right, entry, supersedes, issuer
        case issuedOn = "issued_on"
    }
}

/// The status of a certificate as the register states it today.
public enum CertificateStatus: String, Sendable, Codable {
    case current
    case superseded
    case cancelled

    /// As of `day`: a term right's certificate lapses with its term (`Right.status(on:)`).
    public init(number: String, right: Right, on day: Day) {
        let status = right.status(on: day)
        if status == .cancelled || status == .expired {
            self = right.certificate == number ? .cancelled : .superseded
        } else {
            self = right.certificate == number ? .current : .superseded
        }
    }
}

/// The last certificate sequence number used in a year.
public struct CertificateSequence: Hashable, Sendable, Codable {
    public var year: Int
    public var last: Int

    public init(year: Int, last: Int) {
        self.year = year
        self.last = last
    }
}

/// Certificate numbers in the printed style: `浙(2026)海盐县农村土地承包经营权第0000012号`
/// (rule book §5.5 for contract land, §5.7 for 不动产权证书).
public enum CertificateNumber {
    static let provinces: [String: String] = [
        "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉", "23": "黑", "31": "沪",
        "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫", "42": "鄂", "43": "湘",
        "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "川", "52": "贵", "53": "云", "54": "藏", "61": "陕",
        "62": "甘", "63": "青", "64": "宁", "65": "新", "71": "台", "81": "港", "82": "澳",
    ]

    public static func make(kind: RightKind, region: RegionCode, place: String, year: Int, sequence: Int) -> String {
        let province = provinces[String(region.rawValue.prefix(2))] ?? ""
        let series =
            switch kind {
            case .contractLand: "农村土地承包经营权"
            case .homestead, .landManagement: "不动产权"
            case .collectiveShare: "集体资产股权"
            }
        let placeName = place.isEmpty ? region.county : place
        return "\(province)(\(year))\(placeName)\(series)第\(String(sequence).leftPadded(to: 7))号"

    }
}
