/// The tables of the SQLite store. Times are milliseconds since 1970 (UTC).
enum SQLiteSchema {
    static let version = 4

    /// The statements that bring a store from each version to the next; `migrations[v]`
    /// upgrades version `v` to `v + 1` (version 0 is a new file).
    static let migrations: [[String]] = [initial, searchable, treeHeads, streamIndex]

    /// Version 4: a recipient's unacknowledged deliveries in sequence order, for streams
    /// resuming after an event id.
    static let streamIndex = [
        "CREATE INDEX deliveries_stream ON deliveries (recipient, seq) WHERE acknowledged_at IS NULL",
    ]

    /// Version 3: the signed tree heads the broker has committed to.
    static let treeHeads = [
        """
        CREATE TABLE tree_heads (
            tree_size INTEGER PRIMARY KEY,
            root_hash TEXT NOT NULL,
            timestamp TEXT NOT NULL,
            signed TEXT NOT NULL
        ) STRICT
        """,
    ]

    /// Version 2: events searchable by recipient and by keyed subject token.
    static let searchable = [
        "ALTER TABLE events ADD COLUMN recipient TEXT",
        "DROP TRIGGER events_no_update",
        "UPDATE events SET recipient = json_extract(CAST(entry AS TEXT), '$.recipient')",
        """
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'the event record is append-only'); END
        """,
        "CREATE INDEX events_agency ON events (agency)",
        "CREATE INDEX events_recipient ON events (recipient) WHERE recipient IS NOT NULL",
        """
        CREATE TABLE event_subjects (
            token TEXT NOT NULL,
            message_id TEXT NOT NULL,
            PRIMARY KEY (token, message_id)
        ) STRICT, WITHOUT ROWID
        """,
    ]

    static let initial = [
        """
        CREATE TABLE IF NOT EXISTS messages (
            id TEXT PRIMARY KEY,
            sender TEXT NOT NULL,
            type TEXT NOT NULL,
            area TEXT NOT NULL,
            digest BLOB NOT NULL,
            jws BLOB NOT NULL,
            received_at INTEGER NOT NULL,
            expires_at INTEGER,
            receipt BLOB NOT NULL
        ) STRICT
        """,
        """
        CREATE TABLE IF NOT EXISTS deliveries (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            message_id TEXT NOT NULL REFERENCES messages(id),
            recipient TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            visible_at INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER,
            first_delivered_at INTEGER,
            last_delivered_at INTEGER,
            acknowledged_at INTEGER
        ) STRICT
        """,
        """
        CREATE INDEX IF NOT EXISTS deliveries_inbox
            ON deliveries (recipient, visible_at) WHERE acknowledged_at IS NULL
        """,
        "CREATE INDEX IF NOT EXISTS deliveries_message ON deliveries (message_id)",
        """
        CREATE TABLE IF NOT EXISTS events (
            idx INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            at INTEGER NOT NULL,
            agency TEXT NOT NULL,
            message_id TEXT,
            entry BLOB NOT NULL
        ) STRICT
        """,
        "CREATE INDEX IF NOT EXISTS events_message ON events (message_id) WHERE message_id IS NOT NULL",
        // Append-only: the event record is never changed or shortened through SQL.
        """
        CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'the event record is append-only'); END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'the event record is append-only'); END
        """,
    ]
}
