// An SQLite VFS over the default one that gathers the consecutive writes SQLite makes to a
// write-ahead log into one write (see include/CGatheredWAL.h for what it guarantees).
//
// SQLite writes a commit's frames as a 24-byte header and a page each, one pwrite64 apiece, then
// syncs the log (synchronous=FULL), then publishes the commit in the shared-memory index that
// other connections read. This VFS keeps the writes in a buffer while each one continues the
// last, and writes the buffer before anything that could need the bytes in the file: the log's
// sync, a read, a size query, a truncation, a file control or closing the log, a write that does
// not continue the buffer, and any barrier on the database's shared memory (where a commit is
// published, so even without a sync no connection can see a frame that is not in the file). A
// failed gathered write is reported by the call that made it: SQLite then fails the transaction
// as it would have on the first failing write. Every other call goes to the default VFS as it is.
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <string.h>
#include "CGatheredWAL.h"

/// The most a log's buffer holds: 31 pages of 4 KiB. SQLite's Unix VFS writes at most 128 KiB
/// less one byte in one call (`seekAndWriteFd` masks the length with 0x1ffff: a write of 128 KiB
/// would write nothing and fail as a full disk), so a longer run is written in pieces this size.
#define GATHER_CAPACITY (31 * 4096)

typedef struct GatheredFile GatheredFile;
struct GatheredFile {
    sqlite3_file base;
    /// The default VFS's file, in the memory right after this struct.
    sqlite3_file *real;
    /// For a write-ahead log: the database file of the same connection, while both are open.
    GatheredFile *database;
    /// For a database file: its connection's write-ahead log, while open.
    GatheredFile *wal;
    int isWAL;
    /// Bytes waiting to be written at `start` in the file.
    unsigned char *buffer;
    sqlite3_int64 start;
    int length;
};

static sqlite3_vfs *real_vfs;
static sqlite3_vfs gathered_vfs;
static int registration = SQLITE_ERROR;
static pthread_once_t registration_once = PTHREAD_ONCE_INIT;
static atomic_llong writes_made;
static atomic_llong writes_requested;

static const sqlite3_io_methods *real_methods(GatheredFile *file) { return file->real->pMethods; }

/// Writes what the buffer holds, if anything, and empties it (whether or not the write succeeds).
static int flush(GatheredFile *file) {
    if (file->length == 0) return SQLITE_OK;
    int length = file->length;
    file->length = 0;
    atomic_fetch_add_explicit(&writes_made, 1, memory_order_relaxed);
    return real_methods(file)->xWrite(file->real, file->buffer, length, file->start);
}

/// Gives the log its buffer the first time it is written; false when memory could not be had.
static int reserve(GatheredFile *file) {
    if (file->buffer) return 1;
    file->buffer = sqlite3_malloc(GATHER_CAPACITY);
    return file->buffer != NULL;
}

static int gathered_write(sqlite3_file *base, const void *data, int amount, sqlite3_int64 offset) {
    GatheredFile *file = (GatheredFile *)base;
    if (!file->isWAL) return real_methods(file)->xWrite(file->real, data, amount, offset);
    atomic_fetch_add_explicit(&writes_requested, 1, memory_order_relaxed);
    int continues = file->length > 0 && offset == file->start + file->length;
    if (!continues || file->length + amount > GATHER_CAPACITY) {
        int rc = flush(file);
        if (rc != SQLITE_OK) return rc;
    }
    if (file->length == 0) file->start = offset;
    if (amount > GATHER_CAPACITY || !reserve(file)) {
        int rc = flush(file);
        if (rc != SQLITE_OK) return rc;
        atomic_fetch_add_explicit(&writes_made, 1, memory_order_relaxed);
        return real_methods(file)->xWrite(file->real, data, amount, offset);
    }
    memcpy(file->buffer + file->length, data, (size_t)amount);
    file->length += amount;
    return SQLITE_OK;
}

static int gathered_close(sqlite3_file *base) {
    GatheredFile *file = (GatheredFile *)base;
    int rc = flush(file);
    if (file->database && file->database->wal == file) file->database->wal = NULL;
    if (file->wal && file->wal->database == file) file->wal->database = NULL;
    sqlite3_free(file->buffer);
    file->buffer = NULL;
    int closed = real_methods(file)->xClose(file->real);
    return rc != SQLITE_OK ? rc : closed;
}

static int gathered_read(sqlite3_file *base, void *data, int amount, sqlite3_int64 offset) {
    GatheredFile *file = (GatheredFile *)base;
    int rc = flush(file);
    return rc != SQLITE_OK ? rc : real_methods(file)->xRead(file->real, data, amount, offset);
}

