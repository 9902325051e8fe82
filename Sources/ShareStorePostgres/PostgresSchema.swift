import Logging
import PostgresNIO
import ShareStore

/// The tables of the PostgreSQL store and the migrations that make them. Times are BIGINT
/// milliseconds since 1970 (UTC), ids UUIDs, agencies TEXT, bytes BYTEA.
enum PostgresSchema {
    static let version = 8

    /// The statements that bring a database from each version to the next; `migrations[v]`
    /// upgrades version `v` to `v + 1` (version 0 is an empty database).
    static let migrations: [[String]] = [initial, deliveryDeadlines, subtrees, retention, attachments, streamPresence, subtreeBlocks,
                                         writersVersion]

    /// Version 2: when each delivery must be acknowledged (its type's delivery deadline), and
    /// when the timers settled a delivery not acknowledged by then.
    static let deliveryDeadlines = [
        "ALTER TABLE deliveries ADD COLUMN due_by BIGINT",
        "ALTER TABLE deliveries ADD COLUMN due_handled_at BIGINT",
        """
        CREATE INDEX deliveries_past_due ON deliveries (due_by)
            WHERE due_by IS NOT NULL AND due_handled_at IS NULL AND acknowledged_at IS NULL
        """,
    ]

    /// Version 4: when a message's content was destroyed at the end of its retention, the
    /// messages retention may still end for (by type and age), and the subjects under a legal hold.
    static let retention = [
        "ALTER TABLE messages ADD COLUMN purged_at BIGINT",
        "CREATE INDEX messages_retention ON messages (type, received_at) WHERE purged_at IS NULL",
        """
        CREATE TABLE legal_holds (
            token TEXT PRIMARY KEY,
            placed_at BIGINT NOT NULL
        )
        """,
    ]

    /// Version 5: documents uploaded for messages to reference by digest, kept in chunks (each
    /// sealed on its own when payloads are encrypted; stored uncompressed, as sealed bytes do not
    /// compress), and which messages reference which.
    static let attachments = [
        """
        CREATE TABLE attachment_chunks (
            upload UUID NOT NULL,
            idx INTEGER NOT NULL,
            written_at BIGINT NOT NULL,
            sealed BOOLEAN NOT NULL,
            bytes BYTEA NOT NULL,
            PRIMARY KEY (upload, idx)
        )
        """,
        "ALTER TABLE attachment_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL",
        "CREATE INDEX attachment_chunks_written ON attachment_chunks (written_at)",
        """
        CREATE TABLE attachments (
            uploader TEXT NOT NULL,
            digest BYTEA NOT NULL,
            upload UUID NOT NULL UNIQUE,
            media_type TEXT NOT NULL,
            size BIGINT NOT NULL,
            chunks INTEGER NOT NULL,
            uploaded_at BIGINT NOT NULL,
            PRIMARY KEY (uploader, digest)
        )
        """,
        """
        CREATE TABLE message_attachments (
            message_id UUID NOT NULL,
            digest BYTEA NOT NULL,
            PRIMARY KEY (message_id, digest)
        )
        """,
        "CREATE INDEX message_attachments_digest ON message_attachments (digest)",
    ]

    /// Version 6: which node has delivery streams open for which agency, until when by the
    /// database's clock (`PostgresStore.holdStreamPresence`), so that a node publishing a
    /// message hands it out to streams open on any node.
    static let streamPresence = [
        """
        CREATE TABLE stream_presence (
            node UUID NOT NULL,
            agency TEXT NOT NULL,
            expires_at BIGINT NOT NULL,
            PRIMARY KEY (node, agency)
        )
        """,
    ]

