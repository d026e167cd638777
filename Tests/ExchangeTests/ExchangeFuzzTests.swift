import Exchange
import PropertyBased
import RegistryTestSupport
import RightsRegistry
import Testing

/// The exchange's request bodies, mutated: refused with the field named, or decided by the
/// exchange's rules — never a crash, never another error.
@Suite("Fuzzing: the exchange's bodies")
struct ExchangeFuzzTests {
    typealias T = TestRegistry

    static let mutations = zip(Gen.int(in: 0...10_000), Gen.int(in: 0...10_000)).array(of: 0...3)

    @Test("mutated listing, intent and withdrawal bodies never crash the exchange")
    func mutatedBodies() async throws {
        let m = try await Market()
        let announced = try await m.announce(m.lease(of: m.t.contract(0, 2)))
        let consent: JSONValue = [
            "party": "contracting-party", "by": "村股份经济合作社", "document": "同意书", "on": "2026-11-01",
        ]
        let listing: JSONValue = [
            "right_id": .string(m.t.contract(0, 1).rawValue), "kind": "lease", "price_fen": 100_000,
            "increment_fen": 1_000, "deposit_fen": 5_000,
            "lease": ["term": ["start": "2027-01-01", "end": "2036-12-31"], "use": "粮食种植"],
            "filing": ["matter": "流转", "filed_with": "发包方", "document": "备案", "on": "2026-11-10"],
            "consents": [consent],
        ]
        let intent: JSONValue = [
            "buyer": .string("household:\(m.t.household(0, 3))"), "deposit_fen": 5_000, "capacity": "种粮大户",
            "offer_fen": 110_000,
        ]
        let withdrawal: JSONValue = [
            "right_id": .string(m.t.contract(0, 4).rawValue), "compensation_fen": 900_000, "notice_on": "2026-05-01",
            "consents": [["party": "co-holders", "by": "全体", "document": "同意书", "on": "2026-11-01"]],
        ]
        let bodies = [listing, intent, withdrawal]
        await propertyCheck(count: 900, input: Gen.int(in: 0...1_000), Self.mutations) { which, mutations in
            let kind = which % bodies.count
            var reader = FieldReader(BodyFuzzing.mutate(bodies[kind], mutations))
            do {
                switch kind {
                case 0:
                    guard let application = ExchangeParser.listing(&reader), reader.allProblems.isEmpty else { break }
                    _ = try await m.exchange.submit(application, by: .desk, actor: m.desk)
                case 1:
                    guard let application = ExchangeParser.intent(&reader), reader.allProblems.isEmpty else { break }
                    _ = try await m.exchange.registerIntent(announced.id, application, by: .desk, actor: m.desk)
                default:
                    guard let application = ExchangeParser.withdrawal(&reader), reader.allProblems.isEmpty else {
                        break
                    }
                    _ = try await m.exchange.applyWithdrawal(application, by: .desk, actor: m.desk)
                }
            } catch is RegistryError {
                // Refused by a rule.
            }
        }
        #expect(try await m.t.violations().isEmpty)
    }
}
