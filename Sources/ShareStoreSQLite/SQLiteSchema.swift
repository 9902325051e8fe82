/// The tables of the SQLite store. Times are milliseconds since 1970 (UTC).
enum SQLiteSchema {
    static let version = 16

    /// The statements that bring a store from each version to the next; `migrations[v]`
    /// upgrades version `v` to `v + 1` (version 0 is a new file).
    static let migrations: [[String]] = [initial, searchable, treeHeads, subscriptions, requests, timers, webhooks, streamIndex, streamedAtPublish, oneRecipientIndex, byAuditIndex, deliveryDeadlines, subtrees, retention, attachments, subtreeBlocks]

    /// Version 12: when each delivery must be acknowledged (its type's delivery deadline), and
    /// when the timers settled a delivery not acknowledged by then.
    static let deliveryDeadlines = [
        "ALTER TABLE deliveries ADD COLUMN due_by INTEGER",
        "ALTER TABLE deliveries ADD COLUMN due_handled_at INTEGER",
        """
        CREATE INDEX deliveries_past_due ON deliveries (due_by)
            WHERE due_by IS NOT NULL AND due_handled_at IS NULL AND acknowledged_at IS NULL
        """,
    ]

    /// Version 13: the Merkle tree's complete subtrees (`SubtreeID`), so that no process holds
    /// or rebuilds the whole tree. The broker fills it from the stored entries, in chunks that
    /// each commit, the first time it starts on the new version (`AuditLog.catchUp`).
    static let subtrees = [
        """
        CREATE TABLE subtrees (
            level INTEGER NOT NULL,
            idx INTEGER NOT NULL,
            hash BLOB NOT NULL,
            PRIMARY KEY (level, idx)
        ) STRICT, WITHOUT ROWID
        """,
        """
        CREATE TRIGGER subtrees_no_update BEFORE UPDATE ON subtrees
        BEGIN SELECT RAISE(ABORT, 'stored subtrees are never changed'); END
        """,
        """
        CREATE TRIGGER subtrees_no_delete BEFORE DELETE ON subtrees
        BEGIN SELECT RAISE(ABORT, 'stored subtrees are never changed'); END
        """,
    ]

    /// Version 14: when a message's content was destroyed at the end of its retention, the
    /// messages retention may still end for (by type and age), and the subjects under a legal hold.
    static let retention = [
        "ALTER TABLE messages ADD COLUMN purged_at INTEGER",
        "CREATE INDEX messages_retention ON messages (type, received_at) WHERE purged_at IS NULL",
        """
        CREATE TABLE legal_holds (
            token TEXT PRIMARY KEY,
            placed_at INTEGER NOT NULL
        ) STRICT, WITHOUT ROWID
        """,
    ]

    /// Version 16: the Merkle tree stored as blocks of eight subtree hashes (`SubtreeBlock`), a
    /// row per eight subtrees of every third level instead of a row per subtree. The subtrees
    /// of version 13 are dropped; the broker stores the blocks from the entries, in chunks that
    /// each commit, the first time it starts on the new version (`AuditLog.catchUp`). A block is
    /// only ever extended, and never deleted.
    static let subtreeBlocks = [
        "DROP TABLE subtrees",
        """
        CREATE TABLE subtree_blocks (
            band INTEGER NOT NULL,
            idx INTEGER NOT NULL,
            hashes BLOB NOT NULL,
            PRIMARY KEY (band, idx)
        ) STRICT, WITHOUT ROWID
        """,
        """
        CREATE TRIGGER subtree_blocks_only_extended BEFORE UPDATE ON subtree_blocks
        WHEN NEW.band IS NOT OLD.band OR NEW.idx IS NOT OLD.idx OR length(NEW.hashes) <= length(OLD.hashes)
            OR substr(NEW.hashes, 1, length(OLD.hashes)) IS NOT OLD.hashes
        BEGIN SELECT RAISE(ABORT, 'a stored subtree block is only ever extended'); END
        """,
        """
        CREATE TRIGGER subtree_blocks_no_delete BEFORE DELETE ON subtree_blocks
        BEGIN SELECT RAISE(ABORT, 'stored subtree blocks are never deleted'); END
        """,
    ]

