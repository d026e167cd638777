/// A code that validates on construction and is stored in its normalised text form.
///
/// Every identifier of the register (ID numbers, credit codes, 发包方/承包方/地块/合同 codes,
/// 不动产单元代码) conforms, so Codable, display and comparison work the same for all of them.
public protocol Identifier: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The normalised text (upper-case letters).
    var rawValue: String { get }
    init(_ text: String) throws(InvalidValue)
}

extension Identifier {
    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Checks shared by the numeric codes.
enum Digits {
    static func require(_ text: String, count: Int, name: String) throws(InvalidValue) {
        guard text.utf8.count == count else {
            throw InvalidValue("\(name) must be \(count) digits, got \(text.utf8.count) characters")
        }
        guard text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw InvalidValue("\(name) must contain digits only")
        }
    }

    /// The first `count` characters of `text`, which holds ASCII only (a code whose digits were
    /// checked): counted in bytes, where `String.prefix` walks grapheme clusters (issue 16: taking
    /// the collective's code out of a parcel's or a household's was ~1 % of an import).
    static func prefix(_ text: String, _ count: Int) -> String {
        String(decoding: text.utf8.prefix(count), as: UTF8.self)
    }

    static func value(_ text: Substring.UTF8View) -> Int {
        text.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }
}
