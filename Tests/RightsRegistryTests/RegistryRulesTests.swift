import RegistryTestSupport
import Testing

@testable import RightsRegistry

/// Each domain rule the register enforces, as a test that fails without it. Every refusal is also
/// checked to write nothing (`expectRefusal`).
@Suite("Registry rules")
struct RegistryRulesTests {
    // MARK: First registration and its public notice

    /// A household with no contract yet, with parcels 90001… of village 0.
    func newHousehold(_ t: TestRegistry, number: Int = 50, head: Int = 9_000) async throws -> HouseholdCode {
        let code = try HouseholdCode(t.collective(0).rawValue + String(number).leftPadded(to: 4))
        try await t.perform(
            .registerHousehold(
                HouseholdApplication(
                    code: code, head: Person(name: "新户", idNumber: t.county.citizenID(head)), members: [])))
        return code
    }

    func parcel(_ code: ParcelCode, area: String = "800.00", use: LandUse = .cropping) throws -> Parcel {
        Parcel(
            code: code, location: "东港村1组", bounds: Bounds(east: "沟", south: "路", west: "田", north: "河"),
            area: try SquareMetres(area), landUse: use, basicFarmland: true)
    }

    func contractApplication(_ household: HouseholdCode, parcels: [Parcel], years: Int = 30) throws -> RegistryAct {
        let start = Day("2028-01-01")!
        return .registerRight(
            RightApplication(
                subject: .contractLand(contract: ContractCode(household: household), parcels: parcels),
                term: try Term(start: start, end: start.adding(years: years).adding(days: -1))))
    }

    @Test("a first registration is announced for 15 working days and completes only after (IR-17)")
    func publicNotice() async throws {
        let t = try await TestRegistry(today: "2026-11-20")  // a Friday
        let household = try await newHousehold(t)
        try await t.perform(contractApplication(household, parcels: [parcel(t.parcel(0, 90_001))]))
        let id = RightID.contractLand(ContractCode(household: household))
        let announced = try await t.right(id)
        #expect(announced.status(on: t.registry.today) == .announced)
        // 15 working days after Friday 20 November: Friday 11 December.
        #expect(announced.noticeEnds == Day("2026-12-11"))

        t.clock.set("2026-12-11")
        try await t.expectRefusal("rule.IR-17") { try await t.perform(.completeRegistration(id)) }
        t.clock.set("2026-12-12")
        try await t.perform(.completeRegistration(id))
        #expect(try await t.right(id).status(on: t.registry.today) == .current)
    }

    @Test("an objection during the notice blocks completion (R-12) until it lapses after 15 days (C-5)")
    func objectionBlocksCompletion() async throws {
        let t = try await TestRegistry(today: "2026-11-20")
        let household = try await newHousehold(t)
        try await t.perform(contractApplication(household, parcels: [parcel(t.parcel(0, 90_001))]))
        let id = RightID.contractLand(ContractCode(household: household))
        t.clock.set("2026-12-01")
        try await t.act(id, .objection(applicant: "邻户张三", grounds: "四至有误"))
        // The notice ends 2026-12-11; the objection runs to 2026-12-16 inclusive.
        t.clock.set("2026-12-14")
        try await t.expectRefusal("rule.R-12") { try await t.perform(.completeRegistration(id)) }
        t.clock.set("2026-12-16")
        #expect(try await t.reads.encumbrances(on: id).first?.isActive(on: t.registry.today) == true)
        t.clock.set("2026-12-17")
        #expect(try await t.reads.encumbrances(on: id).first?.isActive(on: t.registry.today) == false)
        try await t.perform(.completeRegistration(id))
    }

    @Test("imported 确权 data is current at once, without a notice")
    func importedIsConfirmed() async throws {
        let t = try await TestRegistry()
        let right = try await t.right(t.contract(0, 1))
        #expect(right.status(on: t.registry.today) == .current)
        #expect(right.noticeEnds == nil)
        #expect(right.origin == .imported)
    }

    @Test("L-3: contract land is the household's own collective's land")
    func parcelsOfOwnCollective() async throws {
        let t = try await TestRegistry()
        let household = try await newHousehold(t)
        try await t.expectRefusal("rule.L-3") {
            try await t.perform(contractApplication(household, parcels: [parcel(t.parcel(1, 90_001))]))
        }
    }

