/// C2SP tlog-tiles: the log's tree as static, immutable tiles, so that any tlog-tiles client
/// (tlog-scales, the Go sumdb tooling) reads our checkpoints, proofs and — where entitled —
/// entries without knowing our API.
///
/// A tile at level L holds up to 256 hashes of level-8L nodes: tile N of level L covers nodes
/// N·256 … N·256+255, each the hash of 256^L leaves. A partial tile `.p/W` holds the first W.
/// The entries tile N bundles leaves N·256 …, each prefixed with its length (big-endian u16).
public enum Tiles {
    public static let width: UInt64 = 256

    /// Which tile a path names.
    public struct Path: Hashable, Sendable {
        /// nil for the entries tiles.
        public let level: Int?
        public let index: UInt64
        /// The width of a partial tile; nil for a full one.
        public let partial: Int?

        public init(level: Int?, index: UInt64, partial: Int?) {
            self.level = level
            self.index = index
            self.partial = partial
        }

        /// Reads `<L>/<N>[.p/<W>]` as segments after `tile/`: the level (`entries` or 0…63), then
        /// N in groups of three digits, all but the last prefixed with `x`, then `.p/W`. Only
        /// the one canonical spelling of each tile is accepted.
        public init?(level levelSegment: String, _ segments: [String]) {
            let level: Int?
            if levelSegment == "entries" {
                level = nil
            } else {
                guard let parsed = Int(levelSegment), (0...63).contains(parsed), String(parsed) == levelSegment else {
                    return nil
                }
                level = parsed
            }
            var groups = segments
            var partial: Int?
            if groups.count >= 2, groups[groups.count - 2].hasSuffix(".p") {
                guard let width = Int(groups.removeLast()), (1...255).contains(width) else { return nil }
                partial = width
                groups[groups.count - 1].removeLast(2)
            }
            guard !groups.isEmpty, groups.count <= 7 else { return nil }
            var index: UInt64 = 0
            for (position, group) in groups.enumerated() {
                var digits = Substring(group)
                if position < groups.count - 1 {
                    guard digits.first == "x" else { return nil }
                    digits = digits.dropFirst()
                }
                guard digits.count == 3, digits.allSatisfy(\.isASCII), let value = UInt64(digits) else { return nil }
                let (scaled, overflow) = index.multipliedReportingOverflow(by: 1000)
                guard !overflow else { return nil }
                index = scaled + value
            }
            self.init(level: level, index: index, partial: partial)
            guard self.segments == segments else { return nil }
        }

        /// The path segments after the level, canonically spelled.
        public var segments: [String] {
            var groups: [String] = []
            var rest = index
            repeat {
                groups.insert(String(rest % 1000).leftPadded(to: 3), at: 0)
                rest /= 1000
            } while rest > 0
            for position in groups.indices.dropLast() { groups[position] = "x" + groups[position] }
            if let partial {
                groups[groups.count - 1] += ".p"
                groups.append(String(partial))
            }
            return groups
        }

        /// How many hashes or entries the tile holds.
        public var count: UInt64 { partial.map(UInt64.init) ?? Tiles.width }

        /// The leaves a tile's content depends on: it can be served once the tree has them all.
        public var leavesNeeded: UInt64? {
            let perNode = Tiles.leaves(perNodeAt: level ?? 0)
            let (nodes, overflow) = index.multipliedReportingOverflow(by: Tiles.width)
            guard !overflow, let perNode else { return nil }
            let (leaves, overflow2) = (nodes + count).multipliedReportingOverflow(by: perNode)
            return overflow2 ? nil : leaves
        }
    }

    /// 256^level, or nil past 2^64.
    static func leaves(perNodeAt level: Int) -> UInt64? {
        guard level < 8 else { return nil }
        return UInt64(1) << UInt64(8 * level)
    }

    /// The hash tile: the node hashes, 32 bytes each.
    public static func hashTile(_ path: Path, reader: some SubtreeReader) async throws -> [UInt8] {
        guard let level = path.level, let perNode = leaves(perNodeAt: level) else { return [] }
        let first = path.index * width
        let ranges = (first..<(first + path.count)).map { node in (node * perNode)..<((node + 1) * perNode) }
        return try await MerkleTree.hashes(of: ranges, reader: reader).flatMap(\.bytes)
    }

    /// The entries tile: each leaf's bytes after its length, big-endian u16.
    public static func entryBundle(_ leaves: [[UInt8]]) throws -> [UInt8] {
        var bundle: [UInt8] = []
        for leaf in leaves {
            guard leaf.count <= Int(UInt16.max) else {
                throw RegistryError(
                    code: "unavailable.tile",
                    message: "an entry of \(leaf.count) bytes does not fit a tlog-tiles bundle")
            }
            bundle += [UInt8(leaf.count >> 8), UInt8(leaf.count & 0xFF)] + leaf
        }
        return bundle
    }
}
