import COpenSSL
import Foundation

/// SM2 signatures with the SM3 digest (GB/T 32918, GB/T 32905) through the system OpenSSL 3.
///
/// The distinguishing ID is always set explicitly to the GM/T 0009 default "1234567812345678":
/// OpenSSL's command line does not apply it on its own, and a signature made without it does
/// not verify elsewhere (shared/vectors/README.md §5).
public enum SM2 {
    public static let distinguishingID = Array("1234567812345678".utf8)

    /// An SM2 key pair or public key held by OpenSSL.
    public final class Key: @unchecked Sendable {
        // EVP_PKEY is reference counted and safe to share read-only between threads in
        // OpenSSL 3; every operation below uses its own contexts.
        let pkey: OpaquePointer

        init(owning pkey: OpaquePointer) { self.pkey = pkey }

        deinit { EVP_PKEY_free(pkey) }

        /// A new random key pair.
        public static func generate() throws(SM2Error) -> Key {
            guard let context = EVP_PKEY_CTX_new_from_name(nil, "SM2", nil) else {
                throw .openssl("EVP_PKEY_CTX_new_from_name")
            }
            defer { EVP_PKEY_CTX_free(context) }
            var pkey: OpaquePointer?
            guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_generate(context, &pkey) == 1, let pkey else {
                throw .openssl("EVP_PKEY_generate")
            }
            return Key(owning: pkey)
        }

        /// A key from its uncompressed public point (0x04 ‖ x ‖ y) and, for a key pair, the
        /// private scalar d (32 bytes, big-endian).
        public init(publicPoint: [UInt8], privateScalar: [UInt8]? = nil) throws(SM2Error) {
            guard publicPoint.count == 65, publicPoint[0] == 0x04 else {
                throw .invalidKey("public point must be 0x04 ‖ x ‖ y")
            }
            guard let builder = OSSL_PARAM_BLD_new() else { throw .openssl("OSSL_PARAM_BLD_new") }
            defer { OSSL_PARAM_BLD_free(builder) }
            var scalar: OpaquePointer?
            defer { BN_clear_free(scalar) }
            if let privateScalar { scalar = BN_bin2bn(privateScalar, Int32(privateScalar.count), nil) }
            // The builder keeps pointers — to the parameter names too — until `to_param` copies
            // them, and Swift passes strings as temporaries; so every C string lives in memory
            // of our own until the parameters are built.
            let names: [String] = ["group", "SM2", "pub", "priv"]
            let strings = names.map { strdup($0)! }
            defer { for string in strings { free(string) } }

            let parameters: UnsafeMutablePointer<OSSL_PARAM>? = publicPoint.withUnsafeBufferPointer { point in
                guard OSSL_PARAM_BLD_push_utf8_string(builder, strings[0], strings[1], 0) == 1,
                    OSSL_PARAM_BLD_push_octet_string(builder, strings[2], point.baseAddress, point.count) == 1
                else { return nil }
                if let scalar, OSSL_PARAM_BLD_push_BN(builder, strings[3], scalar) != 1 { return nil }
                return OSSL_PARAM_BLD_to_param(builder)
            }
            guard let parameters else { throw .openssl("OSSL_PARAM_BLD") }
            defer { OSSL_PARAM_free(parameters) }
            guard let context = EVP_PKEY_CTX_new_from_name(nil, "SM2", nil) else {
                throw .openssl("EVP_PKEY_CTX_new_from_name")
            }
            defer { EVP_PKEY_CTX_free(context) }
            var pkey: OpaquePointer?
            let selection = privateScalar == nil ? rights_evp_pkey_public_key() : rights_evp_pkey_keypair()
            guard EVP_PKEY_fromdata_init(context) == 1, EVP_PKEY_fromdata(context, &pkey, selection, parameters) == 1,
                let pkey
            else {
                ERR_clear_error()
                throw .invalidKey("OpenSSL refused the key")
            }
            self.pkey = pkey
        }

        /// A public key from DER SubjectPublicKeyInfo.
        public init(subjectPublicKeyInfo der: [UInt8]) throws(SM2Error) {
            var pointer: UnsafePointer<UInt8>? = nil
            let pkey: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
                pointer = buffer.baseAddress
                return d2i_PUBKEY(nil, &pointer, buffer.count)
            }
            guard let pkey else { throw .invalidKey("not a DER public key") }
            self.pkey = pkey
        }