    @Test("L-4: 耕地 is contracted for 30 years, 林地 for 30–70")
    func contractTerms() async throws {
        let t = try await TestRegistry()
        let household = try await newHousehold(t)
        try await t.expectRefusal("rule.L-4") {
            try await t.perform(contractApplication(household, parcels: [parcel(t.parcel(0, 90_001))], years: 20))
        }
        try await t.expectRefusal("rule.L-4") {
            try await t.perform(
                contractApplication(household, parcels: [parcel(t.parcel(0, 90_001), use: .forestry)], years: 80))
        }
        try await t.perform(
            contractApplication(household, parcels: [parcel(t.parcel(0, 90_001), use: .forestry)], years: 50))
    }

    @Test("a parcel belongs to one contract only")
    func parcelOnce() async throws {
        let t = try await TestRegistry()
        let household = try await newHousehold(t)
        try await t.expectRefusal("conflict.parcel") {
            try await t.perform(contractApplication(household, parcels: [parcel(t.parcel(0, 1))]))
        }
    }

    @Test("a person belongs to one household only")
    func personOnce() async throws {
        let t = try await TestRegistry()
        try await t.expectRefusal("validation.id_number") {
            try await t.perform(
                .registerHousehold(
                    HouseholdApplication(
                        code: HouseholdCode(t.collective(0).rawValue + "0099"),
                        head: Person(name: "重复", idNumber: t.head(0, 2)), members: [])))
        }
    }

    // MARK: Transfer of contract land (L-14)

    @Test("L-14: contract land passes only to a household of the same collective, with the 发包方's consent")
    func contractLandTransferRules() async throws {
        let t = try await TestRegistry()
        let id = t.contract(0, 1)
        try await t.expectRefusal("rule.L-14") {
            try await t.act(
                id,
                .transfer(
                    Transfer(to: .household(t.household(1, 1)), consents: [TestRegistry.consent(.contractingParty)])))
        }
        try await t.expectRefusal("rule.L-14") {
            try await t.act(id, .transfer(Transfer(to: .household(t.household(0, 2)), consents: [])))
        }
        try await t.expectRefusal("rule.L-14") {
            try await t.act(
                id, .transfer(Transfer(to: .person(t.head(0, 2)), consents: [TestRegistry.consent(.contractingParty)])))
        }
    }

    @Test("a transfer moves the parcels into the receiving household's contract and cancels an emptied one")
    func contractLandTransfer() async throws {
        let t = try await TestRegistry()
        let source = t.contract(0, 1)
        let target = t.contract(0, 2)
        let consent = [TestRegistry.consent(.contractingParty)]
        try await t.act(
            source, .transfer(Transfer(to: .household(t.household(0, 2)), parcels: [t.parcel(0, 1)], consents: consent))
        )
        guard case .contractLand(let kept) = try await t.right(source).detail,
            case .contractLand(let gained) = try await t.right(target).detail
        else {
            Issue.record("contract land expected")
            return
        }
        #expect(kept.parcels.map(\.code) == [t.parcel(0, 2), t.parcel(0, 3)])
        #expect(gained.parcels.map(\.code).contains(t.parcel(0, 1)))
        #expect(gained.parcels.count == 4)
        #expect(try await t.reads.claim(on: t.parcel(0, 1))?.right == target)

        try await t.act(source, .transfer(Transfer(to: .household(t.household(0, 2)), consents: consent)))
        #expect(try await t.right(source).status(on: t.registry.today) == .cancelled)
        #expect(try await t.reads.claim(on: t.parcel(0, 3))?.right == target)
        try await t.expectRefusal("conflict.right") {
            try await t.act(source, .objection(applicant: "x", grounds: "y"))
        }
    }

    // MARK: Homesteads (T-3, T-6, H-2, H-5)

