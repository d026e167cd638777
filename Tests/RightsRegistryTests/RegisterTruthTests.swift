import RegistryTestSupport
import Testing

@testable import RightsRegistry

/// The register never says anything false: each case a bank or a household was misled by, as
/// the issue that found them numbers them, each checked with the register's invariants after.
@Suite("The register says only what is so")
struct RegisterTruthTests {
    typealias T = TestRegistry

    // MARK: 1. Encumbrances follow what they burden

    @Test("1: a mortgage follows its land into the receiving contract, with its rank (民法典 406)")
    func mortgageFollowsLand() async throws {
        let t = try await TestRegistry()
        let source = t.contract(0, 1)
        let first = t.encumbrance(try await t.act(source, T.mortgage(T.bankA, 300_000)))
        let second = t.encumbrance(try await t.act(source, T.mortgage(T.bankB, 100_000)))
        try await t.act(source, T.transfer(to: t.household(0, 2)))
        #expect(try await t.right(source).status(on: t.registry.today) == .cancelled)
        for id in [first, second] {
            let mortgage = try #require(try await t.reads.encumbrance(id))
            #expect(mortgage.right == t.contract(0, 2) && mortgage.isActive(on: t.registry.today))
        }
        let report = try await RegistryQueries(registry: t.registry).report(t.contract(0, 2))
        #expect(report.flags.mortgaged)
        // Rank is still by registration (C-12), and the bank follows the receiving right.
        let ranked = report.encumbrances.filter { $0.kind == .mortgage }.sorted { $0.registeredAt < $1.registeredAt }
        #expect(ranked.map(\.id) == [first, second])
        #expect(try await t.store.document(Watch.key(Watch.key(party: T.bankA, right: t.contract(0, 2)))) != nil)
        #expect(try await t.violations().isEmpty)
    }

    @Test("1: a mortgage on named parcels follows them; one cannot be split between two contracts (CC-406)")
    func mortgageOnParcels() async throws {
        let t = try await TestRegistry()
        let source = t.contract(0, 1)
        let parcels = t.parcels(0, 1)
        let whole = t.encumbrance(try await t.act(source, T.mortgage(T.bankA, 300_000)))
        try await t.expectRefusal("rule.CC-406") {
            try await t.act(source, T.transfer(to: t.household(0, 2), parcels: [parcels[0]]))
        }
        try await t.act(source, .mortgageRelease(mortgage: whole, by: T.bankA))
        let one = t.encumbrance(try await t.act(source, T.mortgage(T.bankB, 50_000, parcels: [parcels[0]])))
        try await t.act(source, T.transfer(to: t.household(0, 2), parcels: [parcels[0]]))
        #expect(try await t.reads.encumbrance(one)?.right == t.contract(0, 2))
        let report = try await RegistryQueries(registry: t.registry).report(source)
        #expect(!report.flags.mortgaged, "the parcels left behind carry no mortgage")
        #expect(try await t.violations().isEmpty)
    }

