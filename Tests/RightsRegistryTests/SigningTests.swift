import Crypto
import Foundation
import RegistryTestSupport
import Testing

@testable import RightsRegistry

@Suite("Signatures: Ed25519, JWS, SM2/SM3")
struct SigningTests {
    @Test("RFC 8032 §7.1: public keys derived, signatures reproduced byte for byte, tampering refused")
    func rfc8032() throws {
        let vectors = try Vectors.json("ed25519/rfc8032_section7.1.json")["vectors"]!.array
        #expect(vectors.count == 5)
        for vector in vectors {
            let key = try SigningKey.ed25519(seed: hexBytes(vector["secret_key"]!.string))
            let message = hexBytes(vector["message"]!.string)
            let expected = hexBytes(vector["signature"]!.string)
            #expect(key.publicKey.ed25519Raw == hexBytes(vector["public_key"]!.string))
            #expect(try key.sign(message) == expected, "\(vector["name"]!.string)")
            #expect(key.publicKey.isValidSignature(expected, for: message))
            var tampered = expected
            tampered[0] ^= 1
            #expect(!key.publicKey.isValidSignature(tampered, for: message))
            #expect(!key.publicKey.isValidSignature(expected, for: message + [0]))
        }
    }

    @Test("hexadecimal: two lower-case digits a byte, in order, for arrays and digests alike")
    func hexadecimal() {
        let bytes = (0...255).map(UInt8.init) + [0x00, 0xff, 0x10]
        #expect(Hex.encode(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
        #expect(Hex.encode([UInt8]()) == "")
        // FIPS 180-2 appendix B.1: SHA-256 of "abc".
        #expect(
            Hex.encode(SHA256.hash(data: Array("abc".utf8)))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("Wycheproof: every Ed25519 case is accepted exactly when it is valid")
    func wycheproof() throws {
        var checked = 0
        for group in try Vectors.json("ed25519/wycheproof_ed25519_test.json")["testGroups"]!.array {
            let key = try VerifyingKey.ed25519(hexBytes(group["publicKey"]!["pk"]!.string))
            for test in group["tests"]!.array {
                let valid = key.isValidSignature(hexBytes(test["sig"]!.string), for: hexBytes(test["msg"]!.string))
                #expect(valid == (test["result"]!.string == "valid"), "tcId \(test["tcId"]!.int)")
                checked += 1
            }
        }
        #expect(checked == 151)
    }

    @Test("RFC 8037: the A.4 JWS verifies, signing reproduces it, the thumbprint is A.3's, derived cases as expected")
    func rfc8037() throws {
        let file = try Vectors.json("jws_eddsa/rfc8037_appendix_a.json")
        let publicKey = try VerifyingKey(jwk: file["A2_public_jwk"]!)
        #expect(publicKey.kid == file["A3_thumbprint_b64url"]!.string)
        let parsed = try JWS.parse(file["A4_jws_compact"]!.string)
        try parsed.verify(with: [publicKey])
        #expect(String(decoding: parsed.payloadBytes, as: UTF8.self) == file["A4_payload_text"]!.string)

        let privateKey = try SigningKey.ed25519(seed: hexBytes(file["A1_d_hex"]!.string))
        let resigned = try JWS.sign(
            header: Array(file["A4_protected_header_json"]!.string.utf8),
            payload: Array(file["A4_payload_text"]!.string.utf8),
            with: privateKey)
        #expect(resigned == file["A4_jws_compact"]!.string)

        for test in file["derived_cases"]!.array {
            var valid = false
            if let jws = try? JWS.parse(test["jws"]!.string) {
                valid = (try? jws.verify(with: [publicKey])) != nil
            }
            // Policy: a padded base64url segment is refused (strict RFC 7515 §2).
            #expect(valid == test["expect_valid"]!.bool, "\(test["desc"]!.string)")
        }
    }

    @Test("SM3: the GB/T 32905 examples and OpenSSL's known answers")
    func sm3() throws {
        let file = try Vectors.json("sm/sm3_vectors.json")
        var checked = 0
        for section in ["standard_examples", "openssl_extra", "derived"] {
            for vector in file[section]!.array {
                var input: [UInt8]
                if let hex = vector["input_hex"]?.stringValue {
                    input = hexBytes(hex)
                } else if let ascii = vector["input_ascii"]?.stringValue {
                    input = Array(ascii.utf8)
                } else {
                    let repeated = vector["input_repeat"]!
                    input = [UInt8](repeating: hexBytes(repeated["byte_hex"]!.string)[0], count: repeated["count"]!.int)
                }
                #expect(SM2.sm3(input) == hexBytes(vector["sm3"]!.string), "\(vector["name"]!.string)")
                checked += 1
            }
        }
        #expect(checked >= 10)
    }

    @Test("SM2: the GB/T 32918.5 Annex A signature verifies and every must-fail case is refused")
    func sm2Vectors() throws {
        let example = try Vectors.json("sm/sm2_vectors.json")["signature_examples"]!.array.first {
            $0["id_ascii"]?.stringValue == "1234567812345678"
        }!
        let key = try SM2.Key(subjectPublicKeyInfo: hexBytes(example["public_key_spki_der_hex"]!.string))
        let message = Array(example["message_ascii"]!.string.utf8)
        #expect(key.isValidSignature(hexBytes(example["signature_der_hex"]!.string), for: message))
        #expect(!key.isValidSignature(hexBytes(example["signature_der_hex"]!.string), for: message + [0x21]))

        let mustFail = try Vectors.json("sm/sm2_must_fail.json")
        let failKey = try SM2.Key(subjectPublicKeyInfo: hexBytes(mustFail["public_key_spki_der_hex"]!.string))
        let cases = mustFail["cases"]!.array
        #expect(cases.count == 11)
        for failure in cases {
            let signature = hexBytes(failure["signature_der_hex"]!.string)
            let id = Array(failure["id_ascii"]!.string.utf8)
            #expect(
                !failKey.isValidSignature(
                    signature, for: Array(failure["message_ascii"]!.string.utf8), distinguishingID: id),
                "\(failure["desc"]!.string)")
        }
    }

