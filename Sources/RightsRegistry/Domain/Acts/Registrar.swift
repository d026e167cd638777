import Crypto
public import Foundation

/// Decides registry acts: checks an act against the rule book and the current register and
/// either returns the event to log or refuses with the rule that forbids it. It writes nothing;
/// a refused act therefore changes nothing.
public struct Registrar: Sendable {
    public let reads: any RegistryReads
    public let policy: RegistryPolicy
    /// Today in the registry's zone, from the injected clock.
    public let today: Day
    /// The instant the act is decided at (the injected clock's now), for rules that count in
    /// minutes rather than days (an auction's end).
    public let now: Date
    /// The index the decided entry will get; IDs derived from it (shares, leases, encumbrances)
    /// are therefore the same when the log is replayed.
    public let nextIndex: UInt64

    /// A mortgage the bank applied for lapses if the mortgagor has not completed it in this
    /// many days (R-11: a registration is decided within 30 working days).
    static let pendingMortgageDays = 45

    public init(reads: any RegistryReads, policy: RegistryPolicy, today: Day, now: Date, nextIndex: UInt64) {
        self.reads = reads
        self.policy = policy
        self.today = today
        self.now = now
        self.nextIndex = nextIndex
    }

    public func decide(_ act: RegistryAct) async throws -> any RegistryEvent {
        switch act {
        case .registerCollective(let application): return try await registerCollective(application)
        case .registerHousehold(let application): return try await registerHousehold(application)
        case .registerOrganisation(let organisation): return try await registerOrganisation(organisation)
        case .addMember(let household, let member): return try await addMember(member, to: household)
        case .recordTownMove(let household, let move): return try await recordTownMove(move, of: household)
        case .fileRoster(let collective, let filedWith): return try await fileRoster(of: collective, with: filedWith)
        case .fileCharter(let collective, let charter): return try await fileCharter(charter, of: collective)
        case .registerRight(let application): return try await register(application)
        case .completeRegistration(let id): return try await complete(id)
        case .onRight(let id, let act): return try await perform(act, on: id)
        case .setPolicy(let policy):
            // Bounds hold on every path, not only the parser's: a policy out of bounds would make
            // later acts undecidable and the log unreplayable.
            let problems = policy.problems
            guard problems.isEmpty else { throw RegistryError.invalid(problems) }
            return PolicySet(policy: policy)
        case .registerMandate(let application): return try await registerMandate(application)
        case .registerPerson(let person): return try await registerPerson(person)
        case .removeMember(let household, let removal): return try await removeMember(removal, from: household)
        case .splitHousehold(let split): return try await splitHousehold(split)
        }
    }

    /// FLM-8: a mandate states matters, authority and period and is signed by both sides; the
    /// principal must be on the register.
    func registerMandate(_ application: MandateApplication) async throws -> any RegistryEvent {
        guard application.signedByPrincipal, application.signedByAgent else {
            throw RegistryError.rule(
                "FLM-8", "a 委托书 must be signed or sealed by both the principal and the agent", field: "signed")
        }
        guard !application.matters.isEmpty else {
            throw RegistryError.rule("FLM-8", "a 委托书 names the matters it covers", field: "matters")
        }
        _ = try required(application.authority, "authority")
        _ = try required(application.agent, "agent")
        try await requireKnown(application.principal, field: "principal")
        guard application.term.end >= today else {
            throw RegistryError.rule("FLM-8", "the mandate's period ended on \(application.term.end)", field: "term")
        }
        return MandateRegistered(
            principal: application.principal, agent: application.agent, agentName: application.agentName,
            matters: application.matters.sorted(), authority: application.authority, term: application.term,
            document: application.document)
    }

    // MARK: Parties

    func registerCollective(_ application: CollectiveApplication) async throws -> any RegistryEvent {
        guard try await reads.collective(application.code) == nil else {
            throw RegistryError.conflict("collective", "collective \(application.code) is already registered")
        }
        try Rules.checkCollective(application)
        return CollectiveRegistered(
            code: application.code, name: application.name, creditCode: application.creditCode,
            charter: application.charter)
    }

    func registerHousehold(_ application: HouseholdApplication) async throws -> any RegistryEvent {
        guard try await reads.household(application.code) == nil else {
            throw RegistryError.conflict("household", "household \(application.code) is already registered")
        }
        // L-3: a contracting household belongs to the collective its code names.
        guard try await reads.collective(application.code.collective) != nil else {
            throw RegistryError.notFound("collective", application.code.collective.rawValue)
        }
        let people = [application.head] + application.members.map(\.person)
        var seen: Set<CitizenID> = []
        for (position, person) in people.enumerated() {
            let field = position == 0 ? "head.id_number" : "members[\(position - 1)].id_number"
            guard seen.insert(person.idNumber).inserted else {
                throw RegistryError.invalid(field, "\(person.idNumber.masked) appears twice in the household")
            }
            try requireAdmissible(person.idNumber, field: field)
            try await requireNoHousehold(person, field: field)
        }
        return HouseholdRegistered(
            code: application.code, head: application.head, members: application.members, origin: application.origin)
    }