    func homesteadApplication(_ t: TestRegistry, household: HouseholdCode, unitNumber: Int, plot: String) throws
        -> RegistryAct
    {
        let village = t.county.villages()[0]
        let unit = try UnitCode(
            village + "JC" + String(unitNumber).leftPadded(to: 5) + "F0001" + String(unitNumber).leftPadded(to: 4))
        return .registerRight(
            RightApplication(
                subject: .homestead(
                    household: household, unit: unit,
                    homestead: Homestead(
                        location: "东港村", plotArea: try SquareMetres(plot), floorArea: nil, landCategory: .other)),
                term: nil))
    }

    @Test("T-3: one household, one homestead")
    func oneHomestead() async throws {
        let t = try await TestRegistry()
        try await t.expectRefusal("rule.T-3") {
            try await t.perform(homesteadApplication(t, household: t.household(0, 1), unitNumber: 900, plot: "100.00"))
        }
    }

    @Test("H-2: a new homestead keeps to the area standard; imported plots above it are marked")
    func areaStandard() async throws {
        let t = try await TestRegistry()
        let household = try await newHousehold(t)
        try await t.expectRefusal("rule.H-2") {
            try await t.perform(homesteadApplication(t, household: household, unitNumber: 900, plot: "140.01"))
        }
        try await t.perform(homesteadApplication(t, household: household, unitNumber: 900, plot: "140.00"))

        let policy = RegistryPolicy(
            homesteadAreaStandard: HomesteadAreaStandard(
                cultivated: SquareMetres(hundredths: 8_000), other: SquareMetres(hundredths: 9_000),
                mountain: SquareMetres(hundredths: 10_000)))
        try await t.perform(.setPolicy(policy))
        guard case .homestead(let homestead) = try await t.right(t.homestead(0, 1)).detail else { return }
        // Imported before the tighter standard: registered as it was, not retroactively marked.
        #expect(homestead.exceedsAreaStandard == false)
        let strict = try await TestRegistry(county: nil)
        try await strict.perform(.setPolicy(policy))
        let file = try TemporaryFile(lines: SyntheticCounty(householdsPerVillage: 2))
        let summary = try await Importer(registry: strict.registry, actor: "import:test").run(file.path)
        #expect(summary.problems.isEmpty)
        guard case .homestead(let imported) = try await strict.right(strict.homestead(0, 1)).detail else { return }
        #expect(imported.exceedsAreaStandard)
    }

    @Test("H-5, T-3, T-6: homesteads pass to member households that have none and never disposed of one")
    func homesteadTransfer() async throws {
        let t = try await TestRegistry()
        let id = t.homestead(0, 1)
        try await t.expectRefusal("rule.H-5") {
            try await t.act(id, .transfer(Transfer(to: .household(t.household(1, 1)))))
        }
        try await t.expectRefusal("rule.T-3") {
            try await t.act(id, .transfer(Transfer(to: .household(t.household(0, 2)))))
        }
        let buyer = try await newHousehold(t)
        try await t.act(id, .transfer(Transfer(to: .household(buyer), disposal: "sale")))
        #expect(try await t.right(id).holder == .household(buyer))
        let seller = try #require(try await t.reads.household(t.household(0, 1)))
        #expect(seller.disposedDwelling?.how == "sale")
        // T-6: the seller is not approved for a new homestead.
        try await t.expectRefusal("rule.T-6") {
            try await t.perform(homesteadApplication(t, household: t.household(0, 1), unitNumber: 901, plot: "100.00"))
        }
    }

    @Test("H-12 pilots: outside a pilot region a homestead does not pass to a non-member")
    func homesteadPilot() async throws {
        let t = try await TestRegistry()
        let outsider = Holder.household(t.household(1, 1))
        let seller = t.homestead(0, 3)
        try await t.expectRefusal("rule.H-5") { try await t.act(seller, .transfer(Transfer(to: outsider))) }
        var policy = RegistryPolicy.default
        policy.homesteadTransferPilots = [try RegionCode(String(t.county.villages()[0].prefix(9)))]
        try await t.perform(.setPolicy(policy))
        // The outsider already has a homestead in its own village: T-3 still applies.
        try await t.expectRefusal("rule.T-3") { try await t.act(seller, .transfer(Transfer(to: outsider))) }
    }

    // MARK: Shares (S-14, the charter's cap)

