/// Reads subtree hashes for the RFC 9162 algorithms; the store implements it with one query per
/// call, so the cost of a root or a proof is the number of calls: O(log n).
public protocol SubtreeReader: Sendable {
    func hashes(of subtrees: [Subtree]) async throws -> [Subtree: TreeHash]
}

/// RFC 9162 §2.1 over a log whose complete-subtree hashes are stored: tree heads, inclusion and
/// consistency proofs, and their verification.
public enum MerkleTree {
    /// MTH of the first `size` leaves.
    public static func root(size: UInt64, reader: some SubtreeReader) async throws -> TreeHash {
        guard size > 0 else { return .emptyRoot }
        let parts = Subtree.decompose(start: 0, end: size)
        return try fold(parts, try await reader.hashes(of: parts))
    }

    /// PATH(m, D[n]) of RFC 9162 §2.1.3.1.
    public static func inclusionProof(index: UInt64, size: UInt64, reader: some SubtreeReader) async throws
        -> [TreeHash]
    {
        precondition(index < size)
        return try await resolve(inclusionRanges(index: index, start: 0, end: size), reader: reader)
    }

    /// PROOF(m, D[n]) of RFC 9162 §2.1.4.1, for 0 < m ≤ n.
    public static func consistencyProof(from old: UInt64, to new: UInt64, reader: some SubtreeReader) async throws
        -> [TreeHash]
    {
        precondition(0 < old && old <= new)
        guard old < new else { return [] }
        return try await resolve(consistencyRanges(old: old, start: 0, end: new, complete: true), reader: reader)
    }

    /// The hashes of the given leaf ranges (MTH of each), in one read of the store.
    public static func hashes(of ranges: [Range<UInt64>], reader: some SubtreeReader) async throws -> [TreeHash] {
        try await resolve(ranges, reader: reader)
    }

    /// The ranges whose hashes form the audit path, leaf to root.
    static func inclusionRanges(index: UInt64, start: UInt64, end: UInt64) -> [Range<UInt64>] {
        let n = end - start
        guard n > 1 else { return [] }
        let k = largestPowerOfTwo(below: n)
        if index - start < k {
            return inclusionRanges(index: index, start: start, end: start + k) + [(start + k)..<end]
        }
        return inclusionRanges(index: index, start: start + k, end: end) + [start..<(start + k)]
    }

    /// SUBPROOF(m, D[start, end), b) as ranges.
    static func consistencyRanges(old m: UInt64, start: UInt64, end: UInt64, complete b: Bool) -> [Range<UInt64>] {
        let n = end - start
        if m == n { return b ? [] : [start..<end] }
        let k = largestPowerOfTwo(below: n)
        if m <= k {
            return consistencyRanges(old: m, start: start, end: start + k, complete: b) + [(start + k)..<end]
        }
        return consistencyRanges(old: m - k, start: start + k, end: end, complete: false) + [start..<(start + k)]
    }

    static func resolve(_ ranges: [Range<UInt64>], reader: some SubtreeReader) async throws -> [TreeHash] {
        let parts = ranges.map { Subtree.decompose(start: $0.lowerBound, end: $0.upperBound) }
        let hashes = try await reader.hashes(of: Array(Set(parts.joined())))
        return try parts.map { try fold($0, hashes) }
    }

    static func fold(_ parts: [Subtree], _ hashes: [Subtree: TreeHash]) throws -> TreeHash {
        guard let last = parts.last else { return .emptyRoot }
        var result = try stored(last, in: hashes)
        for part in parts.dropLast().reversed() { result = .node(try stored(part, in: hashes), result) }
        return result
    }

    /// A subtree hash the store was asked for; a missing one means rows were removed behind the
    /// program's back, which is an integrity error, never a crash.
    static func stored(_ subtree: Subtree, in hashes: [Subtree: TreeHash]) throws -> TreeHash {
        guard let hash = hashes[subtree] else {
            throw RegistryError(code: "integrity.entry", message: "the log has no stored hash for \(subtree)")
        }
        return hash
    }

    static func largestPowerOfTwo(below n: UInt64) -> UInt64 {
        precondition(n > 1)
        return UInt64(1) << UInt64(63 - (n - 1).leadingZeroBitCount)
    }
}

/// Why a proof did not verify.
public enum ProofError: Error, Sendable, Equatable, CustomStringConvertible {
    case indexOutOfRange
    case wrongProofSize
    case rootMismatch
    case invalidHashSize
    case invalidSizes

    public var description: String {
        switch self {
        case .indexOutOfRange: "leaf index is not below the tree size"
        case .wrongProofSize: "proof has the wrong number of hashes"
        case .rootMismatch: "proof does not lead to the expected root"
        case .invalidHashSize: "a hash is not 32 bytes"
        case .invalidSizes: "tree sizes are not consistent (0 < old ≤ new)"
        }
    }
}

extension MerkleTree {
    /// RFC 9162 §2.1.3.2: verify that `leafHash` is leaf `index` of the tree of `size` with `root`.
    public static func verifyInclusion(
        index: UInt64, size: UInt64, leafHash: [UInt8], proof: [[UInt8]], root: [UInt8]
    ) throws(ProofError) {
        guard leafHash.count == 32, root.count == 32, proof.allSatisfy({ $0.count == 32 }) else {
            throw .invalidHashSize
        }
        guard index < size else { throw .indexOutOfRange }
        var fn = index
        var sn = size - 1
        var r = TreeHash(bytes: leafHash)!
        for element in proof {
            let p = TreeHash(bytes: element)!
            guard sn != 0 else { throw .wrongProofSize }
            if fn & 1 == 1 || fn == sn {
                r = .node(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0, fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = .node(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw .wrongProofSize }
        guard r.bytes == root else { throw .rootMismatch }
    }

    /// RFC 9162 §2.1.4.2, with the edge cases of transparency-dev/merkle: size 0 is an error,
    /// equal sizes need an empty proof and equal roots (compared as plain bytes), otherwise every
    /// hash must be 32 bytes.
    public static func verifyConsistency(
        oldSize: UInt64, newSize: UInt64, oldRoot: [UInt8], newRoot: [UInt8], proof: [[UInt8]]
    ) throws(ProofError) {
        guard oldSize > 0, oldSize <= newSize else { throw .invalidSizes }
        if oldSize == newSize {
            guard proof.isEmpty else { throw .wrongProofSize }
            guard oldRoot == newRoot else { throw .rootMismatch }
            return
        }
        guard oldRoot.count == 32, newRoot.count == 32, proof.allSatisfy({ $0.count == 32 }) else {
            throw .invalidHashSize
        }
        guard !proof.isEmpty else { throw .wrongProofSize }
        var path = proof.map { TreeHash(bytes: $0)! }
        // If the old size is a power of two the old root is the first node of the path.
        if oldSize & (oldSize - 1) == 0 { path.insert(TreeHash(bytes: oldRoot)!, at: 0) }
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0]
        var sr = path[0]
        for c in path.dropFirst() {
            guard sn != 0 else { throw .wrongProofSize }
            if fn & 1 == 1 || fn == sn {
                fr = .node(c, fr)
                sr = .node(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0, fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = .node(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw .wrongProofSize }
        guard fr.bytes == oldRoot, sr.bytes == newRoot else { throw .rootMismatch }
    }
}
