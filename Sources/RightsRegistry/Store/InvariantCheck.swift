/// Checks `RegisterInvariants` on a whole store, one collective at a time, so that a province's
/// register is checked in bounded memory.
public struct InvariantCheck: Sendable {
    public let store: any RegistryStore

    public init(store: any RegistryStore) { self.store = store }

    /// The violations on `day`, collective by collective; stops after `limit`.
    public func violations(on day: Day, limit: Int = 100) async throws -> [RegisterInvariants.Violation] {
        let reads = StoreReads(store: store)
        var found: [RegisterInvariants.Violation] = []
        var after: String?
        while true {
            let collectives = try await reads.query(Collective.self, [], after: after, limit: 500)
            for collective in collectives {
                found += RegisterInvariants.violations(in: try await snapshot(of: collective.code), on: day)
                if found.count >= limit { return Array(found.prefix(limit)) }
            }
            guard let last = collectives.last, collectives.count == 500 else { return found }
            after = last.code.rawValue
        }
    }

    /// One collective's rights, their encumbrances, and the claims on its parcels.
    public func snapshot(of collective: CollectiveCode) async throws -> RegisterInvariants.Snapshot {
        let reads = StoreReads(store: store)
        let rights = try await reads.query(Right.self, [.equals("collective", collective.rawValue)])
        var encumbrances: [Encumbrance] = []
        for start in stride(from: 0, to: rights.count, by: 500) {
            let ids = rights[start..<min(rights.count, start + 500)].map(\.id.rawValue)
            encumbrances += try await reads.query(Encumbrance.self, [.isIn("right_id", ids)])
        }
        let claims = try await reads.query(ParcelClaim.self, [.hasPrefix("key", collective.rawValue)])
        return RegisterInvariants.Snapshot(rights: rights, encumbrances: encumbrances, claims: claims)
    }
}
