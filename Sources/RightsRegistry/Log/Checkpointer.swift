/// Signs a checkpoint after each write — and refuses to sign one that is not consistent with
/// the last it signed: the root at that checkpoint's size, recomputed from the stored tree, must
/// still be the root it signed. A log that was rewritten behind the program's back therefore
/// stops getting checkpoints instead of getting a second, conflicting history.
public struct Checkpointer: Sendable {
    public let keys: KeyRing

    public init(keys: KeyRing) { self.keys = keys }

    /// The signed checkpoint for `size` entries with `root`, stored and returned; if a checkpoint
    /// of that size or larger exists already (another writer was quicker), that one.
    @discardableResult
    public func checkpoint(size: UInt64, root: TreeHash, in store: any RegistryStore) async throws -> StoredCheckpoint {
        if let latest = try await store.latestCheckpoint() {
            let signed = try Checkpoint.open(latest.note, verifier: keys.noteVerifier)
            let logSize = try await store.size()
            guard signed.size <= logSize else {
                throw RegistryError(
                    code: "integrity.checkpoint",
                    message: "the log has fewer entries than checkpoint \(signed.size) signed")
            }
            let recomputed = try await MerkleTree.root(size: signed.size, reader: store)
            guard recomputed == signed.root else {
                throw RegistryError(
                    code: "integrity.checkpoint",
                    message: "the log's root at size \(signed.size) is no longer the one checkpointed; refusing to sign"
                )
            }
            if signed.size >= size { return latest }
        }
        let checkpoint = StoredCheckpoint(
            size: size, note: try Checkpoint(origin: keys.origin, size: size, root: root).signed(by: keys.checkpointKey)
        )
        try await store.saveCheckpoint(checkpoint)
        return checkpoint
    }
}

/// A signed checkpoint as stored: every checkpoint ever issued is kept.
public struct StoredCheckpoint: Sendable, Equatable {
    public let size: UInt64
    /// The signed note.
    public let note: String

    public init(size: UInt64, note: String) {
        self.size = size
        self.note = note
    }
}
