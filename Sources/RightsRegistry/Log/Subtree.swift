/// A complete subtree of the log's Merkle tree: the 2^level leaves starting at index·2^level.
///
/// The store keeps the hash of every complete subtree with the entry that completes it (its
/// last leaf), so any of them is one read.
public struct Subtree: Hashable, Sendable, CustomStringConvertible {
    public let level: Int
    public let index: UInt64

    public init(level: Int, index: UInt64) {
        self.level = level
        self.index = index
    }

    public var start: UInt64 { index << UInt64(level) }
    public var end: UInt64 { (index + 1) << UInt64(level) }
    /// The leaf whose entry row stores this subtree's hash.
    public var lastLeaf: UInt64 { end - 1 }

    public var description: String { "[\(start), \(end))" }

    /// The aligned complete subtrees that make up [start, end), largest first. For the ranges the
    /// RFC 9162 algorithms produce (whole trees and their right edges), folding their hashes from
    /// the right gives MTH of the range.
    public static func decompose(start: UInt64, end: UInt64) -> [Subtree] {
        var subtrees: [Subtree] = []
        var position = start
        while position < end {
            // The largest aligned power of two that starts at `position` and fits.
            var level = position == 0 ? 63 : position.trailingZeroBitCount
            while level > 0, position + (UInt64(1) << UInt64(level)) > end || (UInt64(1) << UInt64(level)) == 0 {
                level -= 1
            }
            subtrees.append(Subtree(level: level, index: position >> UInt64(level)))
            position += UInt64(1) << UInt64(level)
        }
        return subtrees
    }
}
