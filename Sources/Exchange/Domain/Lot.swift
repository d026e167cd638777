import Crypto
public import RightsRegistry

/// The lot among equal priority holders who matched the best price (L-18), drawn from the log
/// itself so that anyone can recompute it and nobody — the exchange included — can choose it:
/// the seed is SHA-256 of a statement naming the listing and the log's tree head (size and
/// root) at the moment the matching closed, and each claimant's place is the SHA-256 of the seed
/// followed by its intent ID, lowest first. The tree head is signed by a checkpoint and fixed
/// before the draw; nothing the claimants do afterwards can move it.
public struct PriorityLot: Hashable, Sendable, Codable {
    /// The tree head the draw used: the log's size when it closed, and its root hash (base64).
    public var treeSize: UInt64
    public var rootHash: String
    /// SHA-256 of `statement`, hex.
    public var seed: String
    /// Every claimant in the drawn order: the first wins, the next are back-ups.
    public var order: [IntentID]

    public init(listing: ListingID, treeSize: UInt64, root: TreeHash, claimants: [IntentID]) {
        self.treeSize = treeSize
        rootHash = root.base64
        let seedBytes = Array(SHA256.hash(data: Array(Self.statement(listing, treeSize, root.base64).utf8)))
        seed = Hex.encode(seedBytes)
        let places: [(intent: IntentID, place: String)] = claimants.map { intent in
            (intent, Hex.encode(SHA256.hash(data: seedBytes + Array(intent.rawValue.utf8))))
        }
        order = places.sorted { $0.place != $1.place ? $0.place < $1.place : $0.intent < $1.intent }.map(\.intent)
    }

    /// What the seed hashes: one line each for the scheme, the listing, the size and the root.
    public static func statement(_ listing: ListingID, _ size: UInt64, _ root: String) -> String {
        "rights-exchange/priority-lot/v1\n\(listing)\n\(size)\n\(root)\n"
    }

    enum CodingKeys: String, CodingKey {
        case seed, order
        case treeSize = "tree_size"
        case rootHash = "root_hash"
    }
}
