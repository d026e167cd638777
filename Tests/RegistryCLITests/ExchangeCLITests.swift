import Foundation
import RegistryTestSupport
import RightsRegistry
import Testing

@testable import RegistryCLI

/// Each listing kind, a foreclosure and a withdrawal through `rights listing|deal|mortgage|withdraw`,
/// with the clock stopped where each step happens (`--now`).
@Suite("rights exchange commands")
struct ExchangeCLITests {
    let county = SyntheticCounty(householdsPerVillage: 3)
    static let monday = "2026-11-23T10:00:00+08:00"
    /// The first day after a 7-working-day announcement from Monday 2026-11-23.
    static let after = "2026-12-03T10:00:00+08:00"
    static let consent =
        #"{"party":"contracting-party","by":"村股份经济合作社","document":"同意书","on":"2026-11-20"}"#
    static let filing = #"{"filed_with":"村股份经济合作社","document":"备案-1","on":"2026-11-20"}"#

    func household(_ h: Int) -> String { county.villages()[0] + "00" + String(h).leftPadded(to: 4) }

    /// Runs a command that must succeed and returns its JSON.
    func run(_ cli: CLI, _ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) async throws
        -> JSONValue
    {
        let result = await cli.run(arguments)
        #expect(result.exitCode == 0, "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        return try result.json()
    }

    /// Submits, approves, registers one buyer, closes and pays: the whole E-1…E-9 path.
    func sell(_ cli: CLI, _ listing: String, buyer: String) async throws -> JSONValue {
        let submitted = try await run(
            cli, "listing", "submit", "--body", try cli.write("listing.json", listing), "--now", Self.monday)
        let id = try #require(submitted["id"]?.stringValue)
        _ = try await run(cli, "listing", "review", id, "--now", Self.monday)
        let intent = try cli.write("intent.json", buyer)
        _ = try await run(cli, "listing", "intent", id, "--body", intent, "--now", Self.monday)
        let closed = try await run(cli, "listing", "close", id, "--now", Self.after)
        let deal = try #require(closed["deal"]?.stringValue)
        try await sign(cli, deal)
        return try await run(cli, "deal", "pay", deal, "--reference", "回单-\(id)", "--now", Self.after)
    }

    /// E-7: both parties sign the deal's contract.
    func sign(_ cli: CLI, _ deal: String) async throws {
        for party in ["transferor", "transferee"] {
            _ = try await run(cli, "deal", "sign", deal, "--party", party, "--now", Self.after)
        }
    }

