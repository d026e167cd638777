import Foundation

/// The registry's signing keys, kept in a key directory — never in the database, never in git:
///
///     keys/                     mode 0700
///       checkpoint.json         {"name": origin, "key": private Ed25519 JWK}
///       certificates/<kid>.json private JWK of each certificate key, old ones kept
///       certificates/current    the kid new certificates are signed with
///
/// Checkpoints are always Ed25519 (C2SP signed notes); certificates Ed25519 or SM2.
public struct KeyRing: Sendable {
    /// The checkpoint signer's name: the log's origin.
    public let origin: String
    public let checkpointKey: SigningKey
    /// Every certificate key, the current one included; their public keys make the JWKS.
    public let certificateKeys: [SigningKey]
    public let currentCertificateKey: SigningKey

    public init(origin: String, checkpointKey: SigningKey, certificateKeys: [SigningKey], current: SigningKey) {
        self.origin = origin
        self.checkpointKey = checkpointKey
        self.certificateKeys = certificateKeys
        currentCertificateKey = current
    }

    /// Fresh keys in memory (tests, and `create`).
    public static func generate(origin: String, algorithm: SignatureAlgorithm = .ed25519) throws -> KeyRing {
        let certificateKey = try SigningKey.generate(algorithm)
        return KeyRing(
            origin: origin, checkpointKey: try SigningKey.generate(.ed25519), certificateKeys: [certificateKey],
            current: certificateKey)
    }

    /// The published certificate keys: `{"keys": [JWK…]}` (RFC 7517).
    public var jwks: JSONValue { ["keys": .array(certificateKeys.map(\.publicJWK))] }

    public var verifierKey: String {
        SignedNote.verifierKey(name: origin, publicKey: checkpointKey.publicKey.ed25519Raw!)
    }

    public var noteVerifier: SignedNote.Verifier {
        SignedNote.Verifier(name: origin, publicKey: checkpointKey.publicKey.ed25519Raw!)
    }

    // MARK: The key directory

    /// Whether `directory` already holds a registry's keys (or a part of them).
    public static func exists(at directory: String) -> Bool {
        let files = FileManager.default
        return files.fileExists(atPath: directory + "/checkpoint.json")
            || !((try? files.contentsOfDirectory(atPath: directory + "/certificates")) ?? []).isEmpty
    }

    /// Creates the key directory with a checkpoint key and a certificate key. Refuses a directory
    /// that holds keys; if writing fails half-way, removes what it wrote, so the directory is
    /// either complete or as it was.
    public static func create(at directory: String, origin: String, algorithm: SignatureAlgorithm) throws -> KeyRing {
        let files = FileManager.default
        if exists(at: directory) { throw RegistryError.conflict("keys", "\(directory) already holds keys") }
        let existed = files.fileExists(atPath: directory)
        do {
            try files.createDirectory(atPath: directory + "/certificates", withIntermediateDirectories: true)
            try files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory)
            try files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory + "/certificates")
            let ring = try generate(origin: origin, algorithm: algorithm)
            try write(
                ["name": .string(origin), "key": ring.checkpointKey.privateJWK], to: directory + "/checkpoint.json")
            try ring.currentCertificateKey.save(in: directory)
            return ring
        } catch {
            discard(at: directory, removeDirectory: !existed)
            throw error
        }
    }

    /// Removes the keys `create` wrote (and the directory, if it made it): `rights init` undoes
    /// its work when a later step fails, so no registry is left half-made.
    public static func discard(at directory: String, removeDirectory: Bool) {
        let files = FileManager.default
        if removeDirectory {
            try? files.removeItem(atPath: directory)
        } else {
            try? files.removeItem(atPath: directory + "/checkpoint.json")
            try? files.removeItem(atPath: directory + "/certificates")
        }
    }

    public static func load(from directory: String) throws -> KeyRing {
        func read(_ path: String) throws -> JSONValue {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw RegistryError.unavailable("no signing keys at \(directory): create them with `rights init`")
            }
            return try JSONParser.parse(Array(data))
        }
        let checkpoint = try read(directory + "/checkpoint.json")
        guard let origin = checkpoint["name"]?.stringValue, let jwk = checkpoint["key"] else {
            throw RegistryError.unavailable("\(directory)/checkpoint.json is not a checkpoint key")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory + "/certificates")
        let keys = try names.filter { $0.hasSuffix(".json") }.sorted().map {
            try SigningKey(privateJWK: try read(directory + "/certificates/" + $0))
        }
        let currentKid = String(
            decoding: FileManager.default.contents(atPath: directory + "/certificates/current") ?? Data(), as: UTF8.self
        ).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let current = keys.first(where: { $0.kid == currentKid }) else {
            throw RegistryError.unavailable("\(directory)/certificates/current names no key")
        }
        return KeyRing(
            origin: origin, checkpointKey: try SigningKey(privateJWK: jwk), certificateKeys: keys, current: current)
    }

    /// A new certificate key becomes current; the old ones stay, so what they signed still
    /// verifies against the JWKS.
    public func rotate(in directory: String, algorithm: SignatureAlgorithm? = nil) throws -> KeyRing {
        let key = try SigningKey.generate(algorithm ?? currentCertificateKey.algorithm)
        try key.save(in: directory)
        return KeyRing(
            origin: origin, checkpointKey: checkpointKey, certificateKeys: certificateKeys + [key], current: key)
    }

    static func write(_ value: JSONValue, to path: String) throws {
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data(CanonicalJSON.bytes(value)), attributes: [.posixPermissions: 0o600])
        else { throw RegistryError.unavailable("cannot write \(path)") }
    }
}

extension SigningKey {
    /// Writes the key as `certificates/<kid>.json` and makes it current.
    func save(in directory: String) throws {
        try KeyRing.write(privateJWK, to: directory + "/certificates/\(kid).json")
        guard
            FileManager.default.createFile(
                atPath: directory + "/certificates/current", contents: Data((kid + "\n").utf8),
                attributes: [.posixPermissions: 0o600])
        else { throw RegistryError.unavailable("cannot write \(directory)/certificates/current") }
    }
}
