import RightsRegistry

// Intents (E-4): buyers register within the announcement, with their deposit, their capacity
// and any priority right they claim.
extension ExchangeDecider {
    func registerIntent(_ id: ListingID, _ application: IntentApplication, by applicant: Applicant) async throws
        -> IntentRegistered
    {
        let listing = try await reads.listing(id)
        let buyer = application.buyer
        try await requireMandate(applicant, for: buyer, matter: .purchase)
        try requireRunning(listing)
        guard listing.status == .announced, let announcement = listing.announcement else {
            throw RegistryError.conflict("listing", "\(id) is \(listing.status.rawValue), not on the notice board")
        }
        guard announcement.contains(today) else {
            throw RegistryError.rule("E-4", "buyers register within the announcement, \(announcement)")
        }
        guard application.deposit == listing.deposit else {
            throw RegistryError.rule("E-4", "the 保证金 for \(id) is \(listing.deposit) fen", field: "deposit_fen")
        }
        guard buyer != listing.seller else { throw RegistryError.invalid("buyer", "the seller cannot buy") }
        guard !listing.intents.contains(where: { $0.buyer == buyer }) else {
            throw RegistryError.conflict("intent", "\(buyer.masked) is already registered for \(id)")
        }
        try await requireCapacity(buyer)
        if listing.kind == .lease, application.capacity?.isEmpty ?? true {
            throw RegistryError.rule(
                "L-17", "a 土地经营权 goes to a transferee with agricultural operating ability or qualifications",
                field: "capacity")
        }
        if let offer = application.offer, offer < listing.price {
            throw RegistryError.rule("E-5", "the offer is below the reserve \(listing.price)", field: "offer_fen")
        }
        // A priority claim the register does not bear out leaves the buyer an ordinary bidder,
        // with the refusal on its registration for the notice of result.
        var priority = application.priority
        var priorityRefused: String?
        if let claim = priority {
            do {
                try await checkPriority(claim, of: buyer, on: listing)
            } catch let refusal as RegistryError where refusal.category == .rule {
                priority = nil
                priorityRefused = "\(refusal.code): \(refusal.reason)"
            }
        }
        // Eligibility is the register's: the act settlement would perform must be allowed now.
        do {
            _ = try await registrar.decide(try Self.registryAct(for: listing, buyer: buyer, price: listing.price))
        } catch let error as RegistryError where ["to", "holder"].contains(error.field) {
            throw RegistryError(code: error.code, message: error.reason, field: "buyer")
        }
        return IntentRegistered(
            listing: id,
            intent: Intent(
                id: IntentID(entry: registrar.nextIndex), buyer: buyer, deposit: application.deposit,
                priority: priority, priorityRefused: priorityRefused, capacity: application.capacity,
                offer: application.offer))
    }

    /// Full civil capacity (民法典 art. 18): a person buyer, or a household's head, is of age.
    func requireCapacity(_ buyer: Holder) async throws {
        let person: CitizenID?
        switch buyer {
        case .person(let id): person = id
        case .household(let code): person = try await registrar.reads.household(code)?.head.idNumber
        case .organisation, .collective: person = nil
        }
        if let person, !person.isAdult(on: today) {
            throw RegistryError.rule("E-4", "the buyer must have full civil capacity (18 or older)", field: "buyer")
        }
    }

    /// L-17(5), L-18: members of the collective have priority on 流转 of its contract land;
    /// FLM-10: the lessee whose lease of this land has ended has the first renewal right. The
    /// exchange checks the claim against the register at registration.
    func checkPriority(_ claim: PriorityClaim, of buyer: Holder, on listing: Listing) async throws {
        let right = try await requireCurrent(listing.right)
        switch claim {
        case .member:
            guard listing.kind == .lease || listing.kind == .transfer, right.kind == .contractLand else {
                throw RegistryError.rule(
                    "L-18", "the members' priority right applies to 流转 of contract land", field: "priority")
            }
            guard try await registrar.isMember(buyer, of: right.collective) else {
                throw RegistryError.rule(
                    "L-18", "\(buyer.masked) is not a member of collective \(right.collective)", field: "priority")
            }
        case .renewal:
            let leases = try await registrar.reads.rights(
                RightQuery(holder: buyer, kind: .landManagement, parent: right.id))
            // The lessee whose lease has ended, or the sitting lessee whose lease ends before the
            // one offered begins.
            let offered = listing.lease?.term.start
            let qualifies = leases.contains { lease in
                lease.status(on: today) == .expired
                    || (lease.status(on: today) == .current
                        && offered.map { start in
                            lease.term.map { $0.end < start } ?? false
                        } ?? false)
            }
            guard listing.kind == .lease, qualifies else {
                throw RegistryError.rule(
                    "FLM-10", "\(buyer.masked) holds no lease of \(right.id) that has ended or ends before this one",
                    field: "priority")
            }
        }
    }
}
