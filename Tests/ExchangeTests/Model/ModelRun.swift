import Exchange
import Foundation
import RegistryTestSupport
import RightsRegistry

/// Runs a model script against a small county and checks, after every act, what the register
/// must never break:
///
/// - a refused act leaves the log and every projection row as they were;
/// - the register's invariants (`RegisterInvariants`): each parcel in one contract, leases on a
///   parcel never overlapping, every encumbrance in effect on a live right that holds what it
///   burdens;
/// - an active mortgage ends only by an explicit release, a payment in full, a foreclosure, or
///   the end of the term of the right it burdens; what it secures shrinks only by a payment;
/// - the shares of each collective change only by issue and redemption;
/// - a right is on the exchange once at a time, and a listing whose right is seized, disputed or
///   promised is suspended (a seizure after a deal suspends it in the same transaction);
/// - `rights audit` passes (every hundred acts and at the end).
final class ModelRun {
    typealias T = TestRegistry

    static let county = SyntheticCounty(householdsPerVillage: 6)
    /// Time stops here: contracts run to 2057, and every act of the model happens well inside.
    static let until = Day("2045-12-31")!
    static let courts = ["海盐县人民法院", "嘉兴市中级人民法院"]
    static let applicants = ["邻户张三", "村民李四", "王五"]
    static let grounds = ["四至有误", "面积有误", "权属争议"]

    /// The register as each act finds it: with a second process (`init(store:second:)`), the
    /// acts alternate between the two.
    var t: TestRegistry { onSecond ? processes[1].registry : processes[0].registry }
    var exchange: ExchangeService { onSecond ? processes[1].exchange : processes[0].exchange }
    private var processes: [(registry: TestRegistry, exchange: ExchangeService)] = []
    private var onSecond = false
    /// What happened, act by act, as a person would read it.
    private(set) var transcript: [String] = []
    private(set) var accepted = 0
    private(set) var refused = 0
    private var lessees: [Holder] = []
    private var nextHousehold = 50
    private var step = 0
    /// `RIGHTS_MODEL_TRANSCRIPT=live` prints each act as it happens (to see where a run hangs).
    private let live = ProcessInfo.processInfo.environment["RIGHTS_MODEL_TRANSCRIPT"] == "live"