    @Test("lease, transfer and share sale each settle; the 交易鉴证书 verifies offline; refusals exit 1 with their rule")
    func listingKinds() async throws {
        let cli = try await CLI()
        _ = await cli("init", "--name", "registry.test/330424")
        _ = await cli("import", try cli.write("county.jsonl", countyFile(county)))

        let lease = try await sell(
            cli,
            #"{"right_id":"\#(household(1))J","kind":"lease","price_fen":90000,"increment_fen":1000,"deposit_fen":3000,"lease":{"term":{"start":"2027-01-01","end":"2036-12-31"},"use":"水稻"},"filing":\#(Self.filing)}"#,
            buyer: #"{"buyer":"household:\#(household(2))","deposit_fen":3000,"capacity":"种粮户"}"#)
        #expect(lease["status"] == "settled")
        let leaseRight = try #require(lease["resulting_right"]?.stringValue)
        let shown = try await run(cli, "right", "show", leaseRight, "--json")
        #expect(shown["holder"] == .string("household:\(household(2))"))

        let deal = try #require(lease["id"]?.stringValue)
        let certificate = await cli("deal", "certificate", deal, "--with-proof")
        let file = try cli.write("attestation.txt", certificate.stdout)
        let verified = await cli("certificate", "verify", file)
        #expect(verified.exitCode == 0, "\(verified.stdout) \(verified.stderr)")

        let transfer = try await sell(
            cli,
            #"{"right_id":"\#(household(3))J","kind":"transfer","price_fen":2000000,"increment_fen":10000,"deposit_fen":50000,"consents":[\#(Self.consent)]}"#,
            buyer: #"{"buyer":"household:\#(household(1))","deposit_fen":50000}"#)
        #expect(transfer["resulting_right"] == .string("\(household(1))J"))

        let holder = county.citizenID(0)
        let shares = try await run(
            cli, "right", "list", "--holder", "person:\(holder)", "--kind", "collective-share", "--json")
        let share = try #require(shares.arrayValue?.first?["id"]?.stringValue)
        let sale = try await sell(
            cli,
            #"{"right_id":"\#(share)","kind":"share-sale","price_fen":10000,"increment_fen":500,"deposit_fen":0,"shares":1}"#,
            buyer: #"{"buyer":"person:\#(county.citizenID(3))","deposit_fen":0}"#)
        #expect(sale["status"] == "settled")

        // A refusal names its rule, exits 1 and writes nothing.
        let submitted = await cli.run([
            "listing", "submit", "--body",
            try cli.write(
                "bad.json",
                #"{"right_id":"\#(household(2))J","kind":"lease","price_fen":1,"increment_fen":1,"deposit_fen":0,"lease":{"term":{"start":"2027-01-01","end":"2036-12-31"},"use":"水稻"}}"#
            ),
            "--now", Self.monday,
        ])
        let id = try #require(try submitted.json()["id"]?.stringValue, "submission is checked at review")
        let before = await cli("log", "checkpoint").stdout
        let review = await cli("listing", "review", id, "--now", Self.monday)
        #expect(review.exitCode == 1 && review.stderr.contains("rule.L-16"), "\(review.stderr)")
        #expect(await cli("log", "checkpoint").stdout == before, "the refused review wrote nothing")
    }

    @Test("a bank's mortgage, its foreclosure sale with payouts by rank, and a withdrawal of shares")
    func mortgageAndWithdrawal() async throws {
        let cli = try await CLI()
        _ = await cli("init", "--name", "registry.test/330424")
        _ = await cli("import", try cli.write("county.jsonl", countyFile(county)))
        let bank = "91330424MA2B1234XJ"
        let mortgaged = try await run(
            cli, "mortgage", "register", "--bank", bank, "--json", "--body",
            try cli.write(
                "mortgage.json",
                #"{"right_id":"\#(household(1))J","amount_fen":400000,"term":{"start":"2026-11-01","end":"2029-10-31"},"contract":"抵押合同-1","filing":\#(Self.filing),"mortgagor":{"application":"抵押登记申请书","consents":[{"party":"co-holders","by":"全体家庭成员","document":"同意书","on":"2026-11-20"}]}}"#
            ))
        let mortgage = "E\(mortgaged["index"]!.integerValue!)"
        let listing = try await run(
            cli, "mortgage", "foreclose", mortgage, "--bank", bank, "--now", Self.monday, "--body",
            try cli.write(
                "foreclosure.json",
                #"{"price_fen":500000,"increment_fen":10000,"deposit_fen":0,"consents":[\#(Self.consent)],"default":{"since":"2026-11-20","amount_fen":400000,"notice":"催收通知书"}}"#
            ))
        let id = try #require(listing["id"]?.stringValue)
        _ = try await run(cli, "listing", "review", id, "--now", Self.monday)
        _ = try await run(
            cli, "listing", "intent", id, "--now", Self.monday, "--body",
            try cli.write("buyer.json", #"{"buyer":"household:\#(household(2))","deposit_fen":0}"#))
        let deal = try #require(try await run(cli, "listing", "close", id, "--now", Self.after)["deal"]?.stringValue)
        try await sign(cli, deal)
        let settled = try await run(cli, "deal", "pay", deal, "--reference", "回单", "--now", Self.after)
        #expect(settled["payouts"]?.arrayValue?.map { $0["amount_fen"] } == [400_000, 100_000])

        let shares = try await run(
            cli, "right", "list", "--holder", "person:\(county.citizenID(3))", "--kind", "collective-share", "--json")
        let share = try #require(shares.arrayValue?.first?["id"]?.stringValue)
        let applied = try await run(
            cli, "withdraw", "apply", "--body",
            try cli.write(
                "withdrawal.json",
                #"{"right_id":"\#(share)","compensation_fen":30000,"shares":1,"consents":[{"party":"co-holders","by":"本人","document":"申请书","on":"2026-11-20"}]}"#
            ))
        let withdrawal = try #require(applied["id"]?.stringValue)
        _ = try await run(cli, "withdraw", "approve", withdrawal, "--approval", "股东代表会议决议")
        let paid = try await run(cli, "withdraw", "pay", withdrawal, "--reference", "付款")
        #expect(paid["status"] == "paid")
        let audit = await cli("audit")
        #expect(audit.exitCode == 0, "\(audit.stdout) \(audit.stderr)")
    }
}