static int gathered_truncate(sqlite3_file *base, sqlite3_int64 size) {
    GatheredFile *file = (GatheredFile *)base;
    int rc = flush(file);
    return rc != SQLITE_OK ? rc : real_methods(file)->xTruncate(file->real, size);
}

static int gathered_sync(sqlite3_file *base, int flags) {
    GatheredFile *file = (GatheredFile *)base;
    int rc = flush(file);
    return rc != SQLITE_OK ? rc : real_methods(file)->xSync(file->real, flags);
}

static int gathered_file_size(sqlite3_file *base, sqlite3_int64 *size) {
    GatheredFile *file = (GatheredFile *)base;
    int rc = flush(file);
    return rc != SQLITE_OK ? rc : real_methods(file)->xFileSize(file->real, size);
}

static int gathered_lock(sqlite3_file *base, int level) {
    GatheredFile *file = (GatheredFile *)base;
    return real_methods(file)->xLock(file->real, level);
}

static int gathered_unlock(sqlite3_file *base, int level) {
    GatheredFile *file = (GatheredFile *)base;
    return real_methods(file)->xUnlock(file->real, level);
}

static int gathered_check_reserved_lock(sqlite3_file *base, int *reserved) {
    GatheredFile *file = (GatheredFile *)base;
    return real_methods(file)->xCheckReservedLock(file->real, reserved);
}

static int gathered_file_control(sqlite3_file *base, int op, void *argument) {
    GatheredFile *file = (GatheredFile *)base;
    int rc = flush(file);
    return rc != SQLITE_OK ? rc : real_methods(file)->xFileControl(file->real, op, argument);
}

static int gathered_sector_size(sqlite3_file *base) {
    GatheredFile *file = (GatheredFile *)base;
    return real_methods(file)->xSectorSize(file->real);
}

static int gathered_device_characteristics(sqlite3_file *base) {
    GatheredFile *file = (GatheredFile *)base;
    return real_methods(file)->xDeviceCharacteristics(file->real);
}

static int gathered_shm_map(sqlite3_file *base, int region, int size, int extend, void volatile **memory) {
    GatheredFile *file = (GatheredFile *)base;
    return real_methods(file)->xShmMap(file->real, region, size, extend, memory);
}

static int gathered_shm_lock(sqlite3_file *base, int offset, int count, int flags) {
    GatheredFile *file = (GatheredFile *)base;
    return real_methods(file)->xShmLock(file->real, offset, count, flags);
}

/// SQLite publishes a commit in the shared-memory index between barriers: the log's frames are
/// written first. (With synchronous=FULL the log's sync has written them already; the result of
/// a write here has nowhere to go, so a failure leaves the buffer empty and the frames unwritten,
/// and the log's next sync or read reports nothing of it. The store never runs without FULL.)
static void gathered_shm_barrier(sqlite3_file *base) {
    GatheredFile *file = (GatheredFile *)base;
    if (file->wal) (void)flush(file->wal);
    real_methods(file)->xShmBarrier(file->real);
}

static int gathered_shm_unmap(sqlite3_file *base, int delete_flag) {
    GatheredFile *file = (GatheredFile *)base;
    return real_methods(file)->xShmUnmap(file->real, delete_flag);
}

static int gathered_fetch(sqlite3_file *base, sqlite3_int64 offset, int amount, void **pointer) {
    GatheredFile *file = (GatheredFile *)base;
    int rc = flush(file);
    return rc != SQLITE_OK ? rc : real_methods(file)->xFetch(file->real, offset, amount, pointer);
}

static int gathered_unfetch(sqlite3_file *base, sqlite3_int64 offset, void *pointer) {
    GatheredFile *file = (GatheredFile *)base;
    return real_methods(file)->xUnfetch(file->real, offset, pointer);
}

static const sqlite3_io_methods gathered_methods = {
    3,
    gathered_close,
    gathered_read,
    gathered_write,
    gathered_truncate,
    gathered_sync,
    gathered_file_size,
    gathered_lock,
    gathered_unlock,
    gathered_check_reserved_lock,
    gathered_file_control,
    gathered_sector_size,
    gathered_device_characteristics,
    gathered_shm_map,
    gathered_shm_lock,
    gathered_shm_barrier,
    gathered_shm_unmap,
    gathered_fetch,
    gathered_unfetch,
};

static int gathered_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *base, int flags, int *out_flags) {
    (void)vfs;
    GatheredFile *file = (GatheredFile *)base;
    memset(file, 0, sizeof *file);
    file->real = (sqlite3_file *)(file + 1);
    int rc = real_vfs->xOpen(real_vfs, name, file->real, flags, out_flags);
    if (rc != SQLITE_OK) {
        if (file->real->pMethods) file->real->pMethods->xClose(file->real);
        return rc;
    }
    file->base.pMethods = &gathered_methods;
    if ((flags & SQLITE_OPEN_WAL) && name) {
        file->isWAL = 1;
        sqlite3_file *database = sqlite3_database_file_object(name);
        if (database && database->pMethods == &gathered_methods) {
            file->database = (GatheredFile *)database;
            file->database->wal = file;
        }
    }
    return SQLITE_OK;
}