    @Test("1: pledged shares pass only whole, with the pledgee's consent, and the pledge follows them (C-14)")
    func pledgeFollowsShares() async throws {
        let t = try await TestRegistry()
        let seller = try #require(
            try await t.reads.rights(RightQuery(holder: .person(t.head(0, 1)), kind: .collectiveShare)).first)
        let buyer = try #require(
            try await t.reads.rights(RightQuery(holder: .person(t.head(0, 2)), kind: .collectiveShare)).first)
        let pledge = t.encumbrance(
            try await t.act(
                seller.id, T.mortgage(T.bankA, 30_000, shares: 2, consents: [T.consent(.collective)])))
        // One of the three shares is free and passes alone; a second would take a pledged one.
        try await t.act(seller.id, .transfer(Transfer(to: .person(t.head(0, 2)), shares: 1)))
        try await t.expectRefusal("rule.C-14") {
            try await t.act(seller.id, .transfer(Transfer(to: .person(t.head(0, 3)), shares: 1)))
        }
        try await t.expectRefusal("rule.C-14") {
            try await t.act(seller.id, .transfer(Transfer(to: .person(t.head(0, 2)))))
        }
        let consent = Consent(party: .mortgagee, by: T.bankA, document: "质权人同意书", on: t.registry.today)
        try await t.act(seller.id, .transfer(Transfer(to: .person(t.head(0, 2)), consents: [consent])))
        let moved = try #require(try await t.reads.encumbrance(pledge))
        #expect(moved.right == buyer.id && moved.shares == 2 && moved.isActive(on: t.registry.today))
        #expect(try await t.violations().isEmpty)
    }

    // MARK: 4. One parcel, one lease at a time

    @Test("4: a lease follows its parcel into the new contract, so the parcel cannot be leased twice")
    func leaseFollowsParcel() async throws {
        let t = try await TestRegistry()
        let parcel = t.parcels(0, 1)[0]
        let first = try await t.perform(
            T.lease(of: t.contract(0, 1), to: .person(t.head(1, 1)), parcels: [parcel]))
        let lease = RightID.landManagement(parent: t.contract(0, 1), entry: first.index)
        try await t.act(t.contract(0, 1), T.transfer(to: t.household(0, 2), parcels: [parcel]))
        guard case .landManagement(let detail) = try await t.right(lease).detail else {
            Issue.record("expected a lease")
            return
        }
        #expect(detail.parent == t.contract(0, 2) && detail.contractRight == t.contract(0, 2))
        try await t.expectRefusal("conflict.parcel") {
            try await t.perform(T.lease(of: t.contract(0, 2), to: .person(t.head(1, 2)), parcels: [parcel]))
        }
        // A lease of two parcels cannot follow only one of them (CC-725).
        let pair = Array(t.parcels(0, 3).prefix(2))
        try await t.perform(T.lease(of: t.contract(0, 3), to: .person(t.head(1, 3)), parcels: pair))
        try await t.expectRefusal("rule.CC-725") {
            try await t.act(t.contract(0, 3), T.transfer(to: t.household(0, 2), parcels: [pair[0]]))
        }
        #expect(try await t.violations().isEmpty)
    }

    // MARK: 5. A cancelled contract stays cancelled

    @Test("5: parcels passing to a household whose contract was cancelled make a new contract of their own")
    func cancelledContractStaysCancelled() async throws {
        let t = try await TestRegistry()
        let old = t.parcels(0, 2)
        try await t.act(t.contract(0, 2), .cancellation(Cancellation(ground: .expropriated, document: "征收决定-7")))
        // One of its parcels is contracted again by another household meanwhile.
        let newcomer = try HouseholdCode(t.collective(0).rawValue + "0050")
        try await t.perform(
            .registerHousehold(
                HouseholdApplication(
                    code: newcomer, head: Person(name: "新户", idNumber: t.county.citizenID(9_000)), members: [])))
        try await t.perform(
            .registerRight(
                RightApplication(
                    subject: .contractLand(
                        contract: ContractCode(household: newcomer),
                        parcels: [
                            Parcel(
                                code: old[0], location: "东港村",
                                bounds: Bounds(east: "沟", south: "路", west: "田", north: "河"),
                                area: try SquareMetres("600.00"), landUse: .cropping, basicFarmland: true)
                        ]),
                    term: try Term(start: Day.input("2028-01-01"), end: Day.input("2057-12-31")), origin: .imported)))
        let given = t.parcels(0, 1)[0]
        try await t.act(t.contract(0, 1), T.transfer(to: t.household(0, 2), parcels: [given]))
        #expect(try await t.right(t.contract(0, 2)).status(on: t.registry.today) == .current)
        #expect(try await t.parcelCodes(of: t.contract(0, 2)) == [given])
        #expect(try await t.reads.claim(on: old[0])?.right == .contractLand(ContractCode(household: newcomer)))
        #expect(try await t.violations().isEmpty)
    }

    // MARK: 6. No surrender or recovery by cancellation

    @Test("6: a cancellation cannot be a surrender (L-10) or the 发包方 taking land back (L-8)")
    func noSurrenderByCancellation() async throws {
        let t = try await TestRegistry()
        try await t.expectRefusal("rule.L-10") {
            try await t.act(t.contract(0, 1), .cancellation(Cancellation(ground: .surrender, document: "自愿交回申请")))
        }
        try await t.expectRefusal("rule.L-8") {
            try await t.act(t.contract(0, 1), .cancellation(Cancellation(ground: .recovery, document: "村委会决定")))
        }
        try await t.expectRefusal("validation.ground") {
            try await t.act(t.contract(0, 1), .cancellation(Cancellation(ground: .termEnded, document: "到期")))
        }
        var reader = FieldReader(["kind": "cancellation", "reason": "自愿交回"])
        #expect(ApplicationParser.rightAct(&reader) == nil)
        #expect(reader.allProblems.map(\.field).contains("ground"))
    }

    // MARK: 7. Status by date is one truth

    @Test("7: a lease past its term is expired in every view and list, and blocks nothing")
    func oneStatus() async throws {
        let t = try await TestRegistry()
        let entry = try await t.perform(
            T.lease(of: t.contract(0, 1), to: .person(t.head(1, 1)), from: "2028-01-01", to: "2032-12-31"))
        let lease = RightID.landManagement(parent: t.contract(0, 1), entry: entry.index)
        t.clock.set("2034-03-01")
        let report = try await RegistryQueries(registry: t.registry).report(lease)
        #expect(report.status == .expired)
        #expect(report.json(.full)["status"] == "expired")
        let expired = try await t.reads.rights(
            RightQuery(kind: .landManagement, status: StatusFilter([.expired], on: t.registry.today)))
        #expect(expired.map(\.id) == [lease])
        let current = try await t.reads.rights(
            RightQuery(kind: .landManagement, status: .current(on: t.registry.today)))
        #expect(current.isEmpty)
        // A bank's search says so too, signed.
        let search = try await CollateralSearches(registry: t.registry).search(
            subject: lease.rawValue, borrower: t.head(1, 1).rawValue, purpose: "贷前审查", party: T.bankA, searcher: "银行",
            actor: "bank:test")
        #expect(search.payload["status"] == "expired")
        // The expired lease no longer blocks the end of its parent.
        try await t.act(t.contract(0, 1), .cancellation(Cancellation(ground: .expropriated, document: "征收决定-9")))
        #expect(try await t.violations().isEmpty)
    }

    // MARK: 8. Objections

    @Test(
        "8: an objection with an accepted suit stays until the court decides; the same grounds are not filed again (IR-83)"
    )
    func objections() async throws {
        let t = try await TestRegistry(today: "2026-11-02")
        let right = t.contract(0, 1)
        let first = t.encumbrance(try await t.act(right, .objection(applicant: "邻户张三", grounds: "四至有误")))
        t.clock.set("2026-11-10")
        let suit = Suit(court: "海盐县人民法院", caseNumber: "(2026)浙0424民初1号", acceptedOn: t.registry.today)
        try await t.act(right, .objectionSuit(first, suit))
        t.clock.set("2027-03-01")
        #expect(try await t.reads.encumbrance(first)?.isActive(on: t.registry.today) == true, "the suit keeps it")
        try await t.expectRefusal("rule.C-5") { try await t.act(right, T.transfer(to: t.household(0, 2))) }
        try await t.expectRefusal("validation.court") {
            try await t.act(right, .objectionRuling(first, court: "嘉兴市中级人民法院", document: "判决书"))
        }
        try await t.act(right, .objectionRuling(first, court: "海盐县人民法院", document: "(2026)浙0424民初1号判决书"))
        #expect(try await t.reads.encumbrance(first)?.status(on: t.registry.today) == .released)

        // Without a suit it lapses after 15 days, and cannot be filed again on the same grounds.
        let second = t.encumbrance(try await t.act(right, .objection(applicant: "村民李四", grounds: "面积有误")))
        t.clock.advance(days: 16)
        #expect(try await t.reads.encumbrance(second)?.status(on: t.registry.today) == .lapsed)
        try await t.expectRefusal("rule.C-5") {
            try await t.act(
                right,
                .objectionSuit(second, Suit(court: "海盐县人民法院", caseNumber: "(2027)2号", acceptedOn: t.registry.today)))
        }
        try await t.expectRefusal("rule.IR-83") {
            try await t.act(right, .objection(applicant: "村民李四", grounds: " 面积有误 "))
        }
        // Other grounds are another objection; only its applicant withdraws it.
        let third = t.encumbrance(try await t.act(right, .objection(applicant: "村民李四", grounds: "地块代码错误")))
        try await t.expectRefusal("validation.by") { try await t.act(right, .objectionWithdrawal(third, by: "邻户张三")) }
        try await t.act(right, .objectionWithdrawal(third, by: "村民李四"))
        #expect(try await t.reads.encumbrance(third)?.status(on: t.registry.today) == .released)
        try await t.expectRefusal("rule.IR-83") {
            try await t.act(right, .objection(applicant: "村民李四", grounds: "地块代码错误"))
        }
        #expect(try await t.violations().isEmpty)
    }

    // MARK: 9. 延包 follows the current term

    @Test("9: 延包 appends thirty years after the current term, before or after it ends; mortgages last with it")
    func extensionFollowsTerm() async throws {
        let t = try await TestRegistry()
        let right = t.contract(0, 1)
        let mortgage = t.encumbrance(try await t.act(right, T.mortgage()))
        #expect(try await t.reads.encumbrance(mortgage)?.lapsesAfter == Day("2057-12-31"))
        try await t.act(right, .change(term: .extend(years: 30), detail: nil, reason: "第二轮土地承包到期后再延长三十年"))
        #expect(
            try await t.right(right).term == (try Term(start: Day.input("2028-01-01"), end: Day.input("2087-12-31"))))
        #expect(try await t.reads.encumbrance(mortgage)?.lapsesAfter == Day("2087-12-31"))
        t.clock.set("2060-06-01")
        #expect(try await t.right(right).status(on: t.registry.today) == .current)
        // A contract whose term ended without 延包 is expired, and may still be extended.
        let other = t.contract(0, 2)
        #expect(try await t.right(other).status(on: t.registry.today) == .expired)
        try await t.act(other, .change(term: .extend(years: 30), detail: nil, reason: "延包"))
        #expect(try await t.right(other).status(on: t.registry.today) == .current)
        t.clock.set("2088-01-02")
        #expect(try await t.reads.encumbrance(mortgage)?.status(on: t.registry.today) == .lapsed)
        #expect(try await t.violations().isEmpty)
    }

    // MARK: 10. A lease answers to whoever holds the land

    @Test("10: after the land passes, its lease answers to the new holder, and a fulfilled advance notice ends")
    func leaseAnswersToNewHolder() async throws {
        let t = try await TestRegistry()
        let entry = try await t.perform(T.lease(of: t.contract(0, 1), to: .person(t.head(1, 1))))
        let lease = RightID.landManagement(parent: t.contract(0, 1), entry: entry.index)
        try await t.act(t.contract(0, 1), T.transfer(to: t.household(0, 2)))
        func terminate(by household: HouseholdCode) -> RightAct {
            .termination(LeaseTermination(ground: .abandoned, by: .household(household), document: "撂荒两年证明"))
        }
        try await t.expectRefusal("rule.L-22") { try await t.act(lease, terminate(by: t.household(0, 1))) }
        try await t.act(lease, terminate(by: t.household(0, 2)))
        #expect(try await t.right(lease).status(on: t.registry.today) == .cancelled)

        let notice = t.encumbrance(
            try await t.act(
                t.contract(0, 3), .advanceNotice(beneficiary: .household(t.household(0, 4)), reference: "转让合同")))
        try await t.act(t.contract(0, 3), T.transfer(to: t.household(0, 4)))
        #expect(try await t.reads.encumbrance(notice)?.status(on: t.registry.today) == .released)
        #expect(try await t.violations().isEmpty)
    }

    // MARK: 11. Inputs are bounded before they reach a rule

    @Test("11: out-of-range dates, periods and names are refused at the parser, naming the field")
    func boundedInputs() async throws {
        var change = FieldReader([
            "kind": "change", "reason": "x", "term": ["start": "2028-01-01", "end": "9998-12-31"],
        ])
        #expect(ApplicationParser.rightAct(&change) == nil)
        #expect(change.allProblems.map(\.field) == ["term.end"])
        var withdrawal = FieldReader(["notice_on": "9999-12-31", "amount_fen": 1_000_000_000_000_001])
        _ = withdrawal.day("notice_on")
        _ = withdrawal.fen("amount_fen")
        #expect(withdrawal.allProblems.map(\.field) == ["notice_on", "amount_fen"])
        var policy = FieldReader(["public_notice_working_days": 100_000_000, "objection_days": -1])
        #expect(ApplicationParser.policy(&policy, base: .default) == nil)
        #expect(Set(policy.allProblems.map(\.field)) == ["public_notice_working_days", "objection_days"])
        var text = FieldReader([
            "applicant": .string("张三\n伪造的一行"), "grounds": .string(String(repeating: "长", count: 501)),
        ])
        _ = text.string("applicant")
        _ = text.string("grounds")
        #expect(text.allProblems.count == 2)
        #expect(throws: InvalidValue.self) { try Checkpoint.validateOrigin("haiyan registry/330424") }
        #expect(throws: InvalidValue.self) { try Checkpoint.validateOrigin("https://registry.example/330424") }
        try Checkpoint.validateOrigin("registry.haiyan.example/330424")
        // Date arithmetic is total: nothing it is asked can crash it.
        let day = try Day.input("2199-12-31")
        #expect(day.adding(years: 1_000_000).year == 9999)
        #expect(day.adding(months: Int.max / 2).year == 9999)
        #expect(day.adding(days: Int.min / 2).year == 1)
    }

    @Test("11: a policy out of bounds is refused on every path, and the register stays auditable")
    func boundedPolicy() async throws {
        let t = try await TestRegistry()
        var policy = RegistryPolicy.default
        policy.publicNoticeWorkingDays = 100_000_000
        policy.objectionDays = -1
        try await t.expectRefusal("validation.public_notice_working_days") { try await t.perform(.setPolicy(policy)) }
    }

    @Test("11: no certificate is issued for a right that is not current")
    func noCertificateForCancelled() async throws {
        let t = try await TestRegistry()
        try await t.act(t.contract(0, 1), .cancellation(Cancellation(ground: .landLost, document: "灭失勘测报告")))
        await #expect(throws: RegistryError.conflict("certificate", "")) {
            try await Certificates(registry: t.registry).export(t.contract(0, 1).rawValue, withProof: true)
        }
    }

    // MARK: 12. Working days know the public holidays

    @Test("12: a 15-working-day notice from 2026-09-28 skips 国庆 and counts the 调休 Saturday")
    func holidays() async throws {
        let calendar = RegistryPolicy.default.calendar
        #expect(calendar.adding(workingDays: 15, to: try Day.input("2026-09-28")) == (try Day.input("2026-10-23")))
        #expect(calendar.isWorkingDay(try Day.input("2026-10-10")), "a 调休 Saturday is worked")
        #expect(!calendar.isWorkingDay(try Day.input("2027-02-08")), "正月初三 2027 is a statutory holiday")
        #expect(WorkingDayCalendar().adding(workingDays: 15, to: try Day.input("2026-09-28")) == Day("2026-10-19"))
        // The registration's notice uses it; a local holiday added by policy moves it further.
        let t = try await TestRegistry(today: "2026-09-28")
        var policy = RegistryPolicy.default
        policy.holidays = [try Day.input("2026-10-12")]
        try await t.perform(.setPolicy(policy))
        let household = try HouseholdCode(t.collective(0).rawValue + "0050")
        try await t.perform(
            .registerHousehold(
                HouseholdApplication(
                    code: household, head: Person(name: "新户", idNumber: t.county.citizenID(9_000)), members: [])))
        try await t.perform(
            .registerRight(
                RightApplication(
                    subject: .homestead(
                        household: household,
                        unit: try UnitCode(t.county.villages()[0] + "JC00050F00010050"),
                        homestead: Homestead(
                            location: "东港村", plotArea: try SquareMetres("100.00"), floorArea: nil,
                            landCategory: .cultivated)), term: nil)))
        let homestead = try RightID(t.county.villages()[0] + "JC00050F00010050")
        #expect(try await t.right(homestead).noticeEnds == Day("2026-10-26"))
    }

    // MARK: Found by the model-based test

    @Test("model: an objection under suit on a lease still ends with the lease's term")
    func suitEndsWithLease() async throws {
        let t = try await TestRegistry()
        let entry = try await t.perform(
            T.lease(of: t.contract(0, 1), to: .person(t.head(1, 1)), from: "2027-01-01", to: "2031-12-31"))
        let lease = RightID.landManagement(parent: t.contract(0, 1), entry: entry.index)
        let objection = t.encumbrance(try await t.act(lease, .objection(applicant: "邻户张三", grounds: "租期有误")))
        try await t.act(
            lease,
            .objectionSuit(objection, Suit(court: "海盐县人民法院", caseNumber: "(2026)1号", acceptedOn: t.registry.today)))
        t.clock.set("2032-01-02")
        #expect(try await t.reads.encumbrance(objection)?.status(on: t.registry.today) == .lapsed)
        #expect(try await t.violations().isEmpty)
    }

    @Test("model: two pending pledges of the same shares cannot both be joined")
    func pendingPledgesDoNotOverPledge() async throws {
        let t = try await TestRegistry()
        let share = try #require(
            try await t.reads.rights(RightQuery(holder: .person(t.head(0, 1)), kind: .collectiveShare)).first)
        let consents = [T.consent(.collective)]
        let first = t.encumbrance(
            try await t.act(share.id, T.mortgage(T.bankA, 10_000, consents: consents, joint: false)))
        let second = t.encumbrance(
            try await t.act(share.id, T.mortgage(T.bankB, 10_000, consents: consents, joint: false)))
        try await t.act(share.id, .mortgageJoin(first, T.mortgagor))
        try await t.expectRefusal("conflict.mortgage") { try await t.act(share.id, .mortgageJoin(second, T.mortgagor)) }
        #expect(try await t.violations().isEmpty)
    }
}