    @Test("SM2 keys round-trip through their private JWK; `openssl pkeyutl` verifies our signature with the default ID")
    func sm2OpenSSL() throws {
        let key = try SigningKey.generate(.sm2)
        let restored = try SigningKey(privateJWK: key.privateJWK)
        #expect(restored.kid == key.kid)
        let message = Array("一户一宅 — signing input".utf8)
        let signature = try restored.sign(message)
        #expect(key.publicKey.isValidSignature(signature, for: message))
        #expect(try VerifyingKey(jwk: key.publicJWK).isValidSignature(signature, for: message))

        let directory = try TemporaryDirectory("rights-sm2")
        guard case .sm2(let material) = key.material else {
            Issue.record("SM2 key expected")
            return
        }
        try Data(material.subjectPublicKeyInfo).write(to: URL(fileURLWithPath: directory.file("pub.der")))
        try Data(message).write(to: URL(fileURLWithPath: directory.file("message")))
        try Data(signature).write(to: URL(fileURLWithPath: directory.file("sig.der")))
        func opensslVerify(_ id: String) throws -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = [
                "pkeyutl", "-verify", "-pubin", "-inkey", directory.file("pub.der"), "-keyform", "DER", "-rawin",
                "-digest", "sm3", "-pkeyopt", "distid:\(id)", "-in", directory.file("message"), "-sigfile",
                directory.file("sig.der"),
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
        #expect(try opensslVerify("1234567812345678") == 0)
        #expect(try opensslVerify("ALICE123@YAHOO.COM") != 0)
    }

    @Test("base64url decoding is strict")
    func base64url() {
        #expect(Base64URL.decode("AQID") == [1, 2, 3])
        #expect(Base64URL.decode("AQI") == [1, 2])
        #expect(Base64URL.decode("AQI=") == nil)
        #expect(Base64URL.decode("AQ+D") == nil)
        #expect(Base64URL.decode("AQJ") == nil)  // non-zero unused bits
    }

    @Test(
        "the checkpointer skips re-checking only the notes it signed or checked last: a changed note, a foreign key's or an old one is checked again"
    )
    func trustedNotes() throws {
        let keys = try KeyRing.generate(origin: "test.example/330424")
        let checkpointer = Checkpointer(keys: keys)
        let signed = try (1...Checkpointer.trustedNotes).map {
            try checkpointer.sign(size: UInt64($0), root: TreeHash.leaf(Array("entry \($0)".utf8))).note
        }
        // Every note of the burst opens, newest and oldest alike.
        for (offset, note) in signed.enumerated() { #expect(try checkpointer.open(note).size == UInt64(offset + 1)) }
        // The same text with its root changed is not trusted for resembling a trusted note.
        let root = try checkpointer.open(signed[0]).root.base64
        let forged = signed[0].replacingOccurrences(of: root, with: TreeHash.leaf([0]).base64)
        #expect(forged != signed[0])
        #expect(throws: NoteError.self) { try checkpointer.open(forged) }
        // A note of another registry's key is refused though it states a trusted size and root.
        let other = try Checkpoint(origin: keys.origin, size: 1, root: try checkpointer.open(signed[0]).root)
            .signed(by: try KeyRing.generate(origin: keys.origin).checkpointKey)
        #expect(throws: NoteError.self) { try checkpointer.open(other) }
        // Signing more pushes the oldest out; it is then checked again, and still opens.
        _ = try checkpointer.sign(size: 99, root: TreeHash.leaf([9]))
        #expect(try checkpointer.open(signed[0]).size == 1)
    }

}
