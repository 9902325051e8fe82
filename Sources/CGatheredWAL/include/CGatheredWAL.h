#ifndef CGATHEREDWAL_H
#define CGATHEREDWAL_H

/// The name of the SQLite VFS registered by `sharebroker_gathered_wal_register`.
#define SHAREBROKER_GATHERED_WAL_VFS "sharebroker-gathered-wal"

/// Registers (once; later calls return the first call's result) an SQLite VFS over the default
/// one that gathers the frames SQLite writes to a write-ahead log into one write: SQLite writes
/// each frame as two writes (a 24-byte header, then the page), about 35 system calls for a
/// commit of 17 pages. Consecutive writes are kept in a buffer and written together before
/// anything that could need them in the file: a sync of the log, any read, size query or
/// truncation of it, closing it, any file control, a write that does not continue them, and
/// every barrier on the database's shared memory (where SQLite publishes a commit to other
/// connections). Nothing else changes: a commit still
/// returns only after the log's fdatasync, which comes after the gathered write. Returns an
/// SQLite result code.
int sharebroker_gathered_wal_register(void);

/// The number of writes the VFS has made to write-ahead logs in this process, and the number of
/// writes SQLite asked of it; the difference is what gathering saved. For tests and benchmarks.
void sharebroker_gathered_wal_counts(long long *written, long long *requested);

#endif
