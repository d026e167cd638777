import Crypto
import Foundation

/// C2SP signed notes (c2sp.org/signed-note) with Ed25519 signatures: the text, a blank line, and
/// one `— <name> <base64(key id ‖ signature)>` line per signature. The key id is the first four
/// bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key).
public enum SignedNote {
    static let signatureType: UInt8 = 0x01
    static let dash = "\u{2014} "

    public static func keyID(name: String, publicKey: [UInt8]) -> [UInt8] {
        keyID(name: name, type: signatureType, publicKey: publicKey)
    }

    /// The first four bytes of SHA-256(name ‖ 0x0A ‖ type ‖ public key) (C2SP signed-note).
    static func keyID(name: String, type: UInt8, publicKey: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: Array(name.utf8) + [0x0A, type] + publicKey).prefix(4))
    }

    /// The verifier key string: `<name>+<hex key id>+<base64(0x01 ‖ public key)>`.
    public static func verifierKey(name: String, publicKey: [UInt8]) -> String {
        verifierKey(name: name, type: signatureType, publicKey: publicKey)
    }

    static func verifierKey(name: String, type: UInt8, publicKey: [UInt8]) -> String {
        let id = Hex.encode(keyID(name: name, type: type, publicKey: publicKey))
        return "\(name)+\(id)+\(Data([type] + publicKey).base64EncodedString())"
    }

    /// Parses `<name>+<hex key id>+<base64(type ‖ Ed25519 public key)>` for one signature type,
    /// checking that the key id is the key's.
    static func parseVerifierKey(_ text: String, type: UInt8) throws(NoteError) -> (
        name: String, keyID: [UInt8], publicKey: [UInt8]
    ) {
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(
            separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[1].count == 8, let id = UInt32(parts[1], radix: 16),
            let key = Data(base64Encoded: String(parts[2])), key.count == 33, key.first == type
        else { throw .malformed("not a verifier key of the form name+hexid+base64(0x0\(type) ‖ key)") }
        let name = String(parts[0])
        let keyID = withUnsafeBytes(of: id.bigEndian) { Array($0) }
        let publicKey = Array(key.dropFirst())
        guard keyID == Self.keyID(name: name, type: type, publicKey: publicKey) else {
            throw .malformed("the key id does not match the key")
        }
        return (name, keyID, publicKey)
    }

    /// Signs `text` (which must end in a newline) as `name`.
    public static func sign(_ text: String, name: String, key: SigningKey) throws -> String {
        guard let publicKey = key.publicKey.ed25519Raw else {
            throw NoteError.malformed("notes are signed with Ed25519")
        }
        let signature = try key.sign(Array(text.utf8))
        let line = dash + name + " " + Data(keyID(name: name, publicKey: publicKey) + signature).base64EncodedString()
        return text + "\n" + line + "\n"
    }

    /// A parsed verifier key.
    public struct Verifier: Sendable, Equatable {
        public let name: String
        public let keyID: [UInt8]
        public let publicKey: [UInt8]

        public init(_ text: String) throws(NoteError) {
            (name, keyID, publicKey) = try SignedNote.parseVerifierKey(text, type: SignedNote.signatureType)
        }

        public init(name: String, publicKey: [UInt8]) {
            self.name = name
            self.publicKey = publicKey
            keyID = SignedNote.keyID(name: name, publicKey: publicKey)
        }
    }

    /// A note's text and its signature lines, unchecked.
    static func split(_ note: String) throws(NoteError) -> (text: String, signatures: Substring) {
        guard let separator = note.range(of: "\n\n") else { throw .malformed("no blank line before the signatures") }
        return (String(note[..<separator.lowerBound]) + "\n", note[separator.upperBound...])
    }

    /// Splits a note into its text and signature lines and checks that `verifier` signed it.
    /// Signatures by other keys (witnesses) are ignored; one by this key that fails is an error.
    public static func open(_ note: String, verifier: Verifier) throws(NoteError) -> String {
        let (text, signatureLines) = try split(note)
        let signatures = signatureLines.split(separator: "\n", omittingEmptySubsequences: false)
        guard let key = try? VerifyingKey.ed25519(verifier.publicKey) else { throw .malformed("bad Ed25519 key") }
        var verified = false
        for line in signatures where !line.isEmpty {
            guard line.hasPrefix(dash) else { throw .malformed("a signature line starts with an em dash") }
            let fields = line.dropFirst(dash.count).split(separator: " ")
            guard fields.count == 2, let blob = Data(base64Encoded: String(fields[1])), blob.count > 4 else {
                throw .malformed("bad signature line")
            }
            guard String(fields[0]) == verifier.name, Array(blob.prefix(4)) == verifier.keyID else { continue }
            guard key.isValidSignature(Array(blob.dropFirst(4)), for: Array(text.utf8)) else { throw .badSignature }
            verified = true
        }
        guard verified else { throw .noSignature(verifier.name) }
        return text
    }
}

public enum NoteError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed(String)
    case badSignature
    case noSignature(String)

    public var description: String {
        switch self {
        case .malformed(let reason): "malformed note: \(reason)"
        case .badSignature: "the note's signature does not verify"
        case .noSignature(let name): "the note carries no signature by \(name)"
        }
    }
}
