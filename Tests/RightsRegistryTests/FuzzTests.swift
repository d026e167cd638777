import Foundation
import PropertyBased
import RegistryTestSupport
import Testing

@testable import RightsRegistry

/// No input crashes a process: the request parsers, the import, the JSON reader and date
/// arithmetic, each fed generated input. A mutated body is either refused with the field named
/// or parses to an act the registrar accepts or refuses with a `RegistryError` — nothing else.
/// How many generated bodies were invalid, refused, accepted.
final class Tally: @unchecked Sendable {
    struct Counts { var invalid = 0, refused = 0, accepted = 0 }
    private(set) var counts = Counts()
    func add(_ outcome: WritableKeyPath<Counts, Int>) { counts[keyPath: outcome] += 1 }
}

@Suite("Fuzzing: parsers, import, JSON and dates")
struct FuzzTests {
    @Test("a member no parser asked for is named, whatever else was asked for twice, absent or null")
    func unknownMembers() {
        func unknown(_ members: [String: JSONValue], _ ask: (inout FieldReader) -> Void) -> [String] {
            var reader = FieldReader(.object(members))
            ask(&reader)
            reader.rejectUnknownFields()
            return reader.allProblems.filter { $0.reason == "unknown field" }.map(\.field)
        }
        let members: [String: JSONValue] = ["a": .string("x"), "zz": .number(1)]
        #expect(
            unknown(members) {
                _ = $0.string("a")
                _ = $0.string("a")
            } == ["zz"])
        #expect(
            unknown(members) {
                _ = $0.string("a")
                _ = $0.string("missing", required: false)
            } == ["zz"])
        #expect(
            unknown(members) {
                $0.skip("a")
                $0.skip("a")
            } == ["zz"])
        let withNull: [String: JSONValue] = ["a": .string("x"), "n": .null, "yy": .bool(true), "zz": .number(1)]
        #expect(
            unknown(withNull) {
                _ = $0.string("a")
                _ = $0.string("n", required: false)
            } == ["yy", "zz"])
        #expect(unknown(withNull) { reader in for name in ["a", "n", "yy", "zz"] { reader.skip(name) } }.isEmpty)
    }

    typealias T = TestRegistry

    /// Up to three mutations (path index, value index) of a valid body; none leaves it valid.
    static let mutations = zip(Gen.int(in: 0...10_000), Gen.int(in: 0...10_000)).array(of: 0...3)

    /// A valid body and the act it parses to.
    struct Family: @unchecked Sendable {
        let name: String
        let base: JSONValue
        let parse: (inout FieldReader) -> RegistryAct?
    }

    static func families(_ t: TestRegistry) -> [Family] {
        let contract = t.contract(0, 1)
        let parcel = t.parcels(0, 1)[0].rawValue
        let consent: JSONValue = [
            "party": "contracting-party", "by": "村股份经济合作社", "document": "同意书", "on": "2026-11-01",
        ]
        let filing: JSONValue = ["matter": "流转", "filed_with": "发包方", "document": "备案-1", "on": "2026-11-10"]
        func act(_ right: RightID, _ body: JSONValue) -> Family {
            Family(name: body["kind"]?.stringValue ?? "act", base: body) { reader in
                ApplicationParser.rightAct(&reader)?.registryAct(on: right)
            }
        }
        let household = t.household(0, 2).rawValue
        return [
            act(
                contract,
                [
                    "kind": "transfer", "to": .string("household:\(household)"), "parcels": [.string(parcel)],
                    "consents": [consent],
                ]),
            act(contract, ["kind": "change", "reason": "延包", "term": ["extend_years": 30]]),
            act(
                contract,
                [
                    "kind": "correction", "basis": "proof-of-error", "document": "x",
                    "term": ["start": "2028-01-01", "end": "2057-12-31"],
                ]),
            act(contract, ["kind": "cancellation", "ground": "land-lost", "document": "勘测报告"]),
            act(contract, ["kind": "objection", "applicant": "张三", "grounds": "四至有误"]),
            act(
                contract,
                [
                    "kind": "objection-suit", "objection": "E1", "court": "法院", "case_number": "1",
                    "accepted_on": "2026-11-20",
                ]),
            act(
                contract,
                ["kind": "advance-notice", "beneficiary": .string("household:\(household)"), "reference": "合同"]),
            act(contract, ["kind": "seizure", "court": "法院", "case_number": "(2026)1号"]),
            act(
                contract, ["kind": "filing", "matter": "流转", "filed_with": "发包方", "document": "d", "on": "2026-11-20"]),
            act(
                contract,
                [
                    "kind": "swap", "with": .string(t.contract(0, 2).rawValue), "gives": [.string(parcel)],
                    "takes": [.string(t.parcels(0, 2)[0].rawValue)], "filing": filing,
                ]),
            act(
                contract,
                [
                    "kind": "inheritance", "heir": .string("household:\(household)"),
                    "deceased": .string(t.head(0, 1).rawValue), "basis": "will", "death_certificate": "c",
                    "document": "d",
                ]),
            Family(
                name: "lease",
                base: [
                    "parent": .string(contract.rawValue), "holder": .string("person:\(t.head(1, 1))"),
                    "term": ["start": "2027-01-01", "end": "2036-12-31"], "parcels": [.string(parcel)],
                    "filing": filing,
                ]
            ) { reader in
                ApplicationParser.right(kind: .landManagement, &reader, origin: .application).map { .registerRight($0) }
            },
            Family(
                name: "mortgage",
                base: [
                    "right_id": .string(contract.rawValue), "amount_fen": 300_000,
                    "term": ["start": "2026-12-01", "end": "2029-11-30"], "contract": "抵押合同", "filing": filing,
                    "mortgagor": [
                        "application": "申请书",
                        "consents": [["party": "co-holders", "by": "全体", "document": "同意书", "on": "2026-11-01"]],
                    ],
                ]
            ) { reader in
                ApplicationParser.mortgage(&reader, mortgagee: T.bankA, withMortgagor: true).map {
                    .onRight($0.0, .mortgage($0.1))
                }
            },
            Family(
                name: "member removal",
                base: ["id_number": .string(t.head(0, 3).rawValue), "reason": "death", "document": "证明"]
            ) {
                reader in ApplicationParser.memberRemoval(&reader).map { .removeMember(t.household(0, 3), $0) }
            },
            Family(
                name: "split",
                base: [
                    "code": .string(t.collective(0).rawValue + "0060"), "head": .string(t.county.citizenID(2).rawValue),
                    "parcels": [.string(parcel)], "homestead": true, "agreement": "协议",
                ]
            ) { reader in ApplicationParser.householdSplit(&reader, of: t.household(0, 1)).map { .splitHousehold($0) }
            },
            Family(
                name: "policy", base: ["public_notice_working_days": 15, "holidays": ["2026-12-24"], "issuer": "登记中心"]
            ) {
                reader in ApplicationParser.policy(&reader, base: .default).map { .setPolicy($0) }
            },
            Family(name: "person", base: ["name": "种植户", "id_number": .string(t.county.citizenID(9_001).rawValue)]) {
                reader in ApplicationParser.person(&reader).map { .registerPerson($0) }
            },
        ]
    }

    @Test("mutated request bodies are refused with their field, or decided: never a crash, never another error")
    func mutatedBodies() async throws {
        let t = try await TestRegistry()
        let families = Self.families(t)
        let tally = Tally()
        await propertyCheck(count: 1_500, input: Gen.int(in: 0...1_000), Self.mutations) { which, mutations in
            let family = families[which % families.count]
            let body = BodyFuzzing.mutate(family.base, mutations)
            var reader = FieldReader(body)
            guard let act = family.parse(&reader), reader.allProblems.isEmpty else {
                #expect(!reader.allProblems.isEmpty, "\(family.name): \(body) was neither parsed nor refused")
                tally.add(\.invalid)
                return
            }
            do {
                try await t.perform(act)
                tally.add(\.accepted)
            } catch is RegistryError {
                // Refused by a rule, with nothing written (the refusal tests check that).
                tally.add(\.refused)
            }
        }
        let violations = try await t.violations()
        #expect(violations.isEmpty, "\(violations)")
        // The mutations reach the rules, not only the parser.
        #expect(tally.counts.accepted > 0 && tally.counts.refused > 50, "\(tally.counts)")
    }

    @Test("mutated import lines are reported line by line by import --check, and nothing is written")
    func mutatedImportLines() async throws {
        let t = try await TestRegistry(county: nil)
        var lines: [JSONValue] = []
        SyntheticCounty(householdsPerVillage: 1).lines { lines.append((try? JSONParser.parse($0)) ?? .null) }
        await propertyCheck(count: 200, input: Gen.int(in: 0...1_000), Self.mutations) { which, mutations in
            var file = lines.map { CanonicalJSON.string($0) }
            let index = which % file.count
            file[index] = CanonicalJSON.string(BodyFuzzing.mutate(lines[index], mutations))
            let temporary = try TemporaryFile(contents: file.joined(separator: "\n") + "\n")
            let summary = try await Importer(registry: t.registry, actor: "fuzz").check(temporary.path)
            #expect(summary.problems.allSatisfy { $0.line >= 1 && $0.line <= file.count })
        }
        #expect(try await t.store.size() == 0, "check writes nothing")
    }

    @Test("random bytes never crash the JSON reader")
    func randomJSON() async {
        await propertyCheck(count: 2_000, input: Gen<UInt8>.value(in: 0...255).array(of: 0...64)) { bytes in
            _ = try? JSONParser.parse(bytes)
        }
        // Deep nesting is refused, not recursed into.
        #expect(throws: (any Error).self) { try JSONParser.parse(Array(String(repeating: "[", count: 100_000).utf8)) }
    }

    @Test("date arithmetic is total and consistent: round trips, inverses, real dates")
    func dates() async {
        await propertyCheck(
            count: 2_000, input: Gen.int(in: -800_000...3_000_000), Gen.int(in: -5_000...5_000),
            Gen.int(in: -20_000...20_000)
        ) { ordinal, years, days in
            let day = Day(ordinal: ordinal)
            #expect((1...9999).contains(day.year))
            #expect(Day(day.description) == day, "\(day) prints and parses back")
            #expect(Day(year: day.year, month: day.month, day: day.day) == day, "\(day) is a real date")
            let later = day.adding(years: years)
            #expect(Day(later.description) == later)
            let moved = day.adding(days: days)
            if (-719_162...2_932_896).contains(ordinal + days) { #expect(moved.adding(days: -days) == day) }
            _ = day.adding(months: years * 12 + days)
        }
        await propertyCheck(count: 500, input: Gen.int(in: 0...109_572), Gen.int(in: 0...109_572)) { a, b in
            let start = Day.inputRange.lowerBound.adding(days: min(a, b))
            let end = Day.inputRange.lowerBound.adding(days: max(a, b))
            guard let term = try? Term(start: start, end: end) else { return }
            let years = term.years
            #expect(start.adding(years: years).adding(days: -1) <= end)
            #expect(start.adding(years: years + 1).adding(days: -1) > end)
            #expect(RegistryPolicy.default.calendar.adding(workingDays: 60, to: start) > start)
        }
    }
}
