public import RightsRegistry

// The exchange keeps its entities as projection rows of the same log, beside the registry's:
// a settlement and the registry act it performs are entries of one transaction.

extension Listing: Entity {
    public static let table = EntityTable(name: "listings", columns: ["status", "right_id"])
    public var key: String { id }
    public var columnValues: [String?] { [status.rawValue, right.rawValue] }
}

extension Deal: Entity {
    public static let table = EntityTable(name: "deals", columns: ["listing"])
    public var key: String { id }
    public var columnValues: [String?] { [listing] }
}

extension Withdrawal: Entity {
    public static let table = EntityTable(name: "withdrawals", columns: ["right_id"])
    public var key: String { id }
    public var columnValues: [String?] { [right.rawValue] }
}

extension EventCatalog {
    /// The exchange's log events.
    public static let exchange = EventCatalog([
        ListingSubmitted.self, ListingReviewed.self, IntentRegistered.self, BidPlaced.self, ListingClosed.self,
        PriorityMatched.self, DealForfeited.self, DealSettled.self, WithdrawalApplied.self, WithdrawalApproved.self,
        WithdrawalPaid.self,
    ])
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
                """)
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
                """)
        ])

    public static let catalog = EventCatalog.registry.merging(.exchange)

    public static let tables: [EntityTable] = RegistryTables.all + [Listing.table, Deal.table, Withdrawal.table]
}