    @Test("S-14: shares are held by members unless the charter admits others")
    func shareHolders() async throws {
        let t = try await TestRegistry()
        let outsider = Holder.person(t.head(1, 1))
        let holding = ShareHolding(shares: 3, shareClass: "农龄股")
        let application = RegistryAct.registerRight(
            RightApplication(
                subject: .collectiveShare(collective: t.collective(0), holder: outsider, holding: holding), term: nil))
        try await t.expectRefusal("rule.S-14") { try await t.perform(application) }
        try await t.perform(.fileCharter(t.collective(0), ShareCharter(nonMemberHolders: true)))
        try await t.perform(application)
    }

    @Test("S-CAP: the charter caps one holder's shares, on registration and on transfer")
    func holdingCap() async throws {
        let t = try await TestRegistry()
        try await t.perform(.fileCharter(t.collective(0), ShareCharter(holdingCap: 4)))
        // Head 1 holds 3 人口股 (household of three).
        let more = RegistryAct.registerRight(
            RightApplication(
                subject: .collectiveShare(
                    collective: t.collective(0), holder: .person(t.head(0, 1)),
                    holding: ShareHolding(shares: 2, shareClass: "农龄股")),
                term: nil))
        try await t.expectRefusal("rule.S-CAP") { try await t.perform(more) }
        let shares = try await t.reads.rights(RightQuery(holder: .person(t.head(0, 2)), kind: .collectiveShare))
        let id = try #require(shares.first?.id)
        try await t.expectRefusal("rule.S-CAP") {
            try await t.act(id, .transfer(Transfer(to: .person(t.head(0, 1)), shares: 2)))
        }
        try await t.act(id, .transfer(Transfer(to: .person(t.head(0, 1)), shares: 1)))
        let after = try await t.reads.rights(RightQuery(holder: .person(t.head(0, 1)), kind: .collectiveShare))
        guard case .collectiveShare(let merged) = after.first?.detail else {
            Issue.record("share expected")
            return
        }
        #expect(after.count == 1)
        #expect(merged.shares == 4)
    }

    // MARK: 土地经营权 (L-16, L-17, L-20, L-23)

    func lease(
        _ t: TestRegistry, from parent: RightID, to holder: Holder, years: Int = 10, ending: Day? = nil,
        filing: Filing? = TestRegistry.filing(), consents: [Consent] = []
    ) throws -> RegistryAct {
        let start = Day("2027-01-01")!
        let end = ending ?? start.adding(years: years).adding(days: -1)
        return .registerRight(
            RightApplication(
                subject: .landManagement(
                    parent: parent, holder: holder, parcels: nil, method: .lease, use: "水稻种植", filing: filing,
                    consents: consents),
                term: try Term(start: start, end: end)))
    }

    @Test(
        "L-17, L-20, L-16: a 土地经营权 within the remaining term, filed with the 发包方; from five years registered with a certificate, shorter only filed"
    )
    func landManagementRules() async throws {
        let t = try await TestRegistry()
        let farm = Holder.person(t.head(1, 2))
        let parent = t.contract(0, 1)
        try await t.expectRefusal("rule.L-17") {
            try await t.perform(lease(t, from: parent, to: farm, ending: Day("2058-01-01")))
        }
        try await t.expectRefusal("rule.L-16") { try await t.perform(lease(t, from: parent, to: farm, filing: nil)) }
        // A 4-year 流转 (issue 13): filed, on the register, without a certificate; it blocks an
        // overlapping lease of the same parcels like a registered one.
        let short = try await t.perform(lease(t, from: t.contract(0, 2), to: farm, years: 4))
        let filed = try await t.right(RightID.landManagement(parent: t.contract(0, 2), entry: short.index))
        guard case .landManagement(let detail) = filed.detail else { throw RegistryError.invalid("kind", "a lease") }
        #expect(detail.isFiledOnly && filed.certificate == nil && filed.status(on: t.registry.today) == .current)
        try await t.expectRefusal("conflict.parcel") {
            try await t.perform(lease(t, from: t.contract(0, 2), to: .person(t.head(1, 3)), years: 10))
        }
        let entry = try await t.perform(lease(t, from: parent, to: farm, ending: Day("2057-12-31")))
        let id = RightID.landManagement(parent: parent, entry: entry.index)
        let registered = try await t.right(id)
        #expect(registered.kind == .landManagement && registered.certificate != nil)
        #expect(registered.filings.first?.filedWith == "发包方")
        // The same parcels cannot be passed on twice for overlapping terms.
        try await t.expectRefusal("conflict.parcel") {
            try await t.perform(lease(t, from: parent, to: .person(t.head(1, 3))))
        }
    }

