/// JWS compact serialisation (RFC 7515) as the register uses it: header and payload are RFC 8785
/// canonical JSON, so the same statement always serialises the same way.
public enum JWS {
    /// `BASE64URL(header) . BASE64URL(payload) . BASE64URL(signature)`, header `{alg, kid, typ}`.
    public static func sign(payload: JSONValue, type: String, with key: SigningKey) throws -> String {
        try sign(canonicalPayload: CanonicalJSON.bytes(payload), type: type, with: key)
    }

    /// The same, for a payload already written as canonical JSON (`CanonicalJSON.bytes`).
    public static func sign(canonicalPayload payload: [UInt8], type: String, with key: SigningKey) throws -> String {
        let header: JSONValue = ["alg": .string(key.algorithm.jwsName), "kid": .string(key.kid), "typ": .string(type)]
        return try sign(header: CanonicalJSON.bytes(header), payload: payload, with: key)
    }

    /// Signs given header and payload bytes as they are.
    public static func sign(header: [UInt8], payload: [UInt8], with key: SigningKey) throws -> String {
        let signingInput = Base64URL.encode(header) + "." + Base64URL.encode(payload)
        return signingInput + "." + Base64URL.encode(try key.sign(Array(signingInput.utf8)))
    }

    /// A compact JWS taken apart; `verify` checks it.
    public struct Parsed: Sendable {
        public let header: JSONValue
        public let payload: JSONValue
        public let payloadBytes: [UInt8]
        public let signature: [UInt8]
        public let signingInput: [UInt8]

        public var algorithm: String? { header["alg"]?.stringValue }
        public var kid: String? { header["kid"]?.stringValue }

        /// Verifies with the key named by `kid` among `keys`; the key's algorithm must be the
        /// header's `alg` (no `none`, no algorithm confusion).
        public func verify(with keys: [VerifyingKey]) throws(JWSError) {
            guard let algorithm, let expected = SignatureAlgorithm(jwsName: algorithm) else {
                throw .unsupportedAlgorithm(self.algorithm ?? "(none)")
            }
            let candidates = keys.filter { kid == nil || $0.kid == kid }
            guard !candidates.isEmpty else { throw .unknownKey(kid ?? "(none)") }
            guard
                candidates.contains(where: {
                    $0.algorithm == expected && $0.isValidSignature(signature, for: signingInput)
                })
            else { throw .badSignature }
        }
    }

    public static func parse(_ compact: String) throws(JWSError) -> Parsed {
        let parts = compact.trimmingTrailingNewlines.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed("a compact JWS has three parts") }
        guard let headerBytes = Base64URL.decode(parts[0]), let payloadBytes = Base64URL.decode(parts[1]),
            let signature = Base64URL.decode(parts[2])
        else { throw .malformed("not base64url without padding") }
        guard let header = try? JSONParser.parse(headerBytes), case .object = header else {
            throw .malformed("header is not a JSON object")
        }
        let payload = (try? JSONParser.parse(payloadBytes)) ?? .null
        return Parsed(
            header: header, payload: payload, payloadBytes: payloadBytes, signature: signature,
            signingInput: Array((parts[0] + "." + parts[1]).utf8))
    }
}

public enum JWSError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed(String)
    case unsupportedAlgorithm(String)
    case unknownKey(String)
    case badSignature

    public var description: String {
        switch self {
        case .malformed(let reason): "malformed JWS: \(reason)"
        case .unsupportedAlgorithm(let alg): "unsupported JWS algorithm \(alg)"
        case .unknownKey(let kid): "no key with kid \(kid)"
        case .badSignature: "the signature does not verify"
        }
    }
}

extension String {
    var trimmingTrailingNewlines: Substring {
        var text = Substring(self)
        while let last = text.last, last == "\n" || last == "\r" || last == " " { text = text.dropLast() }
        return text
    }
}
