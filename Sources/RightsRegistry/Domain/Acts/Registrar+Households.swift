extension Registrar {
    /// A person on no household roster enters the register so that they can lease or buy: an
    /// outside grower (L-17(4) asks for agricultural ability, not membership), an heir, a buyer.
    func registerPerson(_ person: Person) async throws -> any RegistryEvent {
        _ = try required(person.name, "name")
        try requireAdmissible(person.idNumber, field: "id_number")
        let registered = try await reads.person(person.idNumber) != nil
        let member = try await !reads.memberships(of: person.idNumber).isEmpty
        if registered || member {
            throw RegistryError.conflict("person", "\(person.idNumber.masked) is already on the register")
        }
        return PersonRegistered(person: person)
    }

    /// A member leaves the household. Death takes a member off (the household dies out with its
    /// last member); a member who married out keeps her share of the household's land unless she
    /// obtained land at her new home (L-11); settling in town is never a reason (L-8, T-10).
    func removeMember(_ removal: MemberRemoval, from code: HouseholdCode) async throws -> any RegistryEvent {
        let household = try await household(code)
        try requireLiving(household)
        let isHead = household.head.idNumber == removal.person
        guard isHead || household.members.contains(where: { $0.person.idNumber == removal.person }) else {
            throw RegistryError.notFound("member", "\(removal.person.masked) of household \(code)")
        }
        let document = try required(removal.document, "document")
        switch removal.reason {
        case .death:
            break
        case .marriage:
            guard let land = removal.landElsewhere, !land.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw RegistryError.rule(
                    "L-11",
                    "a member who married out keeps her share of household \(code)'s land unless she obtained land at her new home; give that proof (land_elsewhere)",
                    field: "land_elsewhere")
            }
        case .settledInTown:
            throw RegistryError.rule(
                "L-8", "settling in town takes nobody off a household and no right from it (L-8, T-10)", field: "reason"
            )
        }
        var newHead: CitizenID?
        var extinct = false
        if isHead {
            if household.members.isEmpty {
                guard removal.reason == .death else {
                    throw RegistryError.invalid("person", "the household's last member leaves it only by death")
                }
                extinct = true
            } else {
                guard let next = removal.newHead, household.members.contains(where: { $0.person.idNumber == next })
                else {
                    throw RegistryError.invalid(
                        "new_head", "name the member who becomes household \(code)'s representative (承包方代表)")
                }
                newHead = next
            }
        }
        // The household's certificates list its members (L-7): each is restated.
        let rights = try await reads.rights(RightQuery(holder: .household(code), status: .live(on: today)))
        return MemberRemoved(
            household: code, person: removal.person, reason: removal.reason, document: document,
            landElsewhere: removal.landElsewhere, newHead: newHead, extinct: extinct, rights: rights.map(\.id))
    }

    /// 分户: members leave a household for a new one of the same collective, by an agreement all
    /// of them signed, taking the contract parcels and (if agreed) the homestead it gives them.
    /// What burdens those parcels goes with them; nothing seized, disputed or promised away moves.
    func splitHousehold(_ split: HouseholdSplit) async throws -> any RegistryEvent {
        let household = try await household(split.household)
        try requireLiving(household)
        _ = try required(split.agreement, "agreement")
        guard split.code.collective == household.collective else {
            throw RegistryError.rule(
                "L-3", "the new household is of the same collective \(household.collective)", field: "code")
        }
        guard try await reads.household(split.code) == nil else {
            throw RegistryError.conflict("household", "household \(split.code) is already registered")
        }
        let leaving = [split.head] + split.members
        guard Set(leaving).count == leaving.count else {
            throw RegistryError.invalid("members", "a member is named twice")
        }
        for (position, person) in leaving.enumerated() {
            let field = position == 0 ? "head" : "members[\(position - 1)]"
            guard household.members.contains(where: { $0.person.idNumber == person }) else {
                throw RegistryError.invalid(
                    field,
                    person == household.head.idNumber
                        ? "the household's representative stays with it"
                        : "\(person.masked) is not a member of household \(split.household)")
            }
        }
        let newHolder = Holder.household(split.code)
        let newContract = RightID.contractLand(ContractCode(household: split.code))
        var contract: RightID?
        var carriage = Carriage()
        if !split.parcels.isEmpty {
            guard let source = try await reads.right(.contractLand(ContractCode(household: split.household))),
                case .contractLand(let land) = source.detail
            else {
                throw RegistryError.invalid("parcels", "household \(split.household) holds no contract land")
            }
            try requireCurrent(source)
            guard Set(split.parcels).count == split.parcels.count,
                Set(split.parcels).isSubset(of: land.parcels.map(\.code))
            else {
                throw RegistryError.invalid("parcels", "parcels of \(source.id), each once")
            }
            try await requireDisposable(source, to: newHolder)
            carriage = try await self.carriage(
                ofParcels: Set(split.parcels), from: source, to: newContract, receiver: newHolder)
            contract = source.id
        }
        var homestead: RightID?
        if split.homestead {
            guard
                let held = try await reads.rights(
                    RightQuery(
                        holder: .household(split.household), kind: .homestead, status: .current(on: today), limit: 1)
                ).first
            else { throw RegistryError.invalid("homestead", "household \(split.household) holds no homestead") }
            try await requireDisposable(held, to: newHolder)
            homestead = held.id
        }
        let restated = try await reads.rights(
            RightQuery(holder: .household(split.household), status: .live(on: today))
        ).map(\.id).filter { $0 != homestead }
        let people = Dictionary(
            household.members.map { ($0.person.idNumber, $0) }, uniquingKeysWith: { first, _ in first })
        return HouseholdDivided(
            household: split.household, code: split.code, head: people[split.head]?.person ?? household.head,
            members: split.members.compactMap { people[$0] }, agreement: split.agreement, contract: contract,
            parcels: split.parcels.sorted(), homestead: homestead, carried: carriage, restated: restated)
    }
}
