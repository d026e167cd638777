import Crypto
import Foundation

/// C2SP tlog-cosignature/v1 with Ed25519: a witness's signed statement that, at `time`, it had
/// checked a checkpoint to be consistent with every earlier one it cosigned. A cosignature is a
/// note signature line `— <witness> base64(key id ‖ time (u64, big-endian) ‖ signature)` over
/// `cosignature/v1\ntime <time>\n` followed by the checkpoint's text; the key id is the first
/// four bytes of SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key).
public enum Cosignature {
    static let signatureType: UInt8 = 0x04
    static let dash = "\u{2014} "

    public static func keyID(name: String, publicKey: [UInt8]) -> [UInt8] {
        SignedNote.keyID(name: name, type: signatureType, publicKey: publicKey)
    }

    /// The witness's verifier key: `<name>+<hex key id>+<base64(0x04 ‖ public key)>`.
    public static func verifierKey(name: String, publicKey: [UInt8]) -> String {
        SignedNote.verifierKey(name: name, type: signatureType, publicKey: publicKey)
    }

    static func message(_ checkpointText: String, time: UInt64) -> [UInt8] {
        Array("cosignature/v1\ntime \(time)\n\(checkpointText)".utf8)
    }

    /// The cosignature line (without a newline) for a checkpoint's text, at `time` (Unix seconds).
    public static func sign(_ checkpointText: String, time: UInt64, name: String, key: SigningKey) throws -> String {
        guard let publicKey = key.publicKey.ed25519Raw else {
            throw NoteError.malformed("cosignatures are Ed25519")
        }
        let signature = try key.sign(message(checkpointText, time: time))
        let timestamp = withUnsafeBytes(of: time.bigEndian) { Array($0) }
        return dash + name + " "
            + Data(keyID(name: name, publicKey: publicKey) + timestamp + signature).base64EncodedString()
    }

    /// A witness's verifier key, parsed.
    public struct Verifier: Sendable, Hashable {
        public let name: String
        public let keyID: [UInt8]
        public let publicKey: [UInt8]

        public init(_ text: String) throws(NoteError) {
            (name, keyID, publicKey) = try SignedNote.parseVerifierKey(text, type: Cosignature.signatureType)
        }

        /// The time of this witness's valid cosignature on the note's checkpoint, if it carries one.
        public func cosigned(_ note: String) -> UInt64? {
            guard let (text, lines) = try? SignedNote.split(note),
                let key = try? VerifyingKey.ed25519(publicKey)
            else { return nil }
            for line in lines.split(separator: "\n") where line.hasPrefix(dash) {
                let fields = line.dropFirst(dash.count).split(separator: " ")
                guard fields.count == 2, String(fields[0]) == name,
                    let blob = Data(base64Encoded: String(fields[1])), blob.count == 4 + 8 + 64,
                    Array(blob.prefix(4)) == keyID
                else { continue }
                let time = blob.dropFirst(4).prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                if key.isValidSignature(Array(blob.suffix(64)), for: Cosignature.message(text, time: time)) {
                    return time
                }
            }
            return nil
        }
    }

    /// The note with `lines` added to its signatures, each once.
    public static func merging(_ lines: [String], into note: String) -> String {
        var merged = note.hasSuffix("\n") ? note : note + "\n"
        let present = Set(note.split(separator: "\n").map(String.init))
        for line in lines where !line.isEmpty && !present.contains(line) { merged += line + "\n" }
        return merged
    }
}

/// C2SP tlog-witness: `POST /add-checkpoint` with `old <size>`, the consistency proof from that
/// size (one base64 hash a line), a blank line and the signed checkpoint.
public struct AddCheckpoint: Sendable, Equatable {
    public let oldSize: UInt64
    public let proof: [TreeHash]
    public let checkpoint: String

    public init(oldSize: UInt64, proof: [TreeHash], checkpoint: String) {
        self.oldSize = oldSize
        self.proof = proof
        self.checkpoint = checkpoint
    }

    public var body: String {
        "old \(oldSize)\n" + proof.map { $0.base64 + "\n" }.joined() + "\n" + checkpoint
    }

