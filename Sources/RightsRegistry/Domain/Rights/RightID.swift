/// The register's identifier of a right.
///
/// Where the law gives a right a code, that code is its ID: the contract code (承包方 code + J)
/// for contract land, the 不动产单元代码 for a homestead. Rights without one get an ID derived from
/// the log index of the entry that created them (`…-S123` for a share holding, `…-L456` for a
/// 土地经营权), so that replaying the log always yields the same IDs.
public struct RightID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(_ text: String) throws(InvalidValue) {
        guard (1...64).contains(text.utf8.count),
            text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || $0 == UInt8(ascii: "-") }
            )
        else { throw InvalidValue("a right ID has 1–64 characters: digits, capital letters and '-'") }
        rawValue = text
    }

    init(unchecked text: String) { rawValue = text }

    public static func contractLand(_ code: ContractCode) -> RightID { RightID(unchecked: code.rawValue) }
    public static func homestead(_ code: UnitCode) -> RightID { RightID(unchecked: code.rawValue) }
    public static func share(collective: CollectiveCode, entry: UInt64) -> RightID {
        RightID(unchecked: "\(collective.rawValue)-S\(entry)")
    }
    public static func landManagement(parent: RightID, entry: UInt64) -> RightID {
        RightID(unchecked: "\(parent.rawValue)-L\(entry)")
    }

    public var description: String { rawValue }
    public static func < (lhs: RightID, rhs: RightID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
