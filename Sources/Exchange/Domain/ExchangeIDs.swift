public import RightsRegistry

/// What an exchange identifier names: its letter and its name in messages.
public protocol ExchangeIDKind: Sendable {
    static var letter: String { get }
    static var name: String { get }
}

/// An exchange identifier: a letter and the index of the log entry that created the thing
/// (`L12` is the listing submitted by entry 12), so IDs are the same when the log is replayed.
/// The kind is part of the type: a deal's ID cannot be passed where a listing's is wanted.
public struct ExchangeID<Kind: ExchangeIDKind>: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let entry: UInt64

    public init(entry: UInt64) { self.entry = entry }

    public init(_ text: String) throws(InvalidValue) {
        guard text.hasPrefix(Kind.letter), let entry = UInt64(text.dropFirst(Kind.letter.count)) else {
            throw InvalidValue("a \(Kind.name) ID is \(Kind.letter) followed by a log index")
        }
        self.entry = entry
    }

    public var rawValue: String { Kind.letter + String(entry) }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.entry < rhs.entry }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.reason))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

public enum ListingKindOfID: ExchangeIDKind {
    public static let letter = "L"
    public static let name = "listing"
}

public enum IntentKindOfID: ExchangeIDKind {
    public static let letter = "I"
    public static let name = "intent"
}

public enum DealKindOfID: ExchangeIDKind {
    public static let letter = "D"
    public static let name = "deal"
}

public enum WithdrawalKindOfID: ExchangeIDKind {
    public static let letter = "W"
    public static let name = "withdrawal"
}

public typealias ListingID = ExchangeID<ListingKindOfID>
public typealias IntentID = ExchangeID<IntentKindOfID>
public typealias DealID = ExchangeID<DealKindOfID>
public typealias WithdrawalID = ExchangeID<WithdrawalKindOfID>
