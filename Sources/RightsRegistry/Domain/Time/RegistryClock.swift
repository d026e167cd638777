public import Foundation

/// Where the register gets the time. Domain code never reads the system clock: the server and
/// CLI pass `SystemClock`, tests a clock they set.
public protocol RegistryClock: Sendable {
    func now() -> Date
}

public struct SystemClock: RegistryClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// The registry's local time: the zone it keeps its dates in (Asia/Shanghai by default).
public struct RegistryTimeZone: Sendable, Hashable {
    public let identifier: String
    let zone: TimeZone

    public init(_ identifier: String = "Asia/Shanghai") throws(InvalidValue) {
        guard let zone = TimeZone(identifier: identifier) else { throw InvalidValue("unknown time zone \(identifier)") }
        self.identifier = identifier
        self.zone = zone
    }

    /// Asia/Shanghai; where the system has no time-zone database, China's fixed UTC+8 (no
    /// daylight saving since 1991), so the registry starts regardless.
    public static let shanghai: RegistryTimeZone = {
        if let zone = try? RegistryTimeZone() { return zone }
        return RegistryTimeZone(fixed: TimeZone(secondsFromGMT: 8 * 3600) ?? .current, identifier: "Asia/Shanghai")
    }()

    init(fixed zone: TimeZone, identifier: String) {
        self.identifier = identifier
        self.zone = zone
    }

    /// The local date of an instant.
    public func day(of instant: Date) -> Day {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down)) + zone.secondsFromGMT(for: instant)
        return Day(ordinal: Int((Double(seconds) / 86_400).rounded(.down)))
    }

    /// The instant `day` reaches `hour`:00 local time.
    public func instant(of day: Day, hour: Int) -> Date {
        let local = TimeInterval(day.ordinal * 86_400 + hour * 3600)
        let guess = Date(timeIntervalSince1970: local - TimeInterval(zone.secondsFromGMT()))
        return Date(timeIntervalSince1970: local - TimeInterval(zone.secondsFromGMT(for: guess)))
    }

    /// RFC 3339 with the local offset, to the second: `2026-11-21T10:15:30+08:00`.
    public func timestamp(of instant: Date) -> String {
        let offset = zone.secondsFromGMT(for: instant)
        let local = Int(instant.timeIntervalSince1970.rounded(.down)) + offset
        let day = Day(ordinal: Int((Double(local) / 86_400).rounded(.down)))
        let secondOfDay = local - day.ordinal * 86_400
        func two(_ value: Int) -> String { String(value).leftPadded(to: 2) }
        let sign = offset >= 0 ? "+" : "-"
        let magnitude = abs(offset) / 60
        return "\(day)T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))"
            + "\(sign)\(two(magnitude / 60)):\(two(magnitude % 60))"
    }

    /// Parses what `timestamp(of:)` writes (any offset).
    public static func instant(_ timestamp: String) -> Date? {
        let bytes = Array(timestamp.utf8)
        guard bytes.count == 25, let day = Day(String(timestamp.prefix(10))), bytes[10] == UInt8(ascii: "T") else {
            return nil
        }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: bytes[range], as: UTF8.self)) }
        guard let h = number(11..<13), let m = number(14..<16), let s = number(17..<19), let oh = number(20..<22),
            let om = number(23..<25), bytes[19] == UInt8(ascii: "+") || bytes[19] == UInt8(ascii: "-")
        else { return nil }
        let offset = (oh * 3600 + om * 60) * (bytes[19] == UInt8(ascii: "-") ? -1 : 1)
        let seconds = day.ordinal * 86_400 + h * 3600 + m * 60 + s - offset
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
