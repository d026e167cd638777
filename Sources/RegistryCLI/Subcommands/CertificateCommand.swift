import ArgumentParser
import Foundation
import RightsRegistry

struct CertificateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificate", abstract: "Signed certificates (权证): export and verify offline.",
        subcommands: [Export.self, Verify.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The current certificate of a right, as a JWS.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The right's ID or a certificate number.") var id: String
        @Flag(help: "Append the tlog-proof bundle that binds its log entry to a signed checkpoint.") var withProof =
            false
        @Option(name: .shortAndLong, help: "Write to this file instead of standard output.") var output: String?

        func run() async throws {
            try await runReporting {
                let registry = try await global.openRegistry()
                let exported = try await Certificates(registry: registry).export(id, withProof: withProof)
                if let output {
                    guard FileManager.default.createFile(atPath: output, contents: Data(exported.text.utf8)) else {
                        throw RegistryError.invalid("output", "cannot write \(output)")
                    }
                    Console.current.out("wrote \(output)")
                } else {
                    Console.current.out(String(exported.text.dropLast()))
                }
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a certificate offline; exit 0 only if every check passes.",
            discussion: """
                Checks the JWS signature against the JWKS, and with a proof bundle: that the payload \
                states what its log entry did, that the entry is included under the checkpoint, and \
                the checkpoint's signature. Keys come from --jwks and --checkpoint (the verifier key \
                that `rights log key` prints) or, when those are not given, from --keys.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The certificate file (JWS, optionally followed by its proof).") var file: String
        @Option(help: "The registry's published JWKS.") var jwks: String?
        @Option(help: "The checkpoint verifier key (C2SP vkey, as `rights log key` prints it).") var checkpoint: String?
        @Option(help: "A witness's cosignature verifier key (C2SP vkey, as `rights witness init` prints it); repeat.")
        var witness: [String] = []
        @Option(help: "How many of the given witnesses must have cosigned the proof's checkpoint.") var quorum = 0

        func validate() throws {
            guard (0...100).contains(quorum), quorum <= witness.count else {
                throw ValidationError("--quorum is at most the number of --witness keys given")
            }
        }

        func run() async throws {
            try await runReporting {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw RegistryError.invalid("file", "cannot read \(file)")
                }
                let certificate: CertificateExport
                do {
                    certificate = try CertificateExport(text: String(decoding: data, as: UTF8.self))
                } catch {
                    throw RegistryError.invalid("file", "\(error)")
                }
                let local = try? KeyRing.load(from: global.keyDirectory)
                var keys = local?.certificateKeys.map(\.publicKey) ?? []
                if let jwks {
                    guard let contents = FileManager.default.contents(atPath: jwks),
                        let set = try? JSONParser.parse(Array(contents)),
                        let list = set["keys"]?.arrayValue
                    else { throw RegistryError.invalid("jwks", "not a JWKS file") }
                    keys = try list.map { jwk in
                        do { return try VerifyingKey(jwk: jwk) } catch {
                            throw RegistryError.invalid("jwks", "\(error)")
                        }
                    }
                }
                var verifier = local?.noteVerifier
                if let checkpoint {
                    let text = String(
                        decoding: FileManager.default.contents(atPath: checkpoint) ?? Data(), as: UTF8.self)
                    do { verifier = try SignedNote.Verifier(text) } catch {
                        throw RegistryError.invalid("checkpoint", "\(error)")
                    }
                }
                let witnesses = try witness.map { key in
                    do { return try Cosignature.Verifier(key) } catch {
                        throw RegistryError.invalid("witness", "\(error)")
                    }
                }
                let result = CertificateVerifier(
                    certificateKeys: keys, checkpointKey: verifier, witnesses: witnesses, quorum: quorum
                )
                .verify(certificate)
                if global.json {
                    Console.current.out(
                        CanonicalJSON.string([
                            "valid": .bool(result.valid), "certificate_no": result.payload["certificate_no"] ?? .null,
                            "checks": .array(
                                result.checks.map {
                                    [
                                        "name": .string($0.name), "passed": .bool($0.passed),
                                        "detail": .string($0.detail),
                                    ]
                                }),
                        ]))
                } else {
                    for check in result.checks {
                        Console.current.out("\(check.passed ? "✓" : "✗") \(check.name): \(check.detail)")
                    }
                }
                if let failure = result.firstFailure {
                    Console.current.err("certificate invalid: \(failure.name) failed")
                    throw ExitCode(1)
                }
            }
        }
    }
}
