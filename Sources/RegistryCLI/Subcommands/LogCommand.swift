import ArgumentParser
import Foundation
import RightsRegistry

struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "The verifiable log: checkpoints, proofs, entries.",
        subcommands: [CheckpointCommand.self, Key.self, Proof.self, Consistency.self, Entry.self])

    struct CheckpointCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkpoint", abstract: "The latest signed checkpoint (C2SP tlog-checkpoint note).")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReporting {
                let registry = try await global.openRegistry(writing: false)
                guard let checkpoint = try await registry.store.latestCheckpoint() else {
                    throw RegistryError.notFound("checkpoint", "(the log is empty)")
                }
                Console.current.out(String(checkpoint.note.dropLast()))
            }
        }
    }

    struct Key: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The checkpoint verifier key (C2SP vkey).")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReporting { Console.current.out(try KeyRing.load(from: global.keyDirectory).verifierKey) }
        }
    }

    struct Proof: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Inclusion proof of entry N in the tree of size M (default: the latest checkpoint's).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The entry's index.") var index: UInt64
        @Option(help: "The tree size.") var size: UInt64?
        @Flag(help: "As a c2sp.org/tlog-proof@v1 bundle with the entry and the checkpoint.") var tlogProof = false

        func run() async throws {
            try await runReporting {
                let registry = try await global.openRegistry(writing: false)
                let logSize = try await registry.store.size()
                let checkpoint = try await registry.store.checkpoint(covering: size ?? logSize)
                let treeSize = size ?? checkpoint?.size ?? logSize
                guard index < treeSize, treeSize <= logSize else {
                    throw RegistryError.invalid("index", "need index < size ≤ \(logSize)")
                }
                let hashes = try await MerkleTree.inclusionProof(index: index, size: treeSize, reader: registry.store)
                if tlogProof {
                    guard let checkpoint, checkpoint.size == treeSize else {
                        throw RegistryError.invalid("size", "no checkpoint was signed at size \(treeSize)")
                    }
                    guard let entry = try await registry.store.entry(index) else {
                        throw RegistryError.notFound("entry", String(index))
                    }
                    Console.current.out(
                        TlogProof(extra: entry.bytes, index: index, hashes: hashes, checkpoint: checkpoint.note).text)
                    return
                }
                let root = try await MerkleTree.root(size: treeSize, reader: registry.store)
                Console.current.out(
                    CanonicalJSON.string([
                        "index": .number(Double(index)), "tree_size": .number(Double(treeSize)),
                        "root_hash": .string(root.base64),
                        "hashes": .array(hashes.map { .string($0.base64) }),
                    ]))
            }
        }
    }

    struct Consistency: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Consistency proof between tree sizes A and B.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The older size.") var from: UInt64
        @Option(help: "The newer size.") var to: UInt64

        func run() async throws {
            try await runReporting {
                let registry = try await global.openRegistry(writing: false)
                let logSize = try await registry.store.size()
                guard 0 < from, from <= to, to <= logSize else {
                    throw RegistryError.invalid("from", "need 0 < from ≤ to ≤ \(logSize)")
                }
                let hashes = try await MerkleTree.consistencyProof(from: from, to: to, reader: registry.store)
                Console.current.out(
                    CanonicalJSON.string([
                        "from": .number(Double(from)), "to": .number(Double(to)),
                        "hashes": .array(hashes.map { .string($0.base64) }),
                    ]))
            }
        }
    }

    struct Entry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One log entry, in its canonical bytes.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The entry's index.") var index: UInt64

        func run() async throws {
            try await runReporting {
                let registry = try await global.openRegistry(writing: false)
                guard let entry = try await registry.store.entry(index) else {
                    throw RegistryError.notFound("entry", String(index))
                }
                Console.current.out(String(decoding: entry.bytes, as: UTF8.self))
            }
        }
    }
}
