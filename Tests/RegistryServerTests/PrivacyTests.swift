import Crypto
import Exchange
import Foundation
import HTTPTypes
import HummingbirdTesting
import RegistryServer
import RegistryTestSupport
import RightsRegistry
import Testing

/// Issue 14: the tree is public, the entries are not. Who reads what of the log.
extension ExchangeRouteTests {
    /// Every entry as `role` sees it (nil: anonymous), by index.
    func entries(
        _ client: any TestClientProtocol, _ fixture: ServerFixture, as role: String?, size: UInt64
    ) async throws -> [UInt64: JSONValue] {
        var seen: [UInt64: JSONValue] = [:]
        for index in 0..<size {
            let response = try await client.execute(
                uri: "/v1/log/entries/\(index)", method: .get, headers: fixture.headers(role))
            #expect(response.status == .ok)
            seen[index] = response.json
        }
        return seen
    }

    /// The rights an entry names (its payload's right fields), from the administrator's view.
    static func rights(of entry: JSONValue) -> Set<String> {
        var found: Set<String> = []
        func walk(_ value: JSONValue) {
            switch value {
            case .object(let fields):
                for (key, field) in fields {
                    if ["right", "right_id", "parent", "id", "target"].contains(key), let text = field.stringValue,
                        text.hasSuffix("J") || text.contains("-")
                    {
                        found.insert(text)
                    }
                    walk(field)
                }
            case .array(let items): items.forEach(walk)
            default: break
            }
        }
        walk(entry)
        return found
    }

    @Test(
        "issue 14: the public reads index, kind and leaf hash of every entry and nothing else; the entitled read content that hashes to the leaf; clerk, agent, bank and exchange each read exactly their own"
    )
    func entryPrivacy() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            // The exchange's own entries: a listing of household 0006's land (the agent's principal).
            let listing = try await announce(client, fixture, Self.lease(Self.contract(0, 6)))
            let listingEntry = try #require(listing["id"]?.stringValue.flatMap { UInt64($0.dropFirst()) })
            // The bank searches one right with a stated purpose.
            _ = try await post(
                client, fixture, "/v1/collateral/searches", "bank",
                [
                    "right_id": .string(Self.contract(0, 4)), "holder_id_number": .string(Self.head(0, 4).rawValue),
                    "purpose": "贷款审查",
                ], expect: .created)
            let size = try await fixture.services.registry.store.size()

            let admin = try await entries(client, fixture, as: "admin", size: size)
            let anonymous = try await entries(client, fixture, as: nil, size: size)
            for index in 0..<size {
                let full = try #require(admin[index])
                let body = try #require(full["entry"], "an administrator reads entry \(index)")
                // What the entitled read is the entry itself: it hashes to the public leaf.
                let leaf = Data(SHA256.hash(data: [0] + CanonicalJSON.bytes(body))).base64EncodedString()
                #expect(full["leaf_hash"] == .string(leaf), "entry \(index) hashes to its leaf")
                // The public: index, kind, leaf hash — no name, parcel, amount or ID number.
                let open = try #require(anonymous[index]?.objectValue)
                #expect(Set(open.keys) == ["index", "kind", "leaf_hash"], "entry \(index): \(open.keys)")
                #expect(open["leaf_hash"] == full["leaf_hash"])
            }

            // A clerk reads the entries of its region; a clerk of another township reads none of them.
            let clerk = try await entries(client, fixture, as: "clerk", size: size)
            let other = try await entries(client, fixture, as: "otherClerk", size: size)
            let regional = (0..<size).filter { !Self.rights(of: admin[$0]!["entry"]!).isEmpty }
            #expect(regional.count > 20)
            for index in regional {
                #expect(clerk[index]?["entry"] != nil, "the county's clerk reads entry \(index)")
                #expect(other[index]?["entry"] == nil, "another township's clerk does not read entry \(index)")
            }