        /// 0x04 ‖ x ‖ y.
        public var publicPoint: [UInt8] {
            // Ask for the size first: OpenSSL 3.0 writes nothing into a buffer of exactly the
            // point's size (seen here: length 0 for a 65-byte buffer).
            var length = 0
            guard EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, nil, 0, &length) == 1 else {
                return []
            }
            var point = [UInt8](repeating: 0, count: length + 1)
            guard EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, &point, point.count, &length) == 1
            else {
                return []
            }
            return Array(point.prefix(length))
        }

        /// d, 32 bytes big-endian; nil for a public key.
        public var privateScalar: [UInt8]? {
            var scalar: OpaquePointer?
            guard EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &scalar) == 1, let scalar else { return nil }
            defer { BN_clear_free(scalar) }
            var bytes = [UInt8](repeating: 0, count: 32)
            guard BN_bn2binpad(scalar, &bytes, 32) == 32 else { return nil }
            return bytes
        }

        /// DER SubjectPublicKeyInfo, e.g. for `openssl pkeyutl -pubin -keyform DER`.
        public var subjectPublicKeyInfo: [UInt8] {
            var out: UnsafeMutablePointer<UInt8>?
            let length = i2d_PUBKEY(pkey, &out)
            guard length > 0, let out else { return [] }
            defer { CRYPTO_free(out, #file, #line) }
            return Array(UnsafeBufferPointer(start: out, count: Int(length)))
        }

        /// A DER `SEQUENCE { r INTEGER, s INTEGER }` over SM3(Z_A ‖ message).
        public func sign(_ message: [UInt8]) throws(SM2Error) -> [UInt8] {
            try withDigestContext(verify: false, id: SM2.distinguishingID) { context throws(SM2Error) in
                var length = 0
                guard EVP_DigestSign(context, nil, &length, message, message.count) == 1 else {
                    throw .openssl("EVP_DigestSign")
                }
                var signature = [UInt8](repeating: 0, count: length)
                guard EVP_DigestSign(context, &signature, &length, message, message.count) == 1 else {
                    throw .openssl("EVP_DigestSign")
                }
                return Array(signature.prefix(length))
            }
        }

        public func isValidSignature(
            _ signature: [UInt8], for message: [UInt8], distinguishingID: [UInt8] = SM2.distinguishingID
        ) -> Bool {
            (try? withDigestContext(verify: true, id: distinguishingID) { context throws(SM2Error) in
                EVP_DigestVerify(context, signature, signature.count, message, message.count) == 1
            }) ?? false
        }

        private func withDigestContext<T>(verify: Bool, id: [UInt8], _ body: (OpaquePointer) throws(SM2Error) -> T)
            throws(SM2Error) -> T
        {
            guard let digestContext = EVP_MD_CTX_new(), let keyContext = EVP_PKEY_CTX_new(pkey, nil) else {
                throw .openssl("EVP_MD_CTX_new")
            }
            defer {
                EVP_MD_CTX_free(digestContext)
                EVP_PKEY_CTX_free(keyContext)
            }
            guard EVP_PKEY_CTX_set1_id(keyContext, id, Int32(id.count)) == 1 else {
                throw .openssl("EVP_PKEY_CTX_set1_id")
            }
            EVP_MD_CTX_set_pkey_ctx(digestContext, keyContext)
            let started =
                verify
                ? EVP_DigestVerifyInit(digestContext, nil, EVP_sm3(), nil, pkey)
                : EVP_DigestSignInit(digestContext, nil, EVP_sm3(), nil, pkey)
            guard started == 1 else {
                ERR_clear_error()
                throw .openssl(verify ? "EVP_DigestVerifyInit" : "EVP_DigestSignInit")
            }
            defer { ERR_clear_error() }
            return try body(digestContext)
        }
    }

    /// SM3 (GB/T 32905).
    public static func sm3(_ message: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = EVP_Digest(message, message.count, &digest, &length, EVP_sm3(), nil)
        return digest
    }
}

public enum SM2Error: Error, Sendable, Equatable, CustomStringConvertible {
    case openssl(String)
    case invalidKey(String)

    public var description: String {
        switch self {
        case .openssl(let call): "OpenSSL \(call) failed"
        case .invalidKey(let reason): "invalid SM2 key: \(reason)"
        }
    }
}