    public init(body: String) throws(NoteError) {
        guard let blank = body.range(of: "\n\n") else { throw .malformed("no blank line before the checkpoint") }
        let head = body[..<blank.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = head.first, first.hasPrefix("old "), let size = UInt64(first.dropFirst(4)),
            String(size) == first.dropFirst(4)
        else { throw .malformed("the first line is `old <size>`") }
        var proof: [TreeHash] = []
        for line in head.dropFirst() {
            guard let hash = TreeHash(base64: String(line)) else { throw .malformed("a proof line is a base64 hash") }
            proof.append(hash)
        }
        guard proof.count <= 63 else { throw .malformed("a consistency proof has at most 63 hashes") }
        oldSize = size
        self.proof = proof
        checkpoint = String(body[blank.upperBound...])
    }
}

/// What a witness last cosigned for one log.
public struct WitnessedHead: Sendable, Equatable {
    public let origin: String
    public let size: UInt64
    public let root: TreeHash

    public init(origin: String, size: UInt64, root: TreeHash) {
        self.origin = origin
        self.size = size
        self.root = root
    }
}

/// A witness (C2SP tlog-witness) deciding one `add-checkpoint`: the log's signature, the size it
/// last cosigned, the consistency proof — and only then its cosignature. It decides over the head
/// it last cosigned; the caller stores the new head before it answers.
public struct Witness: Sendable {
    public let name: String
    let key: SigningKey
    /// The logs it follows: origin → the log's checkpoint key.
    public let logs: [String: SignedNote.Verifier]

    public init(name: String, key: SigningKey, logs: [SignedNote.Verifier]) {
        self.name = name
        self.key = key
        self.logs = Dictionary(logs.map { ($0.name, $0) }) { first, _ in first }
    }

    public var verifierKey: String? {
        key.publicKey.ed25519Raw.map { Cosignature.verifierKey(name: name, publicKey: $0) }
    }

    public enum Outcome: Sendable, Equatable {
        /// 200: the cosignature line, and the head to store.
        case cosigned(String, WitnessedHead)
        /// 409: the old size is not the size last cosigned (the body says which), or the same size
        /// came with another root.
        case conflict(UInt64)
        /// 404: not a log this witness follows.
        case unknownLog(String)
        /// 403: no valid signature by the log's key.
        case forbidden(String)
        /// 400: a malformed request.
        case badRequest(String)
        /// 422: the consistency proof does not prove the new checkpoint extends the old.
        case inconsistent(String)
    }

    public func decide(_ request: AddCheckpoint, latest: WitnessedHead?, time: UInt64) -> Outcome {
        guard let origin = request.checkpoint.split(separator: "\n", maxSplits: 1).first.map(String.init) else {
            return .badRequest("no checkpoint")
        }
        guard let logKey = logs[origin] else { return .unknownLog(origin) }
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint.open(request.checkpoint, verifier: logKey)
        } catch {
            return .forbidden("\(error)")
        }
        guard request.oldSize <= checkpoint.size, checkpoint.size <= UInt64(Int64.max) else {
            return .badRequest("old size is past the checkpoint's size")
        }
        let recorded = latest?.size ?? 0
        guard request.oldSize == recorded else { return .conflict(recorded) }
        if let latest, request.oldSize > 0 {
            do {
                try MerkleTree.verifyConsistency(
                    oldSize: latest.size, newSize: checkpoint.size, oldRoot: latest.root.bytes,
                    newRoot: checkpoint.root.bytes, proof: request.proof.map(\.bytes))
            } catch {
                return latest.size == checkpoint.size ? .conflict(recorded) : .inconsistent("\(error)")
            }
        } else if !request.proof.isEmpty {
            return .badRequest("no proof is sent from size 0")
        }
        do {
            let line = try Cosignature.sign(checkpoint.text, time: time, name: name, key: key)
            return .cosigned(line, WitnessedHead(origin: origin, size: checkpoint.size, root: checkpoint.root))
        } catch {
            return .badRequest("\(error)")
        }
    }
}