            // An agent reads the entries of its principal's rights, masked; nothing else.
            let agent = try await entries(client, fixture, as: "agent", size: size)
            let bank = try await entries(client, fixture, as: "bank", size: size)
            let exchange = try await entries(client, fixture, as: "exchange", size: size)
            let principals = [Self.contract(0, 6)]
            for index in regional {
                let rights = Self.rights(of: admin[index]!["entry"]!)
                let ofPrincipal = !rights.isDisjoint(with: principals)
                #expect((agent[index]?["entry"] != nil) == ofPrincipal, "agent, entry \(index): \(rights)")
                if let shown = agent[index]?["entry"] {
                    #expect(!CanonicalJSON.string(shown).contains(Self.head(0, 6).rawValue), "ID numbers masked")
                }
                // The bank reads what concerns the right it searched.
                let searched = rights.contains(Self.contract(0, 4))
                #expect((bank[index]?["entry"] != nil) == searched, "bank, entry \(index): \(rights)")
                // The exchange reads its own entries only.
                #expect((exchange[index]?["entry"] != nil) == (index == listingEntry), "exchange, entry \(index)")
            }
            #expect(agent[listingEntry]?["entry"] != nil && exchange[listingEntry]?["entry"] != nil)

            // Checking a certificate tells the public its standing, not the right's content.
            let certificate = try await client.execute(
                uri: "/v1/rights/\(Self.contract(0, 4))/certificate", method: .get, headers: fixture.headers("clerk"))
            let checked = try await client.execute(
                uri: "/v1/certificates/verify", method: .post, body: textBody(certificate.text))
            #expect(checked.json["valid"] == true && checked.json["status"] != nil)
            #expect(checked.json["right"] == nil, "\(checked.text)")
        }
    }
}

extension ExchangeRouteTests {
    static var tlogScalesAvailable: Bool { Python.run("import tlog_scales.reader").status == 0 }

    @Test(
        "issue 14: tlog-scales, an independent tlog-tiles client, verifies the checkpoint, the tiles' root, inclusion and consistency proofs built from our tiles",
        .enabled(if: tlogScalesAvailable, "tlog-scales is not installed (pip install tlog-scales; .ci/run installs it)")
    )
    func tiles() async throws {
        let fixture = try await ServerFixture()
        try await fixture.application.test(.live) { client in
            let first = try await client.execute(uri: "/v1/log/checkpoint", method: .get).text.split(separator: "\n")
            let (oldSize, oldRoot) = (String(first[1]), String(first[2]))
            // Past 256 leaves: a full level-0 tile, a partial one, and a level-1 tile.
            let search: JSONValue = [
                "right_id": .string(Self.contract(0, 4)), "holder_id_number": .string(Self.head(0, 4).rawValue),
                "purpose": "贷后检查",
            ]
            while try await fixture.services.registry.store.size() < 300 {
                _ = try await post(client, fixture, "/v1/collateral/searches", "bank", search, expect: .created)
            }
            // Tiles are immutable; one that needs leaves the tree does not have yet is not there.
            let tile = try await client.execute(uri: "/v1/log/tile/0/000", method: .get)
            #expect(tile.status == .ok && tile.body.readableBytes == 8_192)
            #expect(tile.headers[.cacheControl]?.contains("immutable") == true)
            #expect(try await client.execute(uri: "/v1/log/tile/0/001", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/v1/log/tile/0/1", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/v1/log/tile/entries/000", method: .get).status == .unauthorized)
            #expect(
                try await client.execute(
                    uri: "/v1/log/tile/entries/000", method: .get, headers: fixture.headers("clerk")
                )
                .status == .forbidden)

            let vkey = try await client.execute(uri: "/v1/log/key", method: .get).text
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("scripts/verify-tiles.py").path
            let checked = await Python.runAsync(
                "import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')",
                script, "http://127.0.0.1:\(try #require(client.port))/v1/log", vkey, fixture.tokens["admin"]!,
                oldSize, oldRoot)
            #expect(checked.status == 0, "\(checked.output)")
            let summary = try JSONParser.parse(Array(checked.output.utf8))
            #expect(
                summary["consistent_with"]?.stringValue ?? String(summary["consistent_with"]?.integerValue ?? -1)
                    == oldSize)
            #expect((summary["inclusion"]?.arrayValue?.count ?? 0) == 3)
        }
    }
}
