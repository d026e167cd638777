/// The registry's SQLite schema, as named, append-only migrations.
///
/// The log table holds each entry's canonical bytes, its leaf hash, and the hashes of the
/// complete subtrees whose last leaf it is (level 1 upwards, 32 bytes each), so every subtree
/// hash is one indexed read and the tree is never rebuilt. Projection tables are `key`, index
/// columns and the entity's canonical JSON `doc`; their rows are derived from the log and can be
/// rebuilt from it at any time.
public enum SQLiteSchema {
    public static let registry: [StoreMigration] = [
        StoreMigration(
            "2026-11-21-registry-log",
            """
            CREATE TABLE registry_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE log_entries (
                idx INTEGER PRIMARY KEY,
                leaf_hash BLOB NOT NULL,
                subtree_hashes BLOB NOT NULL,
                body BLOB NOT NULL
            );
            """),
        StoreMigration(
            "2026-11-21-registry-projections",
            """
            CREATE TABLE collectives (key TEXT PRIMARY KEY, region TEXT, doc TEXT NOT NULL);
            CREATE INDEX collectives_region ON collectives(region);
            CREATE TABLE households (key TEXT PRIMARY KEY, collective TEXT, doc TEXT NOT NULL);
            CREATE INDEX households_collective ON households(collective);
            CREATE TABLE members (
                key TEXT PRIMARY KEY, collective TEXT, id_number TEXT, household TEXT, doc TEXT NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX members_id_number ON members(id_number);
            CREATE INDEX members_collective ON members(collective);
            CREATE TABLE organisations (key TEXT PRIMARY KEY, doc TEXT NOT NULL);
            CREATE TABLE rights (
                key TEXT PRIMARY KEY, kind TEXT, status TEXT, holder TEXT, collective TEXT, region TEXT,
                parent TEXT, doc TEXT NOT NULL
            );
            CREATE INDEX rights_holder ON rights(holder, kind);
            CREATE INDEX rights_collective ON rights(collective, kind);
            CREATE INDEX rights_region ON rights(region);
            CREATE INDEX rights_parent ON rights(parent) WHERE parent IS NOT NULL;
            CREATE TABLE parcels (key TEXT PRIMARY KEY, right_id TEXT, doc TEXT NOT NULL) WITHOUT ROWID;
            CREATE INDEX parcels_right ON parcels(right_id);
            CREATE TABLE encumbrances (key TEXT PRIMARY KEY, right_id TEXT, kind TEXT, doc TEXT NOT NULL);
            CREATE INDEX encumbrances_right ON encumbrances(right_id);
            CREATE TABLE settings (key TEXT PRIMARY KEY, doc TEXT NOT NULL);
            """),
        StoreMigration(
            "2026-11-21-checkpoints",
            """
            CREATE TABLE checkpoints (size INTEGER PRIMARY KEY, note TEXT NOT NULL);
            """),
        StoreMigration(
            "2026-11-21-certificates",
            """
            CREATE TABLE certificates (key TEXT PRIMARY KEY, right_id TEXT, doc TEXT NOT NULL) WITHOUT ROWID;
            CREATE INDEX certificates_right ON certificates(right_id);
            CREATE TABLE certificate_sequences (key TEXT PRIMARY KEY, doc TEXT NOT NULL);
            """),
        StoreMigration(
            "2026-11-21-side-records",
            """
            CREATE TABLE side_records (tbl TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (tbl, key))
                WITHOUT ROWID;
            """),
        StoreMigration(
            "2026-11-21-mandates-and-watches",
            """
            CREATE TABLE mandates (key TEXT PRIMARY KEY, principal TEXT, agent TEXT, doc TEXT NOT NULL);
            CREATE INDEX mandates_agent ON mandates(agent);
            CREATE TABLE watches (key TEXT PRIMARY KEY, party TEXT, right_id TEXT, doc TEXT NOT NULL) WITHOUT ROWID;
            CREATE INDEX watches_party ON watches(party);
            """),
        StoreMigration(
            "2026-11-25-persons",
            """
            CREATE TABLE persons (key TEXT PRIMARY KEY, doc TEXT NOT NULL) WITHOUT ROWID;
            """),

    ]
}
