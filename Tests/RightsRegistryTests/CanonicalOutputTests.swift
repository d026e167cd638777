import Foundation
import RegistryTestSupport
import Testing

@testable import RightsRegistry

/// The hand-written canonical JSON of rights, households and what their registrations write
/// (`CanonicalOutputWritable`)
/// is byte for byte what their `Codable` conformances give through both general encoders.
@Suite("Canonical output")
struct CanonicalOutputTests {
    @Test(
        "rights, registrations and parcel claims of every kind, their optional members present or not, strings needing escapes"
    )
    func rightsAsCodable() async throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        var random = Variations(state: seed)
        let t = try await TestRegistry()
        let registered = try await t.reads.rights(RightQuery())
        #expect(Set(registered.map(\.kind)).isSuperset(of: [.contractLand, .homestead, .collectiveShare]))
        // A 土地经营权 with each optional member present or not; none, one or two parcels.
        func lease() throws -> RightDetail {
            var lease = LandManagement(
                parent: t.contract(0, 1), contractRight: t.contract(0, 2),
                parcels: Array([t.parcel(0, 1), t.parcel(0, 2)].prefix(Int.random(in: 0...2, using: &random))),
                area: SquareMetres(hundredths: Int64.random(in: 1...10_000_000, using: &random)),
                method: random.present() ? .lease : .shareContribution, use: random.present() ? random.text() : nil,
                rent: random.present()
                    ? Rent(
                        annual: Fen(Int64.random(in: 1...(1 << 40), using: &random)),
                        over: try Term(start: Day("2027-01-01")!, end: Day("2029-06-30")!)) : nil,
                filedOnly: random.present())
            if random.present() { lease.filedOnly = false }  // as an entry may hold it
            return .landManagement(lease)
        }
        let day = Day("2026-12-01")!
        for base in registered {
            for _ in 0..<8 {
                var right = base
                if case .contractLand(var land) = right.detail {
                    for parcel in land.parcels {
                        try expectWrittenAsCodable(ParcelClaim(parcel: parcel.code, right: right.id), seed: seed)
                    }
                    for index in land.parcels.indices {
                        land.parcels[index].location = random.text()
                        land.parcels[index].bounds.north = random.text()
                        land.parcels[index].basicFarmland = Bool.random(using: &random)
                    }
                    right.detail = .contractLand(land)
                } else if Int.random(in: 0..<2, using: &random) == 0 {
                    right.detail = try lease()
                } else if case .homestead(var homestead) = right.detail {
                    homestead.location = random.text()
                    homestead.plotArea = SquareMetres(hundredths: Int64.random(in: 1...10_000_000, using: &random))
                    homestead.floorArea =
                        random.present()
                        ? SquareMetres(hundredths: Int64.random(in: 1...10_000_000, using: &random)) : nil
                    homestead.landCategory = HomesteadLandCategory.allCases.randomElement(using: &random)!
                    homestead.eligibility = Bool.random(using: &random)
                    homestead.exceedsAreaStandard = Bool.random(using: &random)
                    right.detail = .homestead(homestead)
                } else if case .collectiveShare(var holding) = right.detail {
                    holding.shares = Int.random(in: 1...ShareHolding.maximumShares, using: &random)
                    holding.shareClass = random.text()
                    right.detail = .collectiveShare(holding)
                }
                right.certificate = random.present() ? random.text() : nil
                right.noticeEnds = random.present() ? day : nil
                right.term = random.present() ? try Term(start: day, end: day.adding(years: 30)) : nil
                right.filings =
                    random.present()
                    ? [Filing(matter: random.text(), filedWith: "发包方", document: "备案", on: day, entry: 7)] : []
                right.history = (0..<Int.random(in: 1...4, using: &random)).map { _ in
                    UInt64.random(in: 0...(1 << 60), using: &random)
                }
                right.registeredAt = UInt64.random(in: 0...(1 << 60), using: &random)
                right.updatedAt = UInt64.random(in: 0...UInt64.max, using: &random)
                try expectWrittenAsCodable(right, seed: seed)
                try expectWrittenAsCodable(
                    RightRegistered(
                        id: right.id, holder: right.holder, collective: right.collective, term: right.term,
                        detail: right.detail, origin: right.origin, noticeEnds: right.noticeEnds,
                        filing: right.filings.first,
                        consents: random.present()
                            ? [Consent(party: .contractHolder, by: random.text(), document: "同意书", on: day)] : nil),
                    seed: seed)
            }
        }
    }

    @Test("collateral searches, with a certificate named or not, texts needing escapes")
    func searchesAsCodable() async throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        var random = Variations(state: seed)
        let t = try await TestRegistry()
        for right in try await t.reads.rights(RightQuery()) {
            for _ in 0..<4 {
                try expectWrittenAsCodable(
                    CollateralSearched(
                        right: right.id, party: random.text(), purpose: random.text(),
                        holderMatch: random.present(), certificate: random.present() ? random.text() : nil),
                    seed: seed)
            }
        }
    }

    @Test(
        "households, their registrations, roster lines and certificates, their optional members present or not, strings needing escapes"
    )
    func householdsAsCodable() async throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        var random = Variations(state: seed)
        let t = try await TestRegistry()
        let day = Day("2026-12-01")!
        var households: [Household] = []
        for v in 0..<2 {
            for h in 1...4 { households.append(try #require(try await t.reads.household(t.household(v, h)))) }
        }
        for base in households {
            for _ in 0..<8 {
                var household = base
                household.head.name = random.text()
                for index in household.members.indices {
                    household.members[index].relation = random.text()
                    household.members[index].person.name = random.text()
                }
                if random.present() { household.members = [] }
                household.movedToTown =
                    random.present() ? TownMove(on: day, place: random.present() ? random.text() : nil) : nil
                household.disposedDwelling =
                    random.present() ? DwellingDisposal(on: day, how: random.text(), right: t.homestead(0, 1)) : nil
                household.contractLandBarredUntil = random.present() ? day : nil
                household.homesteadEligibilityGivenUp = random.present() ? day : nil
                household.extinct = random.present() ? day : nil
                household.registeredAt = UInt64.random(in: 0...UInt64.max, using: &random)
                try expectWrittenAsCodable(household, seed: seed)
                try expectWrittenAsCodable(
                    HouseholdRegistered(
                        code: household.code, head: household.head, members: household.members,
                        origin: random.present() ? .imported : .application),
                    seed: seed)
                for person in household.people {
                    try expectWrittenAsCodable(
                        Membership(
                            collective: household.collective, person: person,
                            household: random.present() ? household.code : nil,
                            since: UInt64.random(in: 0...(1 << 60), using: &random)),
                        seed: seed)
                }
                try expectWrittenAsCodable(
                    CertificateRecord(
                        number: random.text(), right: t.contract(0, 1),
                        entry: UInt64.random(in: 0...(1 << 60), using: &random), issuedOn: day,
                        issuer: random.text(), supersedes: random.present() ? random.text() : nil),
                    seed: seed)
            }
        }
    }
}
