import Foundation

/// A log checkpoint (c2sp.org/tlog-checkpoint): origin, tree size and root hash, as the text of a
/// signed note.
public struct Checkpoint: Sendable, Equatable {
    public let origin: String
    public let size: UInt64
    public let root: TreeHash

    public init(origin: String, size: UInt64, root: TreeHash) {
        self.origin = origin
        self.size = size
        self.root = root
    }

    /// The note text: three lines, each ending in a newline.
    public var text: String { "\(origin)\n\(size)\n\(root.base64)\n" }

    public func signed(by key: SigningKey) throws -> String {
        try SignedNote.sign(text, name: origin, key: key)
    }

    /// Parses a note text (without its signatures).
    public init(text: String) throws(NoteError) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 4, lines.last == "", !lines[0].isEmpty else {
            throw .malformed("a checkpoint has three lines")
        }
        guard let size = UInt64(lines[1]), String(size) == lines[1] else {
            throw .malformed("tree size is not a decimal")
        }
        guard let root = TreeHash(base64: String(lines[2])) else {
            throw .malformed("root hash is not 32 bytes of base64")
        }
        origin = String(lines[0])
        self.size = size
        self.root = root
    }

    /// Verifies a signed checkpoint note with the log's verifier key and returns it.
    public static func open(_ note: String, verifier: SignedNote.Verifier) throws(NoteError) -> Checkpoint {
        let checkpoint = try Checkpoint(text: try SignedNote.open(note, verifier: verifier))
        guard checkpoint.origin == verifier.name else { throw .malformed("checkpoint origin is not the key's name") }
        return checkpoint
    }
}

/// An inclusion proof bundle in c2sp.org/tlog-proof@v1 form: the entry's index, the proof
/// hashes, and the signed checkpoint they lead to. The optional `extra` line carries the entry's
/// own bytes, so a certificate's proof is verifiable with nothing else.
public struct TlogProof: Sendable, Equatable {
    public static let header = "c2sp.org/tlog-proof@v1"

    public let extra: [UInt8]?
    public let index: UInt64
    public let hashes: [TreeHash]
    /// The signed checkpoint note.
    public let checkpoint: String

    public init(extra: [UInt8]?, index: UInt64, hashes: [TreeHash], checkpoint: String) {
        self.extra = extra
        self.index = index
        self.hashes = hashes
        self.checkpoint = checkpoint
    }

    public var text: String {
        var lines = [Self.header]
        if let extra { lines.append("extra " + Data(extra).base64EncodedString()) }
        lines.append("index \(index)")
        lines += hashes.map(\.base64)
        return lines.joined(separator: "\n") + "\n\n" + checkpoint
    }

    public init(text: String) throws(NoteError) {
        guard let separator = text.range(of: "\n\n") else { throw .malformed("no blank line before the checkpoint") }
        var lines = text[..<separator.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)[...]
        guard lines.popFirst() == Substring(Self.header) else { throw .malformed("not a \(Self.header) proof") }
        var extra: [UInt8]?
        if let line = lines.first, line.hasPrefix("extra ") {
            guard let bytes = Data(base64Encoded: String(line.dropFirst(6))) else {
                throw .malformed("extra is not base64")
            }
            extra = Array(bytes)
            lines = lines.dropFirst()
        }
        guard let line = lines.popFirst(), line.hasPrefix("index "), let index = UInt64(line.dropFirst(6)) else {
            throw .malformed("missing index line")
        }
        var hashes: [TreeHash] = []
        for line in lines {
            guard let hash = TreeHash(base64: String(line)) else {
                throw .malformed("proof line is not a 32-byte hash")
            }
            hashes.append(hash)
        }
        self.extra = extra
        self.index = index
        self.hashes = hashes
        checkpoint = String(text[separator.upperBound...])
    }
}

extension Checkpoint {
    /// The longest origin the registry takes, in bytes.
    public static let maximumOriginLength = 255

    /// Checks a log origin, which is also the checkpoint key's name: C2SP tlog-checkpoint asks for
    /// a schema-less URL with neither Unicode spaces nor plus signs, and c2sp.org/signed-note
    /// forbids both in a key name — a space would split the signature line, a plus the verifier
    /// key, and no later checkpoint could be read.
    public static func validateOrigin(_ origin: String) throws(InvalidValue) {
        guard !origin.isEmpty, origin.utf8.count <= maximumOriginLength else {
            throw InvalidValue("an origin has 1–\(maximumOriginLength) bytes")
        }
        if let bad = origin.unicodeScalars.first(where: {
            $0.properties.isWhitespace || $0 == "+" || $0.value < 0x20 || (0x7F...0x9F).contains($0.value)
        }) {
            throw InvalidValue(
                "an origin holds no spaces, plus signs or control characters (c2sp.org/tlog-checkpoint); found U+\(String(bad.value, radix: 16, uppercase: true).leftPadded(to: 4))"
            )
        }
        guard !origin.contains("://") else {
            throw InvalidValue("an origin is a URL without its scheme, e.g. registry.haiyan.example/330424")
        }
    }
}
