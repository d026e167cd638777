import Synchronization
import Testing

@testable import RightsRegistry

/// `mapOnEveryCore` writes each slice's results where they go in the result (issue 16): the
/// result must be the sequential `map`'s, and a failed run must throw what the sequential map
/// would have thrown and leave no result alive.
@Suite("Work on every core", .serialized)
struct EveryCoreTests {
    /// Counts the instances alive, so a result left behind (or freed twice) shows.
    final class Tracked: Sendable {
        static let alive = Atomic<Int>(0)
        let value: Int

        init(_ value: Int) {
            self.value = value
            Self.alive.add(1, ordering: .relaxed)
        }

        deinit { Self.alive.subtract(1, ordering: .relaxed) }
    }

    struct Refused: Error, Equatable {
        let element: Int
    }

    @Test(
        "the results are the sequential map's, in order",
        arguments: [0, 1, EveryCore.threshold - 1, EveryCore.threshold, 5 * EveryCore.threshold + 3])
    func inOrder(count: Int) throws {
        let elements = Array(0..<count)
        let mapped = try elements.mapOnEveryCore { "#\($0 * 3)" }
        #expect(mapped == elements.map { "#\($0 * 3)" })
    }

    /// Failures in two slices: the one nearer the start is what a sequential map meets first.
    @Test(
        "a failure throws the error the sequential map meets first, and every result made is freed",
        arguments: [
            [5], [EveryCore.threshold * 2 - 1], [7, EveryCore.threshold * 2 - 1], [EveryCore.threshold * 2 + 9],
        ]
    )
    func failure(refusing refused: [Int]) throws {
        let count = EveryCore.threshold * 2 + 10
        let before = Tracked.alive.load(ordering: .relaxed)
        #expect(throws: Refused(element: refused[0])) {
            _ = try Array(0..<count).mapOnEveryCore { element in
                if refused.contains(element) { throw Refused(element: element) }
                return Tracked(element)
            }
        }
        #expect(Tracked.alive.load(ordering: .relaxed) == before)
        // And a run that does not fail keeps every result until it is dropped.
        do {
            let kept = try Array(0..<count).mapOnEveryCore { Tracked($0) }
            #expect(kept.map(\.value) == Array(0..<count))
            #expect(Tracked.alive.load(ordering: .relaxed) == before + count)
        }
        #expect(Tracked.alive.load(ordering: .relaxed) == before)
    }
}
