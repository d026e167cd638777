import Foundation
import Synchronization

/// Work spread over every core (`Array.mapOnEveryCore`).
enum EveryCore {
    /// Where the slices write their results: each slice its own elements, so no two threads
    /// write the same memory.
    fileprivate struct Output<T>: @unchecked Sendable {
        let start: UnsafeMutablePointer<T>
    }

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
        // Each slice is written where it goes in the result: results gathered per slice and then
        // joined were copied once more, every element retained again (issue 16).
        return try [T](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            guard let start = buffer.baseAddress else { return }
            let output = EveryCore.Output(start: start)
            let parts = Mutex([(initialized: Int, error: (any Error)?)](repeating: (0, nil), count: workers))
            DispatchQueue.concurrentPerform(iterations: workers) { part in
                let range = Swift.min(part * slice, count)..<Swift.min((part + 1) * slice, count)
                var initialized = 0
                var failure: (any Error)?
                do {
                    for index in range {
                        (output.start + index).initialize(to: try transform(self[index]))
                        initialized += 1
                    }
                } catch {
                    failure = error
                }
                parts.withLock { $0[part] = (initialized, failure) }
            }
            let outcome = parts.withLock { $0 }
            guard let error = outcome.lazy.compactMap(\.error).first else {
                initializedCount = count
                return
            }
            for (part, done) in outcome.enumerated() {
                (start + Swift.min(part * slice, count)).deinitialize(count: done.initialized)
            }
            throw error
        }
    }
}
