public import RightsRegistry

/// The exchange's side of the current state: listings, deals, withdrawals and refunds, read
/// from the same store (and, inside a write, the same state) as the register's.
public struct ExchangeReads: Sendable {
    public let store: any RegistryStore

    public init(store: any RegistryStore) { self.store = store }

    public func listing(_ id: ListingID) async throws -> Listing {
        try await load(Listing.self, id.rawValue, "listing")
    }
    public func deal(_ id: DealID) async throws -> Deal { try await load(Deal.self, id.rawValue, "deal") }
    public func withdrawal(_ id: WithdrawalID) async throws -> Withdrawal {
        try await load(Withdrawal.self, id.rawValue, "withdrawal")
    }
    public func refund(_ intent: IntentID) async throws -> DepositRefund {
        try await load(DepositRefund.self, intent.rawValue, "refund")
    }

    /// The rule set in force (the defaults until one is set).
    public func rules() async throws -> ExchangeRules {
        try await store.document(ExchangeRulesRecord.key(ExchangeRulesRecord.singletonKey))
            .map { try JSONValueDecoder().decode(ExchangeRulesRecord.self, from: $0).rules } ?? ExchangeRules()
    }

    /// The notice board: listings, optionally of one status, in ID order.
    public func listings(status: ListingStatus?, after: String?, limit: Int) async throws -> [Listing] {
        try await documents(Listing.self, status.map { [.equals("status", $0.rawValue)] } ?? [], after, limit)
    }

    /// The listings that still hold `right` on the exchange (one at most, E-2).
    public func liveListings(on right: RightID) async throws -> [Listing] {
        try await documents(Listing.self, [.equals("right_id", right.rawValue)], nil, nil).filter(\.status.isLive)
    }

    /// The operator's refund list: deposits released and not yet paid back (or paid, with `paid`).
    public func refunds(paid: Bool, after: String?, limit: Int) async throws -> [DepositRefund] {
        try await documents(DepositRefund.self, [.equals("status", paid ? "paid" : "due")], after, limit)
    }

    func documents<E: Entity>(_ type: E.Type, _ filters: [ColumnFilter], _ after: String?, _ limit: Int?)
        async throws -> [E]
    {
        try await store.documents(E.table, where: filters, after: after, limit: limit)
            .map { try JSONValueDecoder().decode(E.self, from: $0) }
    }

    func load<E: Entity>(_ type: E.Type, _ id: String, _ name: String) async throws -> E {
        guard let document = try await store.document(E.key(id)) else { throw RegistryError.notFound(name, id) }
        return try Documents.decode(E.self, key: id, from: document)
    }
}
