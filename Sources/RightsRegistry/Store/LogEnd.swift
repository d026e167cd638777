/// The end of the log as an append finds it inside its transaction, with the log's end locked:
/// the compact range the new entries extend, and what the checkpoint check needs — the latest
/// stored checkpoint and the root the stored tree has at that checkpoint's size.
///
/// Both stores read the same stored hashes (`subtrees`) in the append's own transaction and
/// build this from them, so the check is made on what the transaction writes over, by one piece
/// of code, with no window between the check and the write. A SQLite append takes the end its
/// own last append left instead when the file shows no write at all since that append
/// (`SQLiteRegistryStore.OwnAppend`): the end that append checked and wrote.
struct LogEnd {
    /// The log's right edge, from the stored hashes.
    let range: CompactRange
    let latest: StoredCheckpoint?
    /// The stored tree's root at `latest.size`; nil without a checkpoint or when the log is
    /// shorter than the checkpoint says.
    let rootAtLatest: TreeHash?

    var size: UInt64 { range.size }

    /// The subtrees whose stored hashes `init` needs: the right edge of a log of `size`
    /// entries and, when the latest checkpoint is older than the log's end, the tree at its size.
    static func subtrees(size: UInt64, latest: StoredCheckpoint?) -> [Subtree] {
        var subtrees = CompactRange.subtrees(size: size)
        if let latest, latest.size < size { subtrees += Subtree.decompose(start: 0, end: latest.size) }
        return subtrees
    }

    /// The end an append leaves: its range, and the checkpoint it signed over it.
    init(_ range: CompactRange, signed: StoredCheckpoint) {
        self.range = range
        latest = signed
        rootAtLatest = range.root
    }

    init(size: UInt64, latest: StoredCheckpoint?, hashes: [Subtree: TreeHash]) throws {
        range = CompactRange(
            size: size, hashes: try CompactRange.subtrees(size: size).map { try MerkleTree.stored($0, in: hashes) })
        self.latest = latest
        rootAtLatest =
            switch latest?.size {
            case .none: nil
            case .some(size): range.root
            case .some(let older) where older < size:
                try MerkleTree.fold(Subtree.decompose(start: 0, end: older), hashes)
            case .some: nil
            }
    }
}