    /// Version 15: documents uploaded for messages to reference by digest, kept in chunks (each
    /// sealed on its own when payloads are encrypted), and which messages reference which.
    /// Chunks are ordinary rowid rows: large values sit badly in a table without one.
    static let attachments = [
        """
        CREATE TABLE attachment_chunks (
            upload TEXT NOT NULL,
            idx INTEGER NOT NULL,
            written_at INTEGER NOT NULL,
            sealed INTEGER NOT NULL,
            bytes BLOB NOT NULL,
            UNIQUE (upload, idx)
        ) STRICT
        """,
        "CREATE INDEX attachment_chunks_written ON attachment_chunks (written_at)",
        """
        CREATE TABLE attachments (
            uploader TEXT NOT NULL,
            digest BLOB NOT NULL,
            upload TEXT NOT NULL UNIQUE,
            media_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            chunks INTEGER NOT NULL,
            uploaded_at INTEGER NOT NULL,
            PRIMARY KEY (uploader, digest)
        ) STRICT
        """,
        """
        CREATE TABLE message_attachments (
            message_index INTEGER NOT NULL,
            digest BLOB NOT NULL,
            PRIMARY KEY (message_index, digest)
        ) STRICT, WITHOUT ROWID
        """,
        "CREATE INDEX message_attachments_digest ON message_attachments (digest)",
    ]

    /// Version 11: a message's entries and deliveries are found by its audit index (that of
    /// its `published` entry), which grows with time, instead of by its id, which senders
    /// choose at random: each entry and delivery then adds to the end of an index instead of
    /// changing a page anywhere in it. Entries recorded before, and refusals of messages
    /// never stored, keep the id index.
    static let byAuditIndex = [
        "ALTER TABLE messages ADD COLUMN audit_index INTEGER",
        """
        UPDATE messages SET audit_index =
            (SELECT min(idx) FROM events WHERE events.message_id = messages.id AND events.kind = 'published')
        """,
        "ALTER TABLE events ADD COLUMN message_index INTEGER",
        "DROP INDEX events_message",
        "CREATE INDEX events_message ON events (message_id) WHERE message_id IS NOT NULL AND message_index IS NULL",
        "CREATE INDEX events_message_index ON events (message_index) WHERE message_index IS NOT NULL",
        "ALTER TABLE deliveries ADD COLUMN message_index INTEGER",
        "UPDATE deliveries SET message_index = (SELECT audit_index FROM messages WHERE messages.id = deliveries.message_id)",
        "DROP INDEX deliveries_message",
        "CREATE INDEX deliveries_message_index ON deliveries (message_index)",
    ]
    /// Version 10: the inbox reads a recipient's deliveries through `deliveries_stream` (in
    /// sequence order, as it answers), so `deliveries_inbox` only cost every write a page.
    static let oneRecipientIndex = [
        "DROP INDEX IF EXISTS deliveries_inbox",
    ]
    /// Version 9: when a delivery was handed out in its publish transaction to the
    /// recipient's open streams.
    static let streamedAtPublish = [
        "ALTER TABLE deliveries ADD COLUMN streamed_at INTEGER",
    ]
    /// Version 8: a recipient's unacknowledged deliveries in sequence order, for streams
    /// resuming after an event id.
    static let streamIndex = [
        "CREATE INDEX deliveries_stream ON deliveries (recipient, seq) WHERE acknowledged_at IS NULL",
    ]

    /// Version 7: the HTTPS endpoints agencies have registered for push delivery.
    static let webhooks = [
        """
        CREATE TABLE webhooks (
            agency TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            registered_at INTEGER NOT NULL
        ) STRICT
        """,
    ]

    /// Version 6: what the timers have handled (expiries, deadlines) and dead-lettered deliveries.
    static let timers = [
        "ALTER TABLE messages ADD COLUMN expiry_handled_at INTEGER",
        "ALTER TABLE messages ADD COLUMN deadline_handled_at INTEGER",
        "ALTER TABLE deliveries ADD COLUMN dead_lettered_at INTEGER",
        """
        CREATE INDEX messages_expiry_due ON messages (expires_at)
            WHERE expires_at IS NOT NULL AND expiry_handled_at IS NULL
        """,
        """
        CREATE INDEX messages_deadline_due ON messages (respond_by)
            WHERE respond_by IS NOT NULL AND deadline_handled_at IS NULL
        """,
        """
        CREATE INDEX deliveries_unsettled ON deliveries (visible_at)
            WHERE acknowledged_at IS NULL AND dead_lettered_at IS NULL
        """,
    ]

    /// Version 5: when an information request's answers are due, and which request a message answers.
    static let requests = [
        "ALTER TABLE messages ADD COLUMN respond_by INTEGER",
        "ALTER TABLE messages ADD COLUMN in_reply_to TEXT",
        "CREATE INDEX messages_in_reply_to ON messages (in_reply_to) WHERE in_reply_to IS NOT NULL",
    ]

    /// Version 4: agencies' subscriptions, each kept as its JSON document.
    static let subscriptions = [
        """
        CREATE TABLE subscriptions (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            agency TEXT NOT NULL,
            document BLOB NOT NULL
        ) STRICT
        """,
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
