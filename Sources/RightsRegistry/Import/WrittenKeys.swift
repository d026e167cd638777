/// The projection rows an import into an empty register has written so far, as a Bloom filter
/// (issue 16): a key it has not written is not in the register, so working out a batch's rows
/// need not ask the store for it. Profiled on the 20,000-household county, every one of the
/// 240,000 rows a run asked for was absent — each batch touches new households, rights and
/// parcels — and asking cost the import's critical path about a tenth of its time.
///
/// A key the filter may contain is asked for as before (about 1 % of the others are, at the
/// capacity given). Sound only while the register holds nothing but what this import wrote:
/// the importer uses it for an import that began on an empty log, and only for batches whose
/// append is refused if anything else was appended first.
struct WrittenKeys {
    private var words: [UInt64]
    /// Probes per key: about 1 % false positives at 10 bits a key.
    private static let probes = 7

    /// A filter sized for `capacity` keys; more are fine, with more false positives.
    init(capacity: Int) {
        words = Array(repeating: 0, count: max(1, (max(capacity, 1) * 10 + 63) / 64))
    }

    mutating func insert(_ key: EntityKey) {
        let (h1, h2) = hashes(key)
        for probe in 0..<UInt64(Self.probes) {
            let bit = Int((h1 &+ probe &* h2) % UInt64(words.count * 64))
            words[bit >> 6] |= 1 << UInt64(bit & 63)
        }
    }

    /// False only for a key never inserted.
    func mayContain(_ key: EntityKey) -> Bool {
        let (h1, h2) = hashes(key)
        for probe in 0..<UInt64(Self.probes) {
            let bit = Int((h1 &+ probe &* h2) % UInt64(words.count * 64))
            if words[bit >> 6] & (1 << UInt64(bit & 63)) == 0 { return false }
        }
        return true
    }

    /// Two hashes of the key, combined for each probe (Kirsch–Mitzenmacher double hashing): the
    /// key's hash, and that mixed again (SplitMix64's finaliser) — one string hash a key, not two.
    private func hashes(_ key: EntityKey) -> (UInt64, UInt64) {
        let first = UInt64(bitPattern: Int64(key.hashValue))
        var second = first &+ 0x9E37_79B9_7F4A_7C15
        second = (second ^ (second >> 30)) &* 0xBF58_476D_1CE4_E5B9
        second = (second ^ (second >> 27)) &* 0x94D0_49BB_1331_11EB
        return (first, (second ^ (second >> 31)) | 1)
    }
}