static int vfs_delete(sqlite3_vfs *vfs, const char *name, int sync_dir) {
    (void)vfs;
    return real_vfs->xDelete(real_vfs, name, sync_dir);
}

static int vfs_access(sqlite3_vfs *vfs, const char *name, int flags, int *result) {
    (void)vfs;
    return real_vfs->xAccess(real_vfs, name, flags, result);
}

static int vfs_full_pathname(sqlite3_vfs *vfs, const char *name, int size, char *out) {
    (void)vfs;
    return real_vfs->xFullPathname(real_vfs, name, size, out);
}

static void *vfs_dl_open(sqlite3_vfs *vfs, const char *name) {
    (void)vfs;
    return real_vfs->xDlOpen(real_vfs, name);
}

static void vfs_dl_error(sqlite3_vfs *vfs, int size, char *message) {
    (void)vfs;
    real_vfs->xDlError(real_vfs, size, message);
}

static void (*vfs_dl_sym(sqlite3_vfs *vfs, void *library, const char *symbol))(void) {
    (void)vfs;
    return real_vfs->xDlSym(real_vfs, library, symbol);
}

static void vfs_dl_close(sqlite3_vfs *vfs, void *library) {
    (void)vfs;
    real_vfs->xDlClose(real_vfs, library);
}

static int vfs_randomness(sqlite3_vfs *vfs, int size, char *out) {
    (void)vfs;
    return real_vfs->xRandomness(real_vfs, size, out);
}

static int vfs_sleep(sqlite3_vfs *vfs, int microseconds) {
    (void)vfs;
    return real_vfs->xSleep(real_vfs, microseconds);
}

static int vfs_current_time(sqlite3_vfs *vfs, double *now) {
    (void)vfs;
    return real_vfs->xCurrentTime(real_vfs, now);
}

static int vfs_get_last_error(sqlite3_vfs *vfs, int size, char *message) {
    (void)vfs;
    return real_vfs->xGetLastError(real_vfs, size, message);
}

static int vfs_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *now) {
    (void)vfs;
    return real_vfs->xCurrentTimeInt64(real_vfs, now);
}

static int vfs_set_system_call(sqlite3_vfs *vfs, const char *name, sqlite3_syscall_ptr call) {
    (void)vfs;
    return real_vfs->xSetSystemCall(real_vfs, name, call);
}

static sqlite3_syscall_ptr vfs_get_system_call(sqlite3_vfs *vfs, const char *name) {
    (void)vfs;
    return real_vfs->xGetSystemCall(real_vfs, name);
}

static const char *vfs_next_system_call(sqlite3_vfs *vfs, const char *name) {
    (void)vfs;
    return real_vfs->xNextSystemCall(real_vfs, name);
}

static void register_once(void) {
    real_vfs = sqlite3_vfs_find(NULL);
    // The io methods above forward every call of version 3; a default VFS of another version
    // (not the Unix one SQLite builds for Linux) is not wrapped.
    if (!real_vfs || real_vfs->iVersion < 3) return;
    gathered_vfs = (sqlite3_vfs){
        .iVersion = 3,
        .szOsFile = (int)sizeof(GatheredFile) + real_vfs->szOsFile,
        .mxPathname = real_vfs->mxPathname,
        .zName = SHAREBROKER_GATHERED_WAL_VFS,
        .xOpen = gathered_open,
        .xDelete = vfs_delete,
        .xAccess = vfs_access,
        .xFullPathname = vfs_full_pathname,
        .xDlOpen = vfs_dl_open,
        .xDlError = vfs_dl_error,
        .xDlSym = vfs_dl_sym,
        .xDlClose = vfs_dl_close,
        .xRandomness = vfs_randomness,
        .xSleep = vfs_sleep,
        .xCurrentTime = vfs_current_time,
        .xGetLastError = vfs_get_last_error,
        .xCurrentTimeInt64 = vfs_current_time_int64,
        .xSetSystemCall = vfs_set_system_call,
        .xGetSystemCall = vfs_get_system_call,
        .xNextSystemCall = vfs_next_system_call,
    };
    registration = sqlite3_vfs_register(&gathered_vfs, 0);
}

int sharebroker_gathered_wal_register(void) {
    pthread_once(&registration_once, register_once);
    return registration;
}

void sharebroker_gathered_wal_counts(long long *written, long long *requested) {
    *written = atomic_load_explicit(&writes_made, memory_order_relaxed);
    *requested = atomic_load_explicit(&writes_requested, memory_order_relaxed);
}