    /// Version 7: the Merkle tree stored as blocks of eight subtree hashes (`SubtreeBlock`), a
    /// row per eight subtrees of every third level instead of a row per subtree; the subtrees
    /// of version 3 are packed into blocks. A block is only ever extended, and never deleted.
    static let subtreeBlocks = [
        """
        CREATE TABLE subtree_blocks (
            band BIGINT NOT NULL,
            idx BIGINT NOT NULL,
            hashes BYTEA NOT NULL,
            PRIMARY KEY (band, idx)
        )
        """,
        """
        INSERT INTO subtree_blocks (band, idx, hashes)
        SELECT level / 3, idx / 8, string_agg(hash, ''::bytea ORDER BY idx) FROM subtrees
        WHERE level % 3 = 0 GROUP BY level / 3, idx / 8
        """,
        "DROP TABLE subtrees",
        "DROP FUNCTION subtrees_never_change",
        """
        CREATE FUNCTION subtree_blocks_only_extended() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.band <> OLD.band OR NEW.idx <> OLD.idx OR length(NEW.hashes) <= length(OLD.hashes)
                OR substring(NEW.hashes FROM 1 FOR length(OLD.hashes)) <> OLD.hashes THEN
                RAISE EXCEPTION 'a stored subtree block is only ever extended';
            END IF;
            RETURN NEW;
        END $$
        """,
        """
        CREATE TRIGGER subtree_blocks_extended BEFORE UPDATE ON subtree_blocks
            FOR EACH ROW EXECUTE FUNCTION subtree_blocks_only_extended()
        """,
        """
        CREATE FUNCTION subtree_blocks_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'stored subtree blocks are never deleted'; END $$
        """,
        """
        CREATE TRIGGER subtree_blocks_no_delete BEFORE DELETE OR TRUNCATE ON subtree_blocks
            FOR EACH STATEMENT EXECUTE FUNCTION subtree_blocks_never_deleted()
        """,
    ]

    /// Version 8: the schema version that nodes must be built for to write, kept in the row
    /// every write transaction locks (`log_head`), so that a node of an earlier version, still
    /// running when a newer one upgrades the database, writes nothing from then on (its append
    /// finds no head of its version: `LogAppend`) and its clients move to an upgraded node.
    /// `migrate` sets it to the version it brings the database to.
    static let writersVersion = [
        "ALTER TABLE log_head ADD COLUMN schema_version INTEGER NOT NULL DEFAULT 0",
    ]

    /// The error of every write of a node whose database a newer node upgraded to `version`.
    static func leftBehind(by version: Int) -> StoreError {
        StoreError(.outdated, """
            The database was upgraded to schema \(version) by a newer sharebroker; this node is of schema \(self.version) \
            and writes nothing to it, so nothing was stored. Upgrade this node; meanwhile send writes to an upgraded node.
            """)
    }

    /// Any constant: the key of the advisory lock that makes two nodes migrating one database
    /// at once take turns (the second finds the schema made and does nothing).
    static let migrationLockKey = 0x5348_4152_4542_524B