    @Test("L-23: 再流转 needs the contract holder's written consent and a filing with the collective")
    func onwardLease() async throws {
        let t = try await TestRegistry()
        let parent = t.contract(0, 1)
        let entry = try await t.perform(lease(t, from: parent, to: .person(t.head(1, 2)), years: 20))
        let first = RightID.landManagement(parent: parent, entry: entry.index)
        let next = Holder.person(t.head(1, 3))
        try await t.expectRefusal("rule.L-23") { try await t.perform(lease(t, from: first, to: next)) }
        try await t.expectRefusal("rule.L-23") {
            try await t.perform(
                lease(t, from: first, to: next, filing: nil, consents: [TestRegistry.consent(.contractHolder)]))
        }
        try await t.perform(
            lease(
                t, from: first, to: next, filing: TestRegistry.filing("村集体经济组织", matter: "再流转"),
                consents: [TestRegistry.consent(.contractHolder)]))
        try await t.expectRefusal("rule.L-23") {
            try await t.act(first, .transfer(Transfer(to: next)))
        }
    }

    // MARK: Restrictions: seizure, objection, advance notice

    @Test("SPC-15: a seized right cannot be disposed of; later seizures queue (轮候) and take effect in turn")
    func seizures() async throws {
        let t = try await TestRegistry()
        let id = t.contract(0, 1)
        let transfer = RightAct.transfer(
            Transfer(to: .household(t.household(0, 2)), consents: [TestRegistry.consent(.contractingParty)]))
        try await t.act(id, .seizure(court: "海盐县人民法院", caseNumber: "(2026)浙0424执100号"))
        try await t.act(id, .seizure(court: "嘉兴市中级人民法院", caseNumber: "(2026)浙04执7号"))
        try await t.expectRefusal("rule.SPC-15") { try await t.act(id, transfer) }
        // Nor can a 土地经营权 be carved out of it (a 流转 disposes of the right too).
        try await t.expectRefusal("rule.SPC-15") {
            try await t.perform(lease(t, from: id, to: .person(t.head(1, 2))))
        }
        try await t.expectRefusal("not_found.seizure") {
            try await t.act(id, .seizureRelease(court: "杭州市中级人民法院", seizure: nil))
        }
        try await t.act(id, .seizureRelease(court: "海盐县人民法院", seizure: nil))
        try await t.expectRefusal("rule.SPC-15") { try await t.act(id, transfer) }
        try await t.act(id, .seizureRelease(court: "嘉兴市中级人民法院", seizure: nil))
        try await t.act(id, transfer)
    }

    @Test("C-5: an objection stops disposal until it lapses after 15 days")
    func objectionLapses() async throws {
        let t = try await TestRegistry(today: "2026-11-20")
        let id = t.homestead(0, 2)
        let buyer = try await newHousehold(t)
        try await t.act(id, .objection(applicant: "王某", grounds: "继承纠纷"))
        try await t.expectRefusal("rule.C-5") { try await t.act(id, .transfer(Transfer(to: .household(buyer)))) }
        t.clock.set("2026-12-06")
        try await t.act(id, .transfer(Transfer(to: .household(buyer))))
    }

    @Test("C-6: under an advance notice only the beneficiary may take the right; the notice lapses after 90 days")
    func advanceNotice() async throws {
        let t = try await TestRegistry(today: "2026-11-20")
        let id = t.homestead(0, 2)
        let promised = try await newHousehold(t, number: 50, head: 9_000)
        let other = try await newHousehold(t, number: 51, head: 9_001)
        try await t.act(id, .advanceNotice(beneficiary: .household(promised), reference: "买卖合同 2026-118"))
        try await t.expectRefusal("rule.C-6") { try await t.act(id, .transfer(Transfer(to: .household(other)))) }
        t.clock.set("2027-02-19")  // day 91
        try await t.act(id, .transfer(Transfer(to: .household(other))))

        let second = t.homestead(0, 3)
        try await t.act(second, .advanceNotice(beneficiary: .household(promised), reference: "买卖合同 2027-001"))
        // `promised` has no homestead yet, so it can take this one under its own notice.
        try await t.act(second, .transfer(Transfer(to: .household(promised))))
    }

