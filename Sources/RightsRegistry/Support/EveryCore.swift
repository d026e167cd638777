import Foundation
import Synchronization

/// Work spread over every core (`Array.mapOnEveryCore`).
enum EveryCore {
    /// Elements from which the work is spread: an import's batch encodes thousands of entries and
    /// documents; for an act's handful, handing work to another thread costs more than it saves.
    static let threshold = 1_024
}

extension Array where Element: Sendable {
    /// `transform` of every element, in order — worked out in slices side by side on every core
    /// when there are at least `EveryCore.threshold` elements (issue 16). The calling thread takes
    /// a slice too, so this finishes even when no other thread is free. An error thrown is the one
    /// mapping in order would have met first.
    func mapOnEveryCore<T: Sendable>(_ transform: @Sendable (Element) throws -> T) throws
        -> [T]
    {
        let workers = count < EveryCore.threshold ? 1 : ProcessInfo.processInfo.activeProcessorCount
        guard workers > 1 else { return try map(transform) }
        let slice = (count + workers - 1) / workers
        let parts = Mutex<[Int: Result<[T], any Error>]>([:])
        DispatchQueue.concurrentPerform(iterations: workers) { part in
            let result = Result {
                try self[Swift.min(part * slice, count)..<Swift.min((part + 1) * slice, count)].map(transform)
            }
            parts.withLock { $0[part] = result }
        }
        return try parts.withLock { parts in try (0..<workers).flatMap { try parts[$0]!.get() } }
    }
}
