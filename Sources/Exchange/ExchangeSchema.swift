public import RightsRegistry

// The exchange keeps its entities as projection rows of the same log, beside the registry's:
// a settlement and the registry act it performs are entries of one transaction.

extension Listing: Entity {
    public static let table = EntityTable(name: "listings", columns: ["status", "right_id"])
    public var key: String { id.rawValue }
    public var columnValues: [String?] { [status.rawValue, terms.right.rawValue] }
}

extension Deal: Entity {
    public static let table = EntityTable(name: "deals", columns: ["listing"])
    public var key: String { id.rawValue }
    public var columnValues: [String?] { [listing.rawValue] }
}

extension Withdrawal: Entity {
    public static let table = EntityTable(name: "withdrawals", columns: ["right_id"])
    public var key: String { id.rawValue }
    public var columnValues: [String?] { [right.rawValue] }
}

extension ExchangeRulesRecord: Entity {
    /// Beside the registry's policy, in its settings table.
    public static let table = PolicyRecord.table
    public static let singletonKey = "exchange-rules"
    public var key: String { Self.singletonKey }
    public var columnValues: [String?] { [] }
}

extension DepositRefund: Entity {
    /// `status` is `due` until the refund is paid, then `paid`; `due` is the due day.
    public static let table = EntityTable(name: "deposit_refunds", columns: ["status", "due"])
    public var key: String { intent.rawValue }
    public var columnValues: [String?] { [isPaid ? "paid" : "due", refund.due.description] }

    static func keys(_ intents: [IntentID]) -> [EntityKey] { intents.map { key($0.rawValue) } }
}

extension EventCatalog {
    /// The exchange's log events.
    public static let exchange = EventCatalog(exchangeTypes)

    static let exchangeTypes: [any RegistryEvent.Type] = [
        ListingSubmitted.self, ListingReviewed.self, IntentRegistered.self, BidPlaced.self, ListingClosed.self,
        PriorityClaimed.self, PriorityMatched.self, ListingSuspended.self, ListingResumed.self,
        ListingTerminated.self, DepositRefunded.self, ContractSigned.self, DealForfeited.self, DealSettled.self,
        WithdrawalApplied.self, WithdrawalApproved.self, WithdrawalPaid.self, ExchangeRulesSet.self,
    ]
}

/// The whole product's storage — the registry's and the exchange's tables, migrations and
/// events — which every command, the server, the audit and the tests open the store with.
public enum ProductSchema {
    public static let migrations = StoreSchema(
        sqlite: SQLiteSchema.registry + [
            StoreMigration(
                "2026-11-22-exchange",
                """
                CREATE TABLE listings (key TEXT PRIMARY KEY, status TEXT, right_id TEXT, doc TEXT NOT NULL);
                CREATE INDEX listings_status ON listings(status);
                CREATE INDEX listings_right ON listings(right_id);
                CREATE TABLE deals (key TEXT PRIMARY KEY, listing TEXT, doc TEXT NOT NULL);
                CREATE INDEX deals_listing ON deals(listing);
                CREATE TABLE withdrawals (key TEXT PRIMARY KEY, right_id TEXT, doc TEXT NOT NULL);
                CREATE INDEX withdrawals_right ON withdrawals(right_id);
                """),
            StoreMigration(
                "2026-11-25-deposit-refunds",
                """
                CREATE TABLE deposit_refunds (key TEXT PRIMARY KEY, status TEXT, due TEXT, doc TEXT NOT NULL);
                CREATE INDEX deposit_refunds_status ON deposit_refunds(status, due);
                """),
        ],
        postgres: PostgresSchema.registry + [
            StoreMigration(
                "2026-11-22-exchange",
                """
                CREATE TABLE listings (
                    key TEXT COLLATE "C" PRIMARY KEY, status TEXT COLLATE "C", right_id TEXT COLLATE "C", doc TEXT NOT NULL
                );
                CREATE INDEX listings_status ON listings(status);
                CREATE INDEX listings_right ON listings(right_id);
                CREATE TABLE deals (key TEXT COLLATE "C" PRIMARY KEY, listing TEXT COLLATE "C", doc TEXT NOT NULL);
                CREATE INDEX deals_listing ON deals(listing);
                CREATE TABLE withdrawals (key TEXT COLLATE "C" PRIMARY KEY, right_id TEXT COLLATE "C", doc TEXT NOT NULL);
                CREATE INDEX withdrawals_right ON withdrawals(right_id);
                """),
            StoreMigration(
                "2026-11-25-deposit-refunds",
                """
                CREATE TABLE deposit_refunds (
                    key TEXT COLLATE "C" PRIMARY KEY, status TEXT COLLATE "C", due TEXT COLLATE "C", doc TEXT NOT NULL
                );
                CREATE INDEX deposit_refunds_status ON deposit_refunds(status, due);
                """),
        ])

    public static let catalog = EventCatalog.registry.merging(.exchange)

    /// What the register's acts do to the exchange, in the same transaction (a seizure suspends a listing).
    public static func reactions(_ store: any RegistryStore) -> [any RegistryReaction] {
        [ExchangeReaction(store: store)]
    }

    public static let tables: [EntityTable] =
        RegistryTables.all + [Listing.table, Deal.table, Withdrawal.table, DepositRefund.table]
}
