/// The right edge of the tree — the hashes of the complete subtrees a tree of `size` leaves
/// decomposes into — which is all an append needs (RFC 9162 §2.1.2's stack).
public struct CompactRange: Sendable, Equatable {
    public private(set) var size: UInt64
    /// Subtree hashes, largest (leftmost) first; one per set bit of `size`.
    public private(set) var hashes: [TreeHash]

    public init() {
        size = 0
        hashes = []
    }

    public init(size: UInt64, hashes: [TreeHash]) {
        precondition(hashes.count == size.nonzeroBitCount)
        self.size = size
        self.hashes = hashes
    }

    /// The subtrees whose hashes make up the range of a tree of `size`.
    public static func subtrees(size: UInt64) -> [Subtree] { Subtree.decompose(start: 0, end: size) }

    /// Appends a leaf and returns the hashes of the subtrees it completes, level 1 upwards;
    /// they are stored with this leaf's entry.
    public mutating func append(_ leaf: TreeHash) -> [TreeHash] {
        var completed: [TreeHash] = []
        var node = leaf
        var position = size
        while position & 1 == 1 {
            node = .node(hashes.removeLast(), node)
            completed.append(node)
            position >>= 1
        }
        hashes.append(node)
        size += 1
        return completed
    }

    public var root: TreeHash {
        guard var result = hashes.last else { return .emptyRoot }
        for hash in hashes.dropLast().reversed() { result = .node(hash, result) }
        return result
    }
}