    private func record(_ line: String) {
        transcript.append(line)
        if live { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }

    struct Failure: Error, CustomStringConvertible {
        let step: Int
        let problem: String
        var description: String { "act \(step + 1): \(problem)" }
    }

    /// A run on `store`; with `second` (another store on the same database), a run whose acts
    /// alternate between two processes.
    init(store: any RegistryStore, second: (any RegistryStore)? = nil) async throws {
        let first = try await TestRegistry(
            county: Self.county, store: store, tables: ProductSchema.tables, reactions: ProductSchema.reactions)
        processes = [(first, ExchangeService(registry: first.registry))]
        if let second {
            let other = first.sibling(on: second, reactions: ProductSchema.reactions)
            processes.append((other, ExchangeService(registry: other.registry)))
        }
        for n in 0..<2 {
            let grower = Person(name: "种植户\(n)", idNumber: Self.county.citizenID(9_000 + n))
            try await t.perform(.registerPerson(grower))
            lessees.append(.person(grower.idNumber))
        }
        let company = try CreditCode.completing("91330424MA2B0001X")
        try await t.perform(.registerOrganisation(Organisation(creditCode: company, name: "嘉兴农业发展有限公司")))
        lessees.append(.organisation(company))
    }

    var today: Day { t.registry.today }

    /// Runs `acts`; the first failure, or nil.
    func run(_ acts: [ModelAct], auditEvery: Int = 100) async throws -> Failure? {
        for (index, act) in acts.enumerated() {
            step = index
            onSecond = processes.count > 1 && index % 2 == 1
            let before = try await Observation(t)
            let size = try await t.store.size()
            if live {
                FileHandle.standardError.write(
                    Data("→ act \(index + 1): \(act.kind) at \(Date().timeIntervalSince1970)\n".utf8))
            }
            do {
                try await execute(act)
            } catch let failure as Failure {
                return failure
            } catch {
                return Failure(step: index, problem: "\(act.kind) failed unexpectedly: \(error)")
            }
            if let problem = try await check(since: before, size: size) {
                return Failure(step: index, problem: problem)
            }
            if (index + 1) % auditEvery == 0 || index == acts.count - 1, let finding = try await audit() {
                return Failure(step: index, problem: "audit: \(finding)")
            }
        }
        return nil
    }

    // MARK: Checks

    /// What the checks compare across an act.
    struct Observation {
        let mortgages: [EncumbranceID: Encumbrance]
        let shares: [CollectiveCode: Int]

        init(_ t: TestRegistry) async throws {
            let today = t.registry.today
            mortgages = Dictionary(
                try await ModelRun.encumbrances(t, .mortgage).filter { $0.isActive(on: today) }.map { ($0.id, $0) },
                uniquingKeysWith: { first, _ in first })
            var shares: [CollectiveCode: Int] = [:]
            for right in try await t.reads.rights(RightQuery(kind: .collectiveShare, status: .current(on: today))) {
                if case .collectiveShare(let holding) = right.detail {
                    shares[right.collective, default: 0] += holding.shares
                }
            }
            self.shares = shares
        }
    }

    func check(since before: Observation, size: UInt64) async throws -> String? {
        let violations = try await t.violations()
        if !violations.isEmpty { return "invariant broken: " + violations.map(\.description).joined(separator: "; ") }
        let entries = try await t.store.entries(size..<(try await t.store.size()))
        let after = try await Observation(t)
        for (id, mortgage) in before.mortgages {
            let paid = entries.filter {
                $0.kind == MortgagePaid.kind && $0.payload["mortgage"]?.stringValue == id.rawValue
            }
            guard let now = try await t.reads.encumbrance(id) else {
                return "mortgage \(id) vanished from the register"
            }
            if now.isActive(on: today) {
                if now.outstanding < mortgage.outstanding, paid.isEmpty {
                    return "mortgage \(id) secures less (\(now.outstanding) < \(mortgage.outstanding)) with no payment"
                }
                continue
            }
            let released = entries.contains {
                $0.kind == EncumbranceReleased.kind && $0.payload["encumbrance"]?.stringValue == id.rawValue
            }
            let paidOff = paid.contains { $0.payload["releases"]?.boolValue == true }
            let right = try await t.reads.right(now.right)
            let termEnded =
                now.status(on: today) == .lapsed && right?.term?.end == now.lapsesAfter
                && right?.status(on: today) == .expired
            if !(released || paidOff || termEnded) {
                return
                    "mortgage \(id) stopped being in effect (\(now.status(on: today))) without a release, a payment or a foreclosure"
            }
        }
        if let problem = try await exchangeProblem() { return problem }
        var issued: [CollectiveCode: Int] = [:]
        for entry in entries {
            if entry.kind == RightRegistered.kind,
                let shares = entry.payload["detail"]?["collective_share"]?["shares"]?.integerValue,
                let collective = entry.payload["collective"]?.stringValue.flatMap({ try? CollectiveCode($0) })
            {
                issued[collective, default: 0] += Int(shares)
            }
            if entry.kind == RightSurrendered.kind, let shares = entry.payload["shares"]?.integerValue,
                let collective = entry.payload["collective"]?.stringValue.flatMap({ try? CollectiveCode($0) })
            {
                issued[collective, default: 0] -= Int(shares)
            }
        }
        for collective in Set(before.shares.keys).union(after.shares.keys) {
            let change = after.shares[collective, default: 0] - before.shares[collective, default: 0]
            if change != issued[collective, default: 0] {
                return
                    "collective \(collective)'s shares changed by \(change), issued less redeemed \(issued[collective, default: 0])"
            }
        }
        return nil
    }

    /// The desk ends a listing that cannot go on (终结), every deposit released; a deal whose
    /// payment was refused stays on the exchange, where a later seizure must suspend it.
    func end(_ id: ListingID) async throws {
        _ = try await attempt("terminate \(id)") {
            _ = try await exchange.terminate(id, reason: "无法继续交易", actor: "desk")
        }
    }

    /// One live listing per right, and none running on a right a court, an objection or an
    /// advance notice holds.
    func exchangeProblem() async throws -> String? {
        var live: [RightID: ListingID] = [:]
        for listing in try await exchange.listings(status: nil, after: nil, limit: 100_000) where listing.status.isLive
        {
            if let other = live.updateValue(listing.id, forKey: listing.right) {
                return "\(listing.right) is on the exchange twice: \(other) and \(listing.id)"
            }
            guard listing.status != .suspended, listing.status != .submitted else { continue }
            let blocking = try await t.reads.encumbrances(on: listing.right).filter {
                $0.isActive(on: today) && [.seizure, .objection, .advanceNotice].contains($0.kind)
            }
            if let encumbrance = blocking.first {
                return
                    "\(listing.id) is \(listing.status.rawValue) while \(listing.right) carries \(encumbrance.kind.rawValue) \(encumbrance.id)"
            }
        }
        return nil
    }

    func audit() async throws -> String? {
        let scratch = try TemporaryDirectory("model-audit")
        let result = try await Maintenance(store: t.store, catalog: ProductSchema.catalog, tables: ProductSchema.tables)
            .audit(
                scratchPath: scratch.file("replay.sqlite"), migrations: ProductSchema.migrations.sqlite,
                checkpointKey: t.keys.noteVerifier, on: today)
        return result.finding?.description
    }

    /// Performs one atomic act; a refusal must leave the log and every projection row as they
    /// were. Returns whether the act was accepted.
    @discardableResult
    func attempt(_ what: String, _ body: () async throws -> Void) async throws -> Bool {
        let size = try await t.store.size()
        let snapshot = try await t.snapshot()
        do {
            try await body()
            accepted += 1
            record("\(step + 1). \(today) \(what)")
            return true
        } catch let error as RegistryError {
            refused += 1
            record("\(step + 1). \(today) \(what) — refused \(error.code)")
            guard try await t.store.size() == size, try await t.snapshot() == snapshot else {
                throw Failure(step: step, problem: "\(what): refused with \(error.code) but wrote to the register")
            }
            return false
        }
    }

    func note(_ what: String) { record("\(step + 1). \(today) \(what)") }

    // MARK: Reading the register

    static func encumbrances(_ t: TestRegistry, _ kind: EncumbranceKind) async throws -> [Encumbrance] {
        try await t.store.documents(Encumbrance.table, where: [.equals("kind", kind.rawValue)], after: nil, limit: nil)
            .map { try JSONValueDecoder().decode(Encumbrance.self, from: $0) }
    }

    func encumbrances(_ kind: EncumbranceKind, _ status: EncumbranceStatus) async throws -> [Encumbrance] {
        try await Self.encumbrances(t, kind).filter { $0.status(on: today) == status }
    }

    func rights(_ kinds: [RightKind]) async throws -> [Right] {
        var found: [Right] = []
        for kind in kinds {
            found += try await t.reads.rights(RightQuery(kind: kind, status: .current(on: today)))
        }
        return found
    }

    func households(in collective: CollectiveCode? = nil) async throws -> [Household] {
        try await t.store.documents(Household.table, where: [], after: nil, limit: nil)
            .map { try JSONValueDecoder().decode(Household.self, from: $0) }
            .filter { $0.extinct == nil && (collective == nil || $0.collective == collective) }
    }

    func parcels(of right: Right) -> [ParcelCode] {
        switch right.detail {
        case .contractLand(let land): land.parcels.map(\.code)
        case .landManagement(let lease): lease.parcels
        case .homestead, .collectiveShare: []
        }
    }

    func term(from start: Day, years: Int) throws -> Term {
        try Term(start: start, end: start.adding(years: years).adding(days: -1))
    }

    /// Moves the clock forward (never past `until`).
    func advance(to day: Day) {
        guard day > today else { return }
        t.clock.set(min(day, Self.until).description)
    }

    // MARK: The acts

    func execute(_ act: ModelAct) async throws {
        switch act.kind {
        case .transfer, .partialTransfer:
            guard let source = act.pick(try await rights([.contractLand]), 0),
                let receiver = act.pick(
                    try await households(in: source.collective).filter { .household($0.code) != source.holder }, 1)
            else { return note("\(act.kind): nothing to transfer") }
            let parcels = act.kind == .partialTransfer ? act.subset(parcels(of: source), 2) : nil
            try await attempt(
                "transfer \(source.id) \(parcels.map { "\($0.count) parcel(s) " } ?? "")→ \(receiver.code)"
            ) {
                try await t.act(source.id, T.transfer(to: receiver.code, parcels: parcels))
            }
        case .lease:
            guard let parent = act.pick(try await rights([.contractLand]), 0), let lessee = act.pick(lessees, 1) else {
                return note("lease: no contract")
            }
            let term = try term(from: today.adding(days: act.number(0...400, 2)), years: act.number(5...12, 3))
            let parcels = act.subset(parcels(of: parent), 4)
            try await attempt("lease of \(parcels.count) parcel(s) of \(parent.id) to \(lessee) for \(term)") {
                try await t.perform(
                    T.lease(
                        of: parent.id, to: lessee, parcels: parcels, from: term.start.description,
                        to: term.end.description))
            }
        case .sublease:
            guard let parent = act.pick(try await rights([.landManagement]), 0), let start = parent.term?.start,
                let lessee = act.pick(lessees.filter { $0 != parent.holder }, 1)
            else { return note("sublease: no lease") }
            let term = try term(from: start.adding(days: act.number(0...200, 2)), years: 5)
            try await attempt("再流转 of \(parent.id) to \(lessee) for \(term)") {
                try await t.perform(
                    T.lease(
                        of: parent.id, to: lessee, parcels: act.subset(parcels(of: parent), 3),
                        from: term.start.description, to: term.end.description,
                        consents: [T.consent(.contractHolder)]))
            }
        case .mortgage, .applyMortgage:
            guard let right = act.pick(try await rights([.contractLand, .collectiveShare, .landManagement]), 0) else {
                return note("mortgage: no right")
            }
            let bank = act.pick([T.bankA, T.bankB], 1) ?? T.bankA
            var shares: Int?
            if case .collectiveShare(let holding) = right.detail { shares = act.number(1...holding.shares, 2) }
            let parcels = right.kind == .contractLand ? act.subset(parcels(of: right), 3) : nil
            let term = try term(from: today.adding(days: -act.number(0...200, 4)), years: 3)
            let joint = act.kind == .mortgage
            try await attempt("\(joint ? "mortgage" : "mortgage application") of \(right.id) to \(bank)") {
                try await t.act(
                    right.id,
                    T.mortgage(
                        bank, Fen(Int64(act.number(10...800, 5)) * 1_000), parcels: parcels, shares: shares,
                        consents: [T.consent(.collective), T.consent(.contractHolder)], term: term, joint: joint))
            }
        case .joinMortgage:
            guard let pending = act.pick(try await encumbrances(.mortgage, .pending), 0) else {
                return note("join: nothing pending")
            }
            try await attempt("mortgagor joins \(pending.id) on \(pending.right)") {
                try await t.act(pending.right, .mortgageJoin(pending.id, T.mortgagor))
            }
        case .releaseMortgage:
            guard let mortgage = act.pick(try await encumbrances(.mortgage, .active), 0) else {
                return note("release: no mortgage")
            }
            let by = act.flag(1) ? mortgage.holder : (mortgage.holder == T.bankA ? T.bankB : T.bankA)
            try await attempt("\(by) releases \(mortgage.id)") {
                try await t.act(mortgage.right, .mortgageRelease(mortgage: mortgage.id, by: by))
            }
        case .seize:
            guard let right = act.pick(try await rights(RightKind.allCases), 0) else { return note("seize: nothing") }
            let court = act.pick(Self.courts, 1) ?? Self.courts[0]
            try await attempt("\(court) seizes \(right.id)") {
                try await t.act(right.id, .seizure(court: court, caseNumber: "(2026)执\(step)号"))
            }
        case .releaseSeizure:
            guard let seizure = act.pick(try await encumbrances(.seizure, .active), 0) else {
                return note("seizure release: none")
            }
            try await attempt("\(seizure.holder) releases \(seizure.id)") {
                try await t.act(seizure.right, .seizureRelease(court: seizure.holder, seizure: seizure.id))
            }
        case .object:
            guard let right = act.pick(try await rights(RightKind.allCases), 0) else { return note("object: nothing") }
            let applicant = act.pick(Self.applicants, 1) ?? ""
            let grounds = act.pick(Self.grounds, 2) ?? ""
            try await attempt("\(applicant) objects to \(right.id): \(grounds)") {
                try await t.act(right.id, .objection(applicant: applicant, grounds: grounds))
            }
        case .fileSuit:
            guard let objection = act.pick(try await encumbrances(.objection, .active).filter { $0.suit == nil }, 0)
            else { return note("suit: no objection") }
            try await attempt("suit on \(objection.id)") {
                try await t.act(
                    objection.right,
                    .objectionSuit(
                        objection.id, Suit(court: Self.courts[0], caseNumber: "(2026)民初\(step)号", acceptedOn: today)))
            }
        case .withdrawObjection:
            guard let objection = act.pick(try await encumbrances(.objection, .active), 0) else {
                return note("withdraw: no objection")
            }
            try await attempt("\(objection.holder) withdraws \(objection.id)") {
                try await t.act(objection.right, .objectionWithdrawal(objection.id, by: objection.holder))
            }
        case .advanceNotice:
            guard let right = act.pick(try await rights([.contractLand]), 0),
                let beneficiary = act.pick(
                    try await households(in: right.collective).filter { .household($0.code) != right.holder }, 1)
            else { return note("advance notice: nothing") }
            try await attempt("advance notice on \(right.id) for \(beneficiary.code)") {
                try await t.act(
                    right.id, .advanceNotice(beneficiary: .household(beneficiary.code), reference: "预告-\(step)"))
            }
        case .shareTransfer:
            guard let right = act.pick(try await rights([.collectiveShare]), 0),
                case .collectiveShare(let holding) = right.detail,
                let receiver = act.pick(
                    try await households(in: right.collective).map { Holder.person($0.head.idNumber) }
                        .filter { $0 != right.holder } + lessees, 1)
            else { return note("share transfer: nothing") }
            let shares = act.number(1...holding.shares, 2)
            let pledgees = try await encumbrances(.mortgage, .active).filter { $0.right == right.id }.map(\.holder)
            let consents =
                act.flag(3) ? pledgees.map { Consent(party: .mortgagee, by: $0, document: "同意书", on: today) } : []
            try await attempt("\(shares) share(s) of \(right.id) → \(receiver)") {
                try await t.act(right.id, .transfer(Transfer(to: receiver, shares: shares, consents: consents)))
            }
        case .swap:
            let contracts = try await rights([.contractLand])
            guard let first = act.pick(contracts, 0),
                let second = act.pick(contracts.filter { $0.collective == first.collective && $0.id != first.id }, 1)
            else { return note("swap: nothing") }
            let filing = Filing(matter: "互换", filedWith: "发包方", document: "互换备案-\(step)", on: today)
            let gives = act.subset(parcels(of: first), 2)
            let takes = act.subset(parcels(of: second), 3)
            try await attempt("swap \(gives.count) of \(first.id) for \(takes.count) of \(second.id)") {
                try await t.act(first.id, .swap(Swap(with: second.id, gives: gives, takes: takes, filing: filing)))
            }
        case .cancel:
            guard let right = act.pick(try await rights(RightKind.allCases), 0),
                let ground = act.pick(CancellationGround.allCases, 1)
            else { return note("cancel: nothing") }
            try await attempt("cancel \(right.id) (\(ground.rawValue))") {
                try await t.act(
                    right.id,
                    .cancellation(
                        Cancellation(
                            ground: ground, document: "文书-\(step)",
                            consents: [T.consent(.contractHolder), T.consent(.holder)])))
            }
        case .terminateLease:
            guard let lease = act.pick(try await rights([.landManagement]), 0),
                case .landManagement(let detail) = lease.detail,
                let contract = try await t.reads.right(detail.contractRight)
            else { return note("terminate: no lease") }
            let by = act.flag(1) ? contract.holder : lease.holder
            try await attempt("\(by) ends \(lease.id) (L-22)") {
                try await t.act(
                    lease.id, .termination(LeaseTermination(ground: .seriousBreach, by: by, document: "违约证明-\(step)")))
            }
        case .extend:
            guard let right = act.pick(try await rights([.contractLand]), 0) else { return note("extend: nothing") }
            try await attempt("延包 of \(right.id)") {
                try await t.act(right.id, .change(term: .extend(years: 30), detail: nil, reason: "延包"))
            }
        case .removeMember:
            guard let household = act.pick(try await households(), 0) else { return note("remove: nobody") }
            let people = household.people.map(\.idNumber)
            guard let person = act.pick(people, 1) else { return note("remove: nobody") }
            let marriage = act.flag(2)
            let removal = MemberRemoval(
                person: person, reason: marriage ? .marriage : .death, document: "证明-\(step)",
                landElsewhere: marriage ? "新居地承包合同" : nil,
                newHead: person == household.head.idNumber ? household.members.first?.person.idNumber : nil)
            try await attempt("\(person.masked) leaves \(household.code) (\(removal.reason.rawValue))") {
                try await t.perform(.removeMember(household.code, removal))
            }
        case .split:
            guard let household = act.pick(try await households().filter { !$0.members.isEmpty }, 0),
                let head = act.pick(household.members.map(\.person.idNumber), 1)
            else { return note("split: nothing") }
            let code = try HouseholdCode(household.collective.rawValue + String(nextHousehold).leftPadded(to: 4))
            nextHousehold += 1
            let contract = try await t.reads.right(.contractLand(ContractCode(household: household.code)))
            let parcels = act.flag(2) ? [] : contract.map { act.subset(self.parcels(of: $0), 3) } ?? []
            try await attempt("分户 of \(household.code) into \(code) with \(parcels.count) parcel(s)") {
                try await t.perform(
                    .splitHousehold(
                        HouseholdSplit(
                            household: household.code, code: code, head: head, members: [], parcels: parcels,
                            homestead: act.flag(4), agreement: "分户协议-\(step)")))
            }
        case .inherit:
            let extinct = try await t.store.documents(Household.table, where: [], after: nil, limit: nil)
                .map { try JSONValueDecoder().decode(Household.self, from: $0) }.filter { $0.extinct != nil }
            guard let household = act.pick(extinct, 0),
                let right = act.pick(
                    try await t.reads.rights(
                        RightQuery(holder: .household(household.code), status: .current(on: today))), 1),
                let heir = act.pick(
                    lessees + (try await households(in: household.collective)).map { .household($0.code) }, 2)
            else { return note("inherit: nobody died out") }
            try await attempt("\(heir) inherits \(right.id)") {
                try await t.act(
                    right.id,
                    .inheritance(
                        Inheritance(
                            heir: heir, deceased: household.head.idNumber, basis: .heirsAgreement,
                            deathCertificate: "死亡证明-\(step)", document: "继承协议-\(step)")))
            }
        case .sale:
            guard let right = act.pick(try await rights([.contractLand, .collectiveShare]), 0) else {
                return note("sale: nothing")
            }
            let pledgees = try await encumbrances(.mortgage, .active).filter { $0.right == right.id }.map(\.holder)
            let consents =
                [T.consent(.contractingParty)]
                + (act.flag(3) ? pledgees.map { Consent(party: .mortgagee, by: $0, document: "同意书", on: today) } : [])
            let buyers: [Holder] =
                right.kind == .contractLand
                ? try await households(in: right.collective).map { .household($0.code) }
                : try await households(in: right.collective).map { .person($0.head.idNumber) }
            guard let buyer = act.pick(buyers.filter { $0 != right.holder }, 1) else { return note("sale: no buyer") }
            try await sell(
                ListingApplication(
                    right: right.id, kind: right.kind == .contractLand ? .transfer : .shareSale,
                    price: Fen(Int64(act.number(50...900, 2)) * 1_000), increment: 1_000, deposit: 0, consents: consents
                ),
                to: buyer, foreclosing: nil, paying: !act.flag(5))
        case .foreclosure:
            guard
                let mortgage = act.pick(
                    try await encumbrances(.mortgage, .active).filter { ($0.term?.start ?? today) <= today }, 0),
                let right = try await t.reads.right(mortgage.right)
            else { return note("foreclosure: nothing due") }
            let buyers: [Holder] =
                right.kind == .contractLand
                ? try await households(in: right.collective).map { .household($0.code) }
                : try await households(in: right.collective).map { .person($0.head.idNumber) } + lessees
            guard let buyer = act.pick(buyers.filter { $0 != right.holder }, 1) else {
                return note("foreclosure: no buyer")
            }
            let statement = DefaultStatement(
                since: max(mortgage.term?.start ?? today, today.adding(days: -10)), amount: mortgage.outstanding,
                notice: "催收通知书-\(step)")
            try await sell(
                ListingApplication(
                    right: right.id, kind: .foreclosureSale, price: Fen(Int64(act.number(50...900, 2)) * 1_000),
                    increment: 1_000, deposit: 0, consents: [T.consent(.contractingParty)], default: statement),
                to: buyer, foreclosing: (mortgage.id, mortgage.holder))
        case .withdrawal:
            guard let right = act.pick(try await rights([.contractLand, .homestead, .collectiveShare]), 0) else {
                return note("withdrawal: nothing")
            }
            var application = WithdrawalApplication(
                right: right.id, compensation: 100_000, consents: [T.consent(.coHolders, "全体家庭成员")])
            switch right.detail {
            case .contractLand: application.noticeOn = today.adding(months: -7)
            case .homestead:
                application = WithdrawalApplication(
                    right: right.id, subsidy: 1_000_000, residualValue: 500_000, keepEligibility: act.flag(1),
                    consents: application.consents)
            case .collectiveShare(let holding): application.shares = act.number(1...holding.shares, 2)
            case .landManagement: break
            }
            var withdrawal: Withdrawal?
            try await attempt("withdrawal of \(right.id) applied") {
                withdrawal = try await exchange.applyWithdrawal(application, by: .desk, actor: "desk")
            }
            guard let id = withdrawal?.id else { return }
            guard
                try await attempt(
                    "withdrawal \(id) approved",
                    {
                        _ = try await exchange.approveWithdrawal(id, approval: "决议-\(step)", actor: "desk")
                    })
            else { return }
            try await attempt("withdrawal \(id) paid") {
                _ = try await exchange.payWithdrawal(id, reference: "付款-\(step)", actor: "desk")
            }
        case .advance:
            let days = act.number(1...400, 0)
            advance(to: today.adding(days: days))
            note("time passes: \(days) days")
        }
    }

    /// A listing through to settlement (or to the step that refuses it): submit (or foreclose),
    /// review, one buyer's intent, the announcement's end, close, payment.
    /// A sale through the exchange; with `paying` false the deal is left awaiting payment, on the
    /// exchange while later acts happen to its right.
    func sell(
        _ application: ListingApplication, to buyer: Holder, foreclosing: (EncumbranceID, String)?, paying: Bool = true
    ) async throws {
        var listing: Listing?
        let submitted = try await attempt(
            "\(application.kind.rawValue) of \(application.right) at \(application.price)"
        ) {
            if let (mortgage, bank) = foreclosing {
                listing = try await exchange.foreclose(mortgage, application, bank: bank, actor: "bank")
            } else {
                listing = try await exchange.submit(application, by: .desk, actor: "desk")
            }
        }
        guard submitted, let id = listing?.id else { return }
        guard
            try await attempt(
                "review \(id)",
                {
                    listing = try await exchange.review(id, approve: true, reason: nil, actor: "desk")
                })
        else {
            // The desk rejects what it cannot announce, so the right may be listed again.
            _ = try await attempt("reject \(id)") {
                _ = try await exchange.review(id, approve: false, reason: "审核未通过", actor: "desk")
            }
            return
        }
        guard
            try await attempt(
                "\(buyer) registers for \(id)",
                {
                    _ = try await exchange.registerIntent(
                        id, IntentApplication(buyer: buyer, deposit: 0), by: .desk, actor: "desk")
                })
        else { return try await end(id) }
        if let end = listing?.announcement?.end { advance(to: end.adding(days: 1)) }
        var deal: DealID?
        guard try await attempt("close \(id)", { deal = try await exchange.close(id, actor: "desk").deal }),
            let deal
        else { return try await end(id) }
        guard paying else { return note("\(deal) awaits payment") }
        try await attempt("pay \(deal)") {
            for party in ContractParty.allCases {
                _ = try await exchange.sign(deal, as: party, by: .desk, actor: "desk")
            }
            _ = try await exchange.confirmPayment(deal, reference: "回单-\(step)", actor: "desk")
        }
    }
}

extension ModelRun {
    /// The shortest subsequence of `acts` that still fails (delta debugging), each try on a new
    /// in-memory register, for at most `seconds`.
    static func shrink(_ acts: [ModelAct], seconds: Double = 120) async throws -> [ModelAct] {
        var current = acts
        var parts = 2
        let deadline = Date().addingTimeInterval(seconds)
        func fails(_ candidate: [ModelAct]) async throws -> Bool {
            let run = try await ModelRun(store: try await TestStore.sqliteMemory.make(ProductSchema.migrations))
            return try await run.run(candidate, auditEvery: .max) != nil
        }
        while current.count > 1, Date() < deadline {
            let size = (current.count + parts - 1) / parts
            var reduced = false
            for start in stride(from: 0, to: current.count, by: size) where Date() < deadline {
                let candidate = Array(current[..<start] + current[min(current.count, start + size)...])
                if try await fails(candidate) {
                    current = candidate
                    parts = max(parts - 1, 2)
                    reduced = true
                    break
                }
            }
            if !reduced {
                guard parts < current.count else { break }
                parts = min(current.count, parts * 2)
            }
        }
        return current
    }
}
