/// The witnesses' cosignatures of this registry's checkpoints, kept beside the log: per tree size,
/// the cosignature lines collected for it, and the largest size any witness has cosigned. The
/// published checkpoint is the signed note with its cosignatures appended (C2SP signed-note:
/// further signature lines).
public struct Cosignatures: Sendable {
    let store: any RegistryStore
    static let table = "cosignatures"
    static let latestKey = "latest"

    public init(store: any RegistryStore) { self.store = store }

    static func key(_ size: UInt64) -> String { "size/" + String(size) }

    /// The cosignature lines collected for the checkpoint of `size`.
    public func lines(for size: UInt64) async throws -> [String] {
        guard let bytes = try await store.sideRecord(Self.table, key: Self.key(size)) else { return [] }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Adds `lines` to those of `size` (each once), and moves the latest cosigned size forward.
    /// Compare-and-swap, so two servers collecting at once lose nothing.
    public func add(_ lines: [String], for size: UInt64) async throws {
        try await merge(Self.key(size)) { current in
            let present = current.split(separator: "\n").map(String.init)
            return (present + lines.filter { !present.contains($0) }).joined(separator: "\n")
        }
        try await merge(Self.latestKey) { current in
            UInt64(current).map { $0 >= size } == true ? current : String(size)
        }
    }

    func merge(_ key: String, _ change: (String) -> String) async throws {
        for _ in 0..<20 {
            guard let bytes = try await store.sideRecord(Self.table, key: key) else {
                if try await store.putSideRecord(
                    Self.table, key: key, value: Array(change("").utf8), onlyIfAbsent: true)
                {
                    return
                }
                continue
            }
            let next = Array(change(String(decoding: bytes, as: UTF8.self)).utf8)
            if next == bytes { return }
            if try await store.replaceSideRecord(Self.table, key: key, expected: bytes, with: next) { return }
        }
        throw RegistryError.unavailable("the cosignatures are being changed by too many writers at once")
    }

    /// The largest checkpoint size a witness has cosigned.
    public func latestCosigned() async throws -> UInt64? {
        try await store.sideRecord(Self.table, key: Self.latestKey).flatMap {
            UInt64(String(decoding: $0, as: UTF8.self))
        }
    }

    /// A stored checkpoint's note with the cosignatures collected for it.
    public func note(_ checkpoint: StoredCheckpoint) async throws -> String {
        Cosignature.merging(try await lines(for: checkpoint.size), into: checkpoint.note)
    }

    /// The checkpoint to prove an entry against: the latest one witnesses have cosigned if it
    /// covers the entry, else the latest one (cosigned later), each with its cosignatures.
    public func checkpoint(covering index: UInt64) async throws -> (size: UInt64, note: String)? {
        if let cosigned = try await latestCosigned(), cosigned > index,
            let checkpoint = try await store.checkpoint(covering: cosigned), checkpoint.size == cosigned
        {
            return (cosigned, try await note(checkpoint))
        }
        guard let latest = try await store.latestCheckpoint(), latest.size > index else { return nil }
        return (latest.size, try await note(latest))
    }
}
