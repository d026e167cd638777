import Crypto

/// The signature algorithms a registry signs with: Ed25519 by default (RFC 8032, JWS `EdDSA` of
/// RFC 8037), or the national SM2 with SM3 (JWS `SM2-SM3`, DER signature).
public enum SignatureAlgorithm: String, Sendable, Codable, CaseIterable {
    case ed25519
    case sm2

    /// The JWS `alg` header value.
    public var jwsName: String {
        switch self {
        case .ed25519: "EdDSA"
        case .sm2: "SM2-SM3"
        }
    }

    /// Also accepts RFC 9864's fully specified `Ed25519` when verifying.
    public init?(jwsName: String) {
        switch jwsName {
        case "EdDSA", "Ed25519": self = .ed25519
        case "SM2-SM3": self = .sm2
        default: return nil
        }
    }
}

/// A private key that signs certificates, search results and checkpoints.
public struct SigningKey: Sendable {
    enum Material: Sendable {
        case ed25519(Curve25519.Signing.PrivateKey)
        case sm2(SM2.Key)
    }

    let material: Material
    /// RFC 7638 thumbprint of the public JWK.
    public let kid: String

    public var algorithm: SignatureAlgorithm {
        switch material {
        case .ed25519: .ed25519
        case .sm2: .sm2
        }
    }

    init(_ material: Material) {
        self.material = material
        kid = Self.thumbprint(Self.publicJWK(of: material))
    }

    public static func generate(_ algorithm: SignatureAlgorithm) throws -> SigningKey {
        switch algorithm {
        case .ed25519: SigningKey(.ed25519(Curve25519.Signing.PrivateKey()))
        case .sm2: SigningKey(.sm2(try SM2.Key.generate()))
        }
    }

    /// An Ed25519 key from its 32-byte seed (RFC 8032 "secret key").
    public static func ed25519(seed: [UInt8]) throws -> SigningKey {
        SigningKey(.ed25519(try Curve25519.Signing.PrivateKey(rawRepresentation: seed)))
    }

    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        switch material {
        case .ed25519(let key): Array(try key.signature(for: message))
        case .sm2(let key): try key.sign(message)
        }
    }

    public var publicKey: VerifyingKey { VerifyingKey(publicMaterial(), kid: kid) }

    func publicMaterial() -> VerifyingKey.Material {
        switch material {
        case .ed25519(let key): .ed25519(key.publicKey)
        case .sm2(let key): .sm2(try! SM2.Key(publicPoint: key.publicPoint))
        }
    }

    /// The public key as a JWK (RFC 8037 OKP for Ed25519; EC with `crv` SM2 for SM2), with `kid`.
    public var publicJWK: JSONValue { publicKey.jwk }

    /// The private key as a JWK, as the key directory stores it.
    public var privateJWK: JSONValue {
        guard case .object(var members) = publicJWK else { return publicJWK }
        switch material {
        case .ed25519(let key): members["d"] = .string(Base64URL.encode(key.rawRepresentation))
        case .sm2(let key): members["d"] = .string(Base64URL.encode(key.privateScalar ?? []))
        }
        return .object(members)
    }

    /// Reads a private JWK written by `privateJWK`.
    public init(privateJWK jwk: JSONValue) throws(SigningKeyError) {
        guard let d = jwk["d"]?.stringValue.flatMap(Base64URL.decode) else { throw .invalid("private JWK without d") }
        let verifying = try VerifyingKey(jwk: jwk)
        switch verifying.material {
        case .ed25519(let publicKey):
            guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: d),
                key.publicKey.rawRepresentation == publicKey.rawRepresentation
            else { throw .invalid("d does not match x") }
            self.init(.ed25519(key))
        case .sm2(let publicKey):
            do {
                self.init(.sm2(try SM2.Key(publicPoint: publicKey.publicPoint, privateScalar: d)))
            } catch {
                throw .invalid("\(error)")
            }
        }
    }

    static func publicJWK(of material: Material) -> JSONValue {
        switch material {
        case .ed25519(let key):
            ["kty": "OKP", "crv": "Ed25519", "x": .string(Base64URL.encode(key.publicKey.rawRepresentation))]
        case .sm2(let key):
            VerifyingKey.ecJWK(point: key.publicPoint)
        }
    }

    /// RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace —
    /// exactly their RFC 8785 form.
    static func thumbprint(_ jwk: JSONValue) -> String {
        guard case .object(let members) = jwk else { return "" }
        let required: Set<String> = members["kty"] == "OKP" ? ["crv", "kty", "x"] : ["crv", "kty", "x", "y"]
        let canonical = CanonicalJSON.bytes(.object(members.filter { required.contains($0.key) }))
        return Base64URL.encode(Array(SHA256.hash(data: canonical)))
    }
}