    func registerOrganisation(_ organisation: Organisation) async throws -> any RegistryEvent {
        guard try await reads.organisation(organisation.creditCode) == nil else {
            throw RegistryError.conflict(
                "organisation", "organisation \(organisation.creditCode) is already registered")
        }
        return OrganisationRegistered(creditCode: organisation.creditCode, name: organisation.name)
    }

    func addMember(_ member: HouseholdMember, to code: HouseholdCode) async throws -> any RegistryEvent {
        try requireLiving(try await household(code))
        try requireAdmissible(member.person.idNumber, field: "id_number")
        try await requireNoHousehold(member.person, field: "id_number")
        let held = try await reads.rights(RightQuery(holder: .household(code), status: .live(on: today)))
        return MemberAdded(household: code, member: member, rights: held.map(\.id))
    }

    /// A person enters the register only with a number that can exist: born between 1900 and
    /// today, in a real administrative division (GB 11643, GB/T 2260).
    func requireAdmissible(_ id: CitizenID, field: String) throws {
        if let problem = id.admissionProblem(on: today) { throw RegistryError.invalid(field, problem) }
    }

    /// A person belongs to one household only.
    func requireNoHousehold(_ person: Person, field: String) async throws {
        for membership in try await reads.memberships(of: person.idNumber) {
            if let household = membership.household {
                throw RegistryError.invalid(
                    field, "\(person.idNumber.masked) is already a member of household \(household)")
            }
        }
    }

    /// A household that died out (承包方消亡) takes no new act of its own.
    func requireLiving(_ household: Household) throws {
        if let extinct = household.extinct {
            throw RegistryError.conflict("household", "household \(household.code) died out on \(extinct)")
        }
    }

    /// L-8, T-10: moving to town is recorded and nothing else; no right is touched and no later
    /// act is conditioned on it.
    func recordTownMove(_ move: TownMove, of code: HouseholdCode) async throws -> any RegistryEvent {
        _ = try await household(code)
        return TownMoveRecorded(household: code, move: move)
    }

    /// S-4: the roster is filed with the township and the county; the filing records how many
    /// members and a digest of exactly who, so a later roster can be compared with it.
    func fileRoster(of code: CollectiveCode, with body: String) async throws -> any RegistryEvent {
        _ = try await collective(code)
        guard !body.isEmpty else { throw RegistryError.invalid("filed_with", "name the body the roster is filed with") }
        let roster = try await reads.roster(of: code)
        let ids = roster.map(\.person.idNumber.rawValue).sorted().joined(separator: "\n")
        let digest = Hex.encode(SHA256.hash(data: Array(ids.utf8)))
        return RosterFiled(collective: code, filedWith: body, members: roster.count, digest: digest)
    }

    func fileCharter(_ charter: ShareCharter, of code: CollectiveCode) async throws -> any RegistryEvent {
        _ = try await collective(code)
        try Rules.checkCharter(charter)
        return CharterFiled(collective: code, charter: charter)
    }

    // MARK: Lookups that must succeed

    func collective(_ code: CollectiveCode) async throws -> Collective {
        guard let collective = try await reads.collective(code) else {
            throw RegistryError.notFound("collective", code.rawValue)
        }
        return collective
    }

    func household(_ code: HouseholdCode) async throws -> Household {
        guard let household = try await reads.household(code) else {
            throw RegistryError.notFound("household", code.rawValue)
        }
        return household
    }

    func right(_ id: RightID) async throws -> Right {
        guard let right = try await reads.right(id) else { throw RegistryError.notFound("right", id.rawValue) }
        return right
    }

    /// Whether `holder` is a member of `collective`: a household of it, or a person on its roster.
    public func isMember(_ holder: Holder, of collective: CollectiveCode) async throws -> Bool {
        switch holder {
        case .household(let code):
            guard code.collective == collective else { return false }
            return try await reads.household(code) != nil
        case .person(let id): return try await reads.membership(id, in: collective) != nil
        case .organisation, .collective: return false
        }
    }

    /// Whether a holder exists on the register at all.
    func requireKnown(_ holder: Holder, field: String) async throws {
        let known: Bool
        switch holder {
        case .household(let code): known = try await reads.household(code) != nil
        case .person(let id):
            let registered = try await reads.person(id) != nil
            let member = try await !reads.memberships(of: id).isEmpty
            known = registered || member
        case .organisation(let code): known = try await reads.organisation(code) != nil
        case .collective(let code): known = try await reads.collective(code) != nil
        }
        guard known else { throw RegistryError.invalid(field, "\(holder.masked) is not on the register") }
    }
}
