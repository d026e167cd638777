import RightsRegistry

/// Who may see or act on a matter about parties — checked before anything about the matter's
/// state is said: an administrator and the exchange desk always; a clerk within its region; an
/// agent only under a registered mandate in force from one of the parties (FLM-8); nobody else.
extension RegistryServices {
    func requireStanding(
        _ context: RegistryRequestContext, region: RegionCode, parties: [Holder]
    ) async throws {
        let caller = try context.caller()
        switch caller.role {
        case .admin, .exchange:
            return
        case .clerk:
            try context.requireScope(region)
        case .agent:
            for party in parties {
                if (try? await requireMandate(caller, for: party)) != nil { return }
            }
            throw Problem.forbidden(
                "auth.mandate", "\(caller.actor) holds no registered 委托书 (FLM-8) from a party to this matter")
        case .bank:
            throw Problem.forbidden("auth.role", "a bank sees its own searches and mortgages only")
        }
    }

    /// A clerk acts on a party only where the party is: the collective of its household, the
    /// rosters it is on, the rights it holds. A party the register places nowhere (a person
    /// registered on no roster and holding nothing) is an administrator's to act on.
    func requireScope(_ context: RegistryRequestContext, over party: Holder) async throws {
        let caller = try context.caller()
        guard caller.role == .clerk else { return }
        let regions = try await regions(of: party)
        guard !regions.isEmpty else {
            throw Problem.forbidden("auth.scope", "\(party.masked) is in no region: an administrator acts on it")
        }
        if let outside = regions.first(where: { !caller.mayAct(on: $0) }) {
            throw Problem.forbidden(
                "auth.scope", "\(party.masked) is in region \(outside), outside \(caller.actor)'s region")
        }
    }

    /// The regions a party is found in on the register.
    func regions(of party: Holder) async throws -> [RegionCode] {
        let reads = registry.reads
        let held = try await reads.rights(RightQuery(holder: party, status: .live(on: registry.today))).map(\.region)
        switch party {
        case .household(let code): return [code.collective.region] + held
        case .collective(let code): return [code.region]
        case .person(let id): return try await reads.memberships(of: id).map(\.collective.region) + held
        case .organisation: return held
        }
    }
}

extension RightID {
    /// The region of the right, for a scope check; a right not on the register is not found.
    func region(in services: RegistryServices) async throws -> RegionCode {
        if let right = try await services.registry.reads.right(self) { return right.region }
        throw RegistryError.notFound("right", rawValue)
    }
}
