import Foundation

/// The demo: a small synthetic county imported as 确权 data, then a few everyday acts on it — a
/// 土地经营权 leased to a cooperative, a transfer within a village, a seizure, an objection, a
/// share transfer, a household moving to town, a new registration in its public notice.
public enum DemoCounty {
    public static let county = SyntheticCounty(townships: 1, villagesPerTownship: 2, householdsPerVillage: 10)
    public static let actor = "clerk:演示"
    public static let origin = "registry.example/330424"
    /// The demo's bank and agent, as their tokens name them.
    public static let bank = "91330424MA2B1234XJ"
    public static let bankName = "海盐农村商业银行"
    public static let agent = "330424198001010012"
    public static let agentName = "村级代理员 李明"

    public struct Summary: Sendable {
        public let entries: UInt64
        public let cooperative: CreditCode
    }

    /// Registers the demo into an empty registry.
    public static func register(in registry: Registry) async throws -> Summary {
        guard try await registry.store.size() == 0 else {
            throw RegistryError.conflict("registry", "the demo needs an empty registry")
        }
        let path = NSTemporaryDirectory() + "rights-demo-\(UUID().uuidString).jsonl"
        var text = ""
        county.lines { text += $0 + "\n" }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var policy = try await registry.reads.policy()
        policy.issuer = "海盐县自然资源和规划局"
        policy.certificatePlace = "海盐县"
        try await registry.perform(.setPolicy(policy), actor: actor)
        let summary = try await Importer(registry: registry, actor: "import:demo-county.jsonl").run(path)
        guard summary.problems.isEmpty else {
            throw RegistryError.invalid("demo", summary.problems.map(\.description).joined(separator: "; "))
        }

        let villages = county.villages()
        func household(_ v: Int, _ h: Int) -> HouseholdCode {
            try! HouseholdCode(villages[v] + "00" + String(h).leftPadded(to: 4))
        }
        func contract(_ v: Int, _ h: Int) -> RightID { .contractLand(ContractCode(household: household(v, h))) }
        func head(_ v: Int, _ h: Int) -> CitizenID { county.citizenID((v * county.householdsPerVillage + h - 1) * 3) }
        let today = registry.today
        let consent = Consent(
            party: .contractingParty, by: "东港村股份经济合作社", document: "同意书(2026)01号", on: today)

        let cooperative = try CreditCode.completing("93330424MA2B00001")
        try await registry.perform(
            .registerOrganisation(Organisation(creditCode: cooperative, name: "海盐县东港粮油专业合作社")), actor: actor)
        try await registry.perform(
            .registerRight(
                RightApplication(
                    subject: .landManagement(
                        parent: contract(0, 1), holder: .organisation(cooperative), parcels: nil, method: .lease,
                        use: "水稻种植",
                        filing: Filing(matter: "流转", filedWith: "东港村股份经济合作社", document: "流转备案(2026)07号", on: today),
                        consents: []),
                    term: try Term(start: Day(year: 2027, month: 1, day: 1)!, end: Day(year: 2036, month: 12, day: 31)!)
                )),
            actor: actor)
        try await registry.perform(
            .onRight(
                contract(1, 2),
                .transfer(
                    Transfer(
                        to: .household(household(1, 3)), parcels: [try ParcelCode(villages[1] + "0000004")],
                        consents: [consent]))),
            actor: actor)
        try await registry.perform(
            .onRight(contract(0, 2), .seizure(court: "海盐县人民法院", caseNumber: "(2026)浙0424执1234号")), actor: actor)
        try await registry.perform(
            .onRight(contract(0, 3), .objection(applicant: "张某", grounds: "地块四至与实际不符")), actor: actor)
        let shares = try await registry.reads.rights(RightQuery(holder: .person(head(0, 4)), kind: .collectiveShare))
        if let holding = shares.first {
            try await registry.perform(
                .onRight(holding.id, .transfer(Transfer(to: .person(head(0, 5)), shares: 1))), actor: actor)
        }
        try await registry.perform(
            .recordTownMove(household(1, 1), TownMove(on: today, place: "海盐县武原街道")), actor: actor)
        try await registry.perform(
            .fileRoster(try CollectiveCode(villages[0] + "00"), filedWith: "海盐县农业农村局"), actor: actor)
        try await registry.perform(
            .registerMandate(
                MandateApplication(
                    principal: .household(household(0, 6)), agent: agent, agentName: agentName,
                    matters: [.lease, .transfer, .shareSale], authority: "代为办理土地经营权流转挂牌、签约",
                    term: try Term(start: today, end: today.adding(years: 1)), document: "委托书(2026)06号",
                    signedByPrincipal: true, signedByAgent: true)),
            actor: actor)
        let newcomer = try HouseholdCode(villages[0] + "000011")

        try await registry.perform(
            .registerHousehold(
                HouseholdApplication(
                    code: newcomer, head: Person(name: "新立户", idNumber: county.citizenID(90_000)), members: [])),
            actor: actor)
        try await registry.perform(
            .registerRight(
                RightApplication(
                    subject: .contractLand(
                        contract: ContractCode(household: newcomer),
                        parcels: [
                            Parcel(
                                code: try ParcelCode(villages[0] + "0090001"), location: "东港村机动地",
                                bounds: Bounds(east: "河", south: "路", west: "沟", north: "田"),
                                area: try SquareMetres("1200.00"),
                                landUse: .cropping, basicFarmland: true)
                        ]),
                    term: try Term(start: Day(year: 2028, month: 1, day: 1)!, end: Day(year: 2057, month: 12, day: 31)!)
                )),
            actor: actor)
        return Summary(entries: try await registry.store.size(), cooperative: cooperative)
    }
}