    /// Brings the database's schema up to date in one transaction holding the migration lock;
    /// refuses a database written by a newer version.
    static func migrate(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.rows("BEGIN", logger: logger)
        do {
            try await connection.rows("SELECT pg_advisory_xact_lock(\(migrationLockKey))", logger: logger)
            try await connection.rows(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", logger: logger)
            let current = try await connection.rows("SELECT max(version) FROM schema_version", logger: logger)
                .first?.decode(Int?.self) ?? 0
            guard current <= version else {
                throw StoreError(.cannotOpen, "The database was written by a newer version (schema \(current)); upgrade sharebroker.")
            }
            for migration in migrations[current...] {
                for statement in migration { try await connection.rows(PostgresQuery(unsafeSQL: statement), logger: logger) }
            }
            if current < version {
                try await connection.rows("DELETE FROM schema_version", logger: logger)
                try await connection.rows("INSERT INTO schema_version (version) VALUES (\(version))", logger: logger)
                try await connection.rows("UPDATE log_head SET schema_version = \(version) WHERE id = 1", logger: logger)
            }
            try await connection.rows("COMMIT", logger: logger)
        } catch {
            await connection.rollBack(after: error, logger: logger)
            throw error
        }
    }

    /// Version 3: the Merkle tree's complete subtrees (`SubtreeID`), so that no node holds or
    /// rebuilds the whole tree. The broker fills it from the stored entries, in chunks that each
    /// commit, the first time a node starts on the new version (`AuditLog.catchUp`).
    static let subtrees = [
        """
        CREATE TABLE subtrees (
            level BIGINT NOT NULL,
            idx BIGINT NOT NULL,
            hash BYTEA NOT NULL,
            PRIMARY KEY (level, idx)
        )
        """,
        """
        CREATE FUNCTION subtrees_never_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'stored subtrees are never changed'; END $$
        """,
        """
        CREATE TRIGGER subtrees_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON subtrees
            FOR EACH STATEMENT EXECUTE FUNCTION subtrees_never_change()
        """,
    ]

    static let initial = [
        // The end of the event record and of the delivery sequence. Every transaction that
        // appends takes this one row's lock last and assigns from it, so indexes and sequences
        // grow in commit order (see `LogAppend`).
        """
        CREATE TABLE log_head (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            next_index BIGINT NOT NULL,
            next_seq BIGINT NOT NULL
        )
        """,
        "INSERT INTO log_head (id, next_index, next_seq) VALUES (1, 0, 1)",
        """
        CREATE TABLE messages (
            id UUID PRIMARY KEY,
            sender TEXT NOT NULL,
            type TEXT NOT NULL,
            area TEXT NOT NULL,
            digest BYTEA NOT NULL,
            jws BYTEA NOT NULL,
            received_at BIGINT NOT NULL,
            expires_at BIGINT,
            respond_by BIGINT,
            in_reply_to UUID,
            audit_index BIGINT NOT NULL UNIQUE,
            expiry_handled_at BIGINT,
            deadline_handled_at BIGINT
        )
        """,
        "CREATE INDEX messages_in_reply_to ON messages (in_reply_to) WHERE in_reply_to IS NOT NULL",
        """
        CREATE INDEX messages_expiry_due ON messages (expires_at)
            WHERE expires_at IS NOT NULL AND expiry_handled_at IS NULL
        """,
        """
        CREATE INDEX messages_deadline_due ON messages (respond_by)
            WHERE respond_by IS NOT NULL AND deadline_handled_at IS NULL
        """,
        """
        CREATE TABLE deliveries (
            seq BIGINT PRIMARY KEY,
            id UUID NOT NULL UNIQUE,
            message_id UUID NOT NULL REFERENCES messages (id),
            message_index BIGINT NOT NULL,
            recipient TEXT NOT NULL,
            attempts BIGINT NOT NULL,
            visible_at BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            expires_at BIGINT,
            first_delivered_at BIGINT,
            last_delivered_at BIGINT,
            streamed_at BIGINT,
            acknowledged_at BIGINT,
            dead_lettered_at BIGINT
        )
        """,
        "CREATE INDEX deliveries_message_index ON deliveries (message_index)",
        "CREATE INDEX deliveries_stream ON deliveries (recipient, seq) WHERE acknowledged_at IS NULL",
        """
        CREATE INDEX deliveries_unsettled ON deliveries (visible_at)
            WHERE acknowledged_at IS NULL AND dead_lettered_at IS NULL
        """,
        """
        CREATE TABLE events (
            idx BIGINT PRIMARY KEY,
            kind TEXT NOT NULL,
            at BIGINT NOT NULL,
            agency TEXT NOT NULL,
            message_id UUID,
            message_index BIGINT,
            recipient TEXT,
            entry BYTEA NOT NULL
        )
        """,
        "CREATE INDEX events_message ON events (message_id) WHERE message_id IS NOT NULL AND message_index IS NULL",
        "CREATE INDEX events_message_index ON events (message_index) WHERE message_index IS NOT NULL",
        "CREATE INDEX events_agency ON events (agency)",
        "CREATE INDEX events_recipient ON events (recipient) WHERE recipient IS NOT NULL",
        "CREATE INDEX events_kind ON events (kind)",
        // Append-only: the event record is never changed or shortened through SQL.
        """
        CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the event record is append-only'; END $$
        """,
        """
        CREATE TRIGGER events_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON events
            FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()
        """,
        """
        CREATE TABLE event_subjects (
            token TEXT NOT NULL,
            message_id UUID NOT NULL,
            PRIMARY KEY (token, message_id)
        )
        """,
        """
        CREATE TABLE tree_heads (
            tree_size BIGINT PRIMARY KEY,
            root_hash TEXT NOT NULL,
            timestamp TEXT NOT NULL,
            signed TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE subscriptions (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id UUID NOT NULL UNIQUE,
            agency TEXT NOT NULL,
            document BYTEA NOT NULL
        )
        """,
        """
        CREATE TABLE webhooks (
            agency TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            registered_at BIGINT NOT NULL
        )
        """,
    ]
}