    // MARK: 三权到户 and voluntary exit

    @Test("L-8, T-10: moving to town is recorded and changes nothing about the household's rights")
    func movingToTown() async throws {
        let t = try await TestRegistry()
        let household = t.household(0, 1)
        let held = try await t.reads.rights(RightQuery(holder: .household(household)))
        try await t.perform(.recordTownMove(household, TownMove(on: Day("2026-11-01")!, place: "海盐县武原街道")))
        #expect(try await t.reads.household(household)?.movedToTown?.place == "海盐县武原街道")
        #expect(try await t.reads.rights(RightQuery(holder: .household(household))) == held)
        // The household still acts on its rights as before: it can pass on a 土地经营权.
        try await t.perform(lease(t, from: t.contract(0, 1), to: .person(t.head(1, 1))))
    }

    // MARK: Change, correction, cancellation

    @Test("L-4 延包: a change extends the contract by another 30 years; parcels cannot be swapped by a change")
    func termExtension() async throws {
        let t = try await TestRegistry()
        let id = t.contract(0, 1)
        try await t.act(id, .change(term: .extend(years: 30), detail: nil, reason: "第二轮土地承包到期后再延长三十年"))
        // The extension follows the current term (2028–2057): the contract now runs to 2087.
        #expect(try await t.right(id).term == (try Term(start: Day("2028-01-01")!, end: Day("2087-12-31")!)))
        try await t.expectRefusal("rule.L-4") {
            try await t.act(id, .change(term: .extend(years: 20), detail: nil, reason: "x"))
        }
        try await t.expectRefusal("validation.parcels") {
            try await t.act(
                id,
                .change(
                    term: nil, detail: .contractLand(ContractLand(parcels: [parcel(t.parcel(0, 90_001))])), reason: "x")
            )
        }
    }

    @Test(
        "cancellation on a listed ground frees the parcels; a right with a live 土地经营权 carved out of it cannot be cancelled"
    )
    func cancellation() async throws {
        let t = try await TestRegistry()
        let id = t.contract(0, 3)
        let entry = try await t.perform(lease(t, from: id, to: .person(t.head(1, 1))))
        let expropriation = Cancellation(ground: .expropriated, document: "海政征〔2026〕12号")
        try await t.expectRefusal("conflict.right") { try await t.act(id, .cancellation(expropriation)) }
        try await t.act(
            RightID.landManagement(parent: id, entry: entry.index),
            .cancellation(
                Cancellation(
                    ground: .agreement, document: "解除协议",
                    consents: [TestRegistry.consent(.contractHolder), TestRegistry.consent(.holder)])))
        try await t.act(id, .cancellation(expropriation))
        #expect(try await t.reads.claim(on: t.parcel(0, 7)) == nil)
        // The freed parcel can be contracted again.
        let household = try await newHousehold(t)
        try await t.perform(contractApplication(household, parcels: [parcel(t.parcel(0, 7))]))
    }

    @Test("roster filing records the member count and a digest of who (S-4)")
    func rosterFiling() async throws {
        let t = try await TestRegistry()
        try await t.perform(.fileRoster(t.collective(0), filedWith: "海盐县农业农村局"))
        let filing = try #require(try await t.reads.collective(t.collective(0))?.rosterFilings.first)
        #expect(filing.members == 12)
        #expect(filing.digest.count == 64)
        try await t.perform(
            .addMember(
                t.household(0, 1),
                HouseholdMember(person: Person(name: "新生儿", idNumber: t.county.citizenID(9_100)), relation: "孙子女")))
        try await t.perform(.fileRoster(t.collective(0), filedWith: "海盐县农业农村局"))
        let second = try #require(try await t.reads.collective(t.collective(0))?.rosterFilings.last)
        #expect(second.members == 13)
        #expect(second.digest != filing.digest)
    }
}
