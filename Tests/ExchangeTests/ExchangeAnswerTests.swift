import Exchange
import Foundation
import RegistryTestSupport
import Testing

@testable import RightsRegistry

/// The exchange answers an act with what it changed as the act's append left it (issue 16): on
/// PostgreSQL, without asking the database again for the documents the append wrote.
@Suite("Exchange: answers from the act's own writes", .enabled(if: TestStore.default == .postgres))
struct ExchangeAnswerTests {
    @Test(
        "a lease's settlement reads the database once — the right's encumbrances and live 土地经营权 together — and its answer costs no read, the deal as settled"
    )
    func settlementAnswer() async throws {
        let m = try await Market()
        let store = try #require(m.t.store as? PostgresRegistryStore)
        let buyer = try await m.company()
        var listings: [Listing] = []
        for h in 1...2 {
            let listing = try await m.announce(m.lease(of: m.t.contract(0, h)))
            _ = try await m.intent(listing, buyer, offer: 120_000)
            listings.append(listing)
        }
        m.afterAnnouncement(listings[0])
        var deals: [DealID] = []
        for listing in listings {
            deals.append(try #require(try await m.exchange.close(listing.id, actor: m.desk).deal))
        }
        for deal in deals {
            for party in ContractParty.allCases {
                _ = try await m.exchange.sign(deal, as: party, by: .desk, actor: m.desk)
            }
        }
        // The first settled without its answer, the second with it: the same reads either way.
        var lookups = store.lookups
        try await m.exchange.perform(.confirmPayment(deals[0], reference: "回单-1"), actor: m.desk)
        let withoutAnswer = store.lookups - lookups
        #expect(
            withoutAnswer == 1,
            "the deal, listing and right known; the right's encumbrances and live 土地经营权 read together, once")
        lookups = store.lookups
        let settled = try await m.exchange.confirmPayment(deals[1], reference: "回单-2", actor: m.desk)
        #expect(store.lookups - lookups == withoutAnswer, "the deal answered from what the settlement wrote")
        #expect(settled.status == .settled)
        #expect(settled == (try await m.exchange.deal(deals[1])), "the deal as the database holds it")
    }
}
