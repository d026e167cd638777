import Synchronization

/// Signs the checkpoint of each write — and refuses to sign one that is not consistent with
/// the last it signed: in the write's transaction, before anything is written, the root at the
/// latest checkpoint's size, recomputed from the stored tree, must still be the root it signed.
/// A log that was rewritten behind the program's back therefore stops getting checkpoints
/// instead of getting a second, conflicting history. (A SQLite store skips the recomputation
/// when it can tell that nothing at all was written since its own last append, which made the
/// check: `SQLiteRegistryStore.OwnAppend`.) The store writes the new checkpoint in the
/// write's own transaction, so entries and the checkpoint covering them reach the disk together.
public final class Checkpointer: Sendable {
    public let keys: KeyRing
    /// The last notes this checkpointer signed or verified, newest last, with what they say:
    /// the same note read back needs no second signature check, nor parsing again (every bank
    /// search opens the note its group commit signed; issue 16). Several, not one: under a
    /// burst of searches each group commit signs a note while the searchers of the group before
    /// are still opening theirs.
    private let trusted = Mutex<[(note: String, checkpoint: Checkpoint)]>([])
    static let trustedNotes = 16

    public init(keys: KeyRing) { self.keys = keys }

    /// A stored checkpoint note, its signature checked unless it is one of the last checked.
    public func open(_ note: String) throws -> Checkpoint {
        if let known = trusted.withLock({ $0.last { $0.note == note } }) { return known.checkpoint }
        let checkpoint = try Checkpoint.open(note, verifier: keys.noteVerifier)
        trust(note, checkpoint)
        return checkpoint
    }

    private func trust(_ note: String, _ checkpoint: Checkpoint) {
        trusted.withLock { notes in
            if notes.count == Self.trustedNotes { notes.removeFirst() }
            notes.append((note, checkpoint))
        }
    }

    /// Checks, inside a write's transaction and before anything is written, that the log still
    /// holds the tree the latest checkpoint signed: the root the stored tree has at the
    /// checkpoint's size must be the one in its note.
    func verify(_ end: LogEnd) throws {
        guard let latest = end.latest else { return }
        let signed = try open(latest.note)
        guard signed.size == latest.size else {
            throw RegistryError(
                code: "integrity.checkpoint",
                message: "checkpoint \(latest.size) is stored with a note for size \(signed.size)")
        }
        guard let stored = end.rootAtLatest else {
            throw RegistryError(
                code: "integrity.checkpoint", message: "the log has fewer entries than checkpoint \(signed.size) signed"
            )
        }
        guard stored == signed.root else {
            throw RegistryError(
                code: "integrity.checkpoint",
                message: "the log's root at size \(signed.size) is no longer the one checkpointed; refusing to sign")
        }
    }

    /// The signed checkpoint of a log of `size` entries with `root` (the store calls it inside
    /// the write's transaction, after `verify`).
    public func sign(size: UInt64, root: TreeHash) throws -> StoredCheckpoint {
        let checkpoint = Checkpoint(origin: keys.origin, size: size, root: root)
        let note = try checkpoint.signed(by: keys.checkpointKey)
        trust(note, checkpoint)
        return StoredCheckpoint(size: size, note: note)
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
