import Foundation
import RightsRegistry
import Synchronization

/// Failed authentications by source address, with exponential back-off: an address may get a
/// few tokens wrong (a mistyped paste), then must wait 1 s, 2 s, 4 s … up to 5 minutes after
/// each further failure. While it waits, every request it makes with a bearer token is answered
/// 429 with `Retry-After` without looking the token up, so guessing runs at the back-off's pace
/// and costs the store nothing. A success from the address clears its record; a record
/// untouched for 15 minutes is forgotten. At most 10,000 addresses are kept: the oldest go first.
final class FailedAuthentications: Sendable {
    /// Failures an address may make before it waits.
    let freeFailures: Int
    static let longestWait: Double = 300
    static let memory: TimeInterval = 15 * 60
    static let capacity = 10_000

    struct Record {
        var failures: Int
        var last: Date
        var blockedUntil: Date?
    }

    private let records = Mutex<[String: Record]>([:])
    /// Real time, not the registry's clock (which a test or a replay may set back or forward).
    let clock: any RegistryClock

    init(freeFailures: Int = 5, clock: any RegistryClock = SystemClock()) {
        self.freeFailures = freeFailures
        self.clock = clock
    }

    /// Seconds `address` must still wait, or nil if it may try.
    func wait(for address: String) -> Int? {
        let now = clock.now()
        return records.withLock { records in
            guard let until = records[address]?.blockedUntil, until > now else { return nil }
            return max(1, Int(until.timeIntervalSince(now).rounded(.up)))
        }
    }

    /// Counts a failure from `address`.
    func failed(_ address: String) {
        let now = clock.now()
        records.withLock { records in
            var record =
                records[address].flatMap { now.timeIntervalSince($0.last) < Self.memory ? $0 : nil }
                ?? Record(failures: 0, last: now)
            record.failures += 1
            record.last = now
            let beyond = record.failures - freeFailures
            if beyond > 0 {
                record.blockedUntil = now.addingTimeInterval(min(Self.longestWait, pow(2, Double(min(beyond - 1, 20)))))
            }
            if records[address] == nil, records.count >= Self.capacity { Self.forgetOldest(&records, now: now) }
            records[address] = record
        }
    }

    func succeeded(_ address: String) {
        _ = records.withLock { $0.removeValue(forKey: address) }
    }

    private static func forgetOldest(_ records: inout [String: Record], now: Date) {
        records = records.filter { now.timeIntervalSince($0.value.last) < memory }
        if records.count >= capacity, let oldest = records.min(by: { $0.value.last < $1.value.last })?.key {
            records.removeValue(forKey: oldest)
        }
    }
}
