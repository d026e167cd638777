import Foundation
import RegistryTestSupport
import Testing

@testable import RightsRegistry

/// A tree held in memory, to drive the algorithms with the vectors' leaves.
struct MemoryTree: SubtreeReader {
    var leaves: [TreeHash] = []

    func hashes(of subtrees: [Subtree]) async throws -> [Subtree: TreeHash] {
        var result: [Subtree: TreeHash] = [:]
        for subtree in subtrees { result[subtree] = hash(Int(subtree.start), Int(subtree.end)) }
        return result
    }

    func hash(_ start: Int, _ end: Int) -> TreeHash {
        if end - start == 1 { return leaves[start] }
        var k = 1
        while k * 2 < end - start { k *= 2 }
        return .node(hash(start, start + k), hash(start + k, end))
    }
}

@Suite("RFC 9162 Merkle tree")
struct MerkleTreeTests {
    static let published = try! Vectors.json("merkle/ct_published_vectors.json")

    func tree(_ count: Int) -> MemoryTree {
        MemoryTree(leaves: Self.published["leaf_inputs_hex"]!.array.prefix(count).map { .leaf(hexBytes($0.string)) })
    }

    @Test("roots of the CT reference tree, sizes 0–8, from stored subtrees and from the compact range")
    func roots() async throws {
        for (size, root) in Self.published["roots_by_tree_size"]!.objectValue! {
            let n = Int(size)!
            let computed = try await MerkleTree.root(size: UInt64(n), reader: tree(n))
            #expect(computed.hex == root.string, "size \(n)")
            var range = CompactRange()
            for leaf in tree(n).leaves { _ = range.append(leaf) }
            #expect(range.root.hex == root.string)
        }
    }

    @Test("inclusion and consistency proofs equal the published paths")
    func publishedProofs() async throws {
        for proof in Self.published["inclusion_proofs"]!.array {
            let size = proof["tree_size"]!.int
            let path = try await MerkleTree.inclusionProof(
                index: UInt64(proof["leaf_index"]!.int), size: UInt64(size), reader: tree(size))
            #expect(path.map(\.hex) == proof["path"]!.array.map(\.string))
        }
        for proof in Self.published["consistency_proofs"]!.array {
            let second = proof["second"]!.int
            let path = try await MerkleTree.consistencyProof(
                from: UInt64(proof["first"]!.int), to: UInt64(second), reader: tree(second))
            #expect(path.map(\.hex) == proof["path"]!.array.map(\.string))
        }
    }

    @Test("every derived proof is generated exactly and verifies", arguments: ["ct8", "bytes16"])
    func derivedProofs(tree name: String) async throws {
        let vectors = try Vectors.json("merkle/rfc9162_derived_vectors.json")["trees"]![name]!
        let leaves = vectors["leaf_inputs_hex"]!.array.map { TreeHash.leaf(hexBytes($0.string)) }
        let memory = MemoryTree(leaves: leaves)
        for proof in vectors["inclusion_proofs"]!.array {
            let index = UInt64(proof["leaf_index"]!.int)
            let size = UInt64(proof["tree_size"]!.int)
            let path = try await MerkleTree.inclusionProof(index: index, size: size, reader: memory)
            #expect(path.map(\.hex) == proof["path"]!.array.map(\.string))
            try MerkleTree.verifyInclusion(
                index: index, size: size, leafHash: hexBytes(proof["leaf_hash"]!.string), proof: path.map(\.bytes),
                root: hexBytes(proof["root"]!.string))
        }
        for proof in vectors["consistency_proofs"]!.array {
            let first = UInt64(proof["first"]!.int)
            let second = UInt64(proof["second"]!.int)
            let path = try await MerkleTree.consistencyProof(from: first, to: second, reader: memory)
            #expect(path.map(\.hex) == proof["path"]!.array.map(\.string))
            try MerkleTree.verifyConsistency(
                oldSize: first, newSize: second, oldRoot: hexBytes(proof["first_root"]!.string),
                newRoot: hexBytes(proof["second_root"]!.string), proof: path.map(\.bytes))
        }
    }

    @Test("the must-fail cases are rejected")
    func mustFail() throws {
        let cases = try Vectors.json("merkle/rfc9162_derived_vectors.json")["must_fail_cases"]!.array
        #expect(cases.count == 15)
        for failure in cases {
            #expect(throws: ProofError.self, "\(failure["desc"]!.string)") {
                if failure["kind"]!.string == "inclusion" {
                    try MerkleTree.verifyInclusion(
                        index: UInt64(failure["leaf_index"]!.int), size: UInt64(failure["tree_size"]!.int),
                        leafHash: hexBytes(failure["leaf_hash"]!.string),
                        proof: failure["path"]!.array.map { hexBytes($0.string) },
                        root: hexBytes(failure["root"]!.string))
                } else {
                    try MerkleTree.verifyConsistency(
                        oldSize: UInt64(failure["first"]!.int), newSize: UInt64(failure["second"]!.int),
                        oldRoot: hexBytes(failure["first_root"]!.string),
                        newRoot: hexBytes(failure["second_root"]!.string),
                        proof: failure["path"]!.array.map { hexBytes($0.string) })
                }
            }
        }
    }

    @Test("every transparency-dev probe gives the expected verdict")
    func transparencyDevProbes() throws {
        func bytes(_ value: JSONValue?) -> [UInt8] {
            guard let text = value?.stringValue else { return [] }
            return Array(Data(base64Encoded: text)!)
        }
        func proof(_ value: JSONValue?) -> [[UInt8]] { value?.arrayValue?.map { bytes($0) } ?? [] }
        /// Sizes and indices up to 2^64 − 1 occur, beyond a JSON double: read them from the text.
        func unsigned(_ name: String, in text: String) -> UInt64 {
            let start = text.range(of: "\"\(name)\": ")!.upperBound
            return UInt64(text[start...].prefix { $0.isNumber })!
        }
        var checked = 0
        for path in try Vectors.files(in: "merkle/transparency-dev-testdata") {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let probe = try JSONParser.parse(text)
            let wantError = probe["wantErr"]!.bool
            var failed = false
            do {
                if path.contains("/inclusion/") {
                    try MerkleTree.verifyInclusion(
                        index: unsigned("leafIdx", in: text), size: unsigned("treeSize", in: text),
                        leafHash: bytes(probe["leafHash"]),
                        proof: proof(probe["proof"]), root: bytes(probe["root"]))
                } else {
                    try MerkleTree.verifyConsistency(
                        oldSize: unsigned("size1", in: text), newSize: unsigned("size2", in: text),
                        oldRoot: bytes(probe["root1"]),
                        newRoot: bytes(probe["root2"]), proof: proof(probe["proof"]))
                }
            } catch {
                failed = true
            }
            #expect(failed == wantError, "\(path): \(probe["desc"]!.string)")
            checked += 1
        }
        #expect(checked == 196)
    }
}