/// A public key that verifies what a `SigningKey` signed.
public struct VerifyingKey: Sendable {
    enum Material: Sendable {
        case ed25519(Curve25519.Signing.PublicKey)
        case sm2(SM2.Key)
    }

    let material: Material
    public let kid: String

    init(_ material: Material, kid: String) {
        self.material = material
        self.kid = kid
    }

    public var algorithm: SignatureAlgorithm {
        switch material {
        case .ed25519: .ed25519
        case .sm2: .sm2
        }
    }

    public static func ed25519(_ raw: [UInt8]) throws(SigningKeyError) -> VerifyingKey {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
            throw .invalid("an Ed25519 public key is 32 bytes")
        }
        let material = Material.ed25519(key)
        return VerifyingKey(material, kid: SigningKey.thumbprint(jwk(of: material)))
    }

    public init(jwk: JSONValue) throws(SigningKeyError) {
        switch (jwk["kty"]?.stringValue, jwk["crv"]?.stringValue) {
        case ("OKP", "Ed25519"):
            guard let x = jwk["x"]?.stringValue.flatMap(Base64URL.decode),
                let key = try? Curve25519.Signing.PublicKey(rawRepresentation: x)
            else { throw .invalid("Ed25519 JWK needs a 32-byte x") }
            material = .ed25519(key)
        case ("EC", "SM2"):
            guard let x = jwk["x"]?.stringValue.flatMap(Base64URL.decode),
                let y = jwk["y"]?.stringValue.flatMap(Base64URL.decode),
                x.count == 32, y.count == 32
            else { throw .invalid("SM2 JWK needs 32-byte x and y") }
            do {
                material = .sm2(try SM2.Key(publicPoint: [0x04] + x + y))
            } catch {
                throw .invalid("\(error)")
            }
        default:
            throw .invalid("unsupported key type (Ed25519 OKP or SM2 EC)")
        }
        kid = jwk["kid"]?.stringValue ?? SigningKey.thumbprint(jwk)
    }

    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        switch material {
        case .ed25519(let key): key.isValidSignature(signature, for: message)
        case .sm2(let key): key.isValidSignature(signature, for: message)
        }
    }

    /// The public JWK with `kid`, `alg` and `use`.
    public var jwk: JSONValue {
        guard case .object(var members) = Self.jwk(of: material) else { return .null }
        members["kid"] = .string(kid)
        members["alg"] = .string(algorithm.jwsName)
        members["use"] = "sig"
        return .object(members)
    }

    /// The raw Ed25519 public key (signed notes use it directly).
    public var ed25519Raw: [UInt8]? {
        if case .ed25519(let key) = material { return Array(key.rawRepresentation) }
        return nil
    }

    static func jwk(of material: Material) -> JSONValue {
        switch material {
        case .ed25519(let key): ["kty": "OKP", "crv": "Ed25519", "x": .string(Base64URL.encode(key.rawRepresentation))]
        case .sm2(let key): ecJWK(point: key.publicPoint)
        }
    }

    static func ecJWK(point: [UInt8]) -> JSONValue {
        [
            "kty": "EC", "crv": "SM2", "x": .string(Base64URL.encode(point[1..<33])),
            "y": .string(Base64URL.encode(point[33..<65])),
        ]
    }
}

public enum SigningKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(String)
    public var description: String {
        switch self {
        case .invalid(let reason): "invalid key: \(reason)"
        }
    }
}
