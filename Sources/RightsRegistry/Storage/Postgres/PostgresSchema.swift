/// The registry's PostgreSQL schema, as named, append-only migrations (statements separated by
/// a `;` at the end of a line). The same tables as `SQLiteSchema`, plus `log_head`:
///
/// - `log_head` is one row holding the log's size. Every append locks it first
///   (`SELECT … FOR UPDATE`), so writers in any number of processes and servers take turns and
///   the log stays gapless and ordered; readers never touch the lock (MVCC), so reads do not
///   wait for writes.
/// - Text columns are `COLLATE "C"`: keys and index columns compare bytewise, as in SQLite, so
///   key order, paging and prefix ranges are the same in both stores whatever the database's
///   locale.
public enum PostgresSchema {
    public static let registry: [StoreMigration] = [
        StoreMigration(
            "2026-11-21-registry-log",
            """
            CREATE TABLE registry_settings (name TEXT COLLATE "C" PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE log_entries (
                idx BIGINT PRIMARY KEY,
                leaf_hash BYTEA NOT NULL,
                subtree_hashes BYTEA NOT NULL,
                body BYTEA NOT NULL
            );
            CREATE TABLE log_head (
                singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
                size BIGINT NOT NULL
            );
            INSERT INTO log_head (size) VALUES (0);
            """),
        StoreMigration(
            "2026-11-21-registry-projections",
            """
            CREATE TABLE collectives (key TEXT COLLATE "C" PRIMARY KEY, region TEXT COLLATE "C", doc TEXT NOT NULL);
            CREATE INDEX collectives_region ON collectives(region);
            CREATE TABLE households (key TEXT COLLATE "C" PRIMARY KEY, collective TEXT COLLATE "C", doc TEXT NOT NULL);
            CREATE INDEX households_collective ON households(collective);
            CREATE TABLE members (
                key TEXT COLLATE "C" PRIMARY KEY, collective TEXT COLLATE "C", id_number TEXT COLLATE "C",
                household TEXT COLLATE "C", doc TEXT NOT NULL
            );
            CREATE INDEX members_id_number ON members(id_number);
            CREATE INDEX members_collective ON members(collective);
            CREATE TABLE organisations (key TEXT COLLATE "C" PRIMARY KEY, doc TEXT NOT NULL);
            CREATE TABLE rights (
                key TEXT COLLATE "C" PRIMARY KEY, kind TEXT COLLATE "C", status TEXT COLLATE "C",
                holder TEXT COLLATE "C", collective TEXT COLLATE "C", region TEXT COLLATE "C",
                parent TEXT COLLATE "C", doc TEXT NOT NULL
            );
            CREATE INDEX rights_holder ON rights(holder, kind);
            CREATE INDEX rights_collective ON rights(collective, kind);
            CREATE INDEX rights_region ON rights(region);
            CREATE INDEX rights_parent ON rights(parent) WHERE parent IS NOT NULL;
            CREATE TABLE parcels (key TEXT COLLATE "C" PRIMARY KEY, right_id TEXT COLLATE "C", doc TEXT NOT NULL);
            CREATE INDEX parcels_right ON parcels(right_id);
            CREATE TABLE encumbrances (
                key TEXT COLLATE "C" PRIMARY KEY, right_id TEXT COLLATE "C", kind TEXT COLLATE "C", doc TEXT NOT NULL
            );
            CREATE INDEX encumbrances_right ON encumbrances(right_id);
            CREATE TABLE settings (key TEXT COLLATE "C" PRIMARY KEY, doc TEXT NOT NULL);
            """),
        StoreMigration(
            "2026-11-21-checkpoints",
            """
            CREATE TABLE checkpoints (size BIGINT PRIMARY KEY, note TEXT NOT NULL);
            """),
        StoreMigration(
            "2026-11-21-certificates",
            """
            CREATE TABLE certificates (key TEXT COLLATE "C" PRIMARY KEY, right_id TEXT COLLATE "C", doc TEXT NOT NULL);
            CREATE INDEX certificates_right ON certificates(right_id);
            CREATE TABLE certificate_sequences (key TEXT COLLATE "C" PRIMARY KEY, doc TEXT NOT NULL);
            """),
        StoreMigration(
            "2026-11-21-side-records",
            """
            CREATE TABLE side_records (
                tbl TEXT COLLATE "C" NOT NULL, key TEXT COLLATE "C" NOT NULL, value BYTEA NOT NULL,
                PRIMARY KEY (tbl, key)
            );
            """),
        StoreMigration(
            "2026-11-21-mandates-and-watches",
            """
            CREATE TABLE mandates (
                key TEXT COLLATE "C" PRIMARY KEY, principal TEXT COLLATE "C", agent TEXT COLLATE "C", doc TEXT NOT NULL
            );
            CREATE INDEX mandates_agent ON mandates(agent);
            CREATE TABLE watches (
                key TEXT COLLATE "C" PRIMARY KEY, party TEXT COLLATE "C", right_id TEXT COLLATE "C", doc TEXT NOT NULL
            );
            CREATE INDEX watches_party ON watches(party);
            """),
        StoreMigration(
            "2026-11-25-persons",
            """
            CREATE TABLE persons (key TEXT COLLATE "C" PRIMARY KEY, doc TEXT NOT NULL);
            """),
    ]
}
