// Loaded (LD_PRELOAD) into the broker by Benchmarks/count-frames.sh. Counts the write-ahead-log
// frames SQLite writes, and which page each one holds. A frame is a 24-byte header (page number,
// then the database's size in pages if the frame ends a commit, else 0) followed by the page, at
// offset 32 + k * (24 + 4096) of the log with the store's 4 KiB pages. SQLite writes the header
// and the page by a pwrite64 each; since the store's VFS gathers a commit's writes (Sources/
// CGatheredWAL), one pwrite64 may hold many frames, so every write to a file whose name ends in
// -wal is searched for the headers it holds whole. Frames are kept in memory and written to
// FRAMES_OUT as the broker exits, so the broker runs as it would otherwise (an atomic add and a
// readlink per write). Once the file FRAMES_MARK exists, the next commit frame marks where
// counting starts.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define CAPACITY (1 << 24)
static ssize_t (*real_pwrite64)(int, const void *, size_t, off_t);
static int (*real_fdatasync)(int);
static unsigned int *frames;
static atomic_long frame_count, write_count, sync_count;
static atomic_long mark_frame = -1, mark_writes, mark_syncs;

#define FRAME_BYTES (24 + 4096)
#define LOG_HEADER_BYTES 32

static int is_log(int fd) {
    char link[64], name[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t length = readlink(link, name, sizeof name);
    return length > 4 && memcmp(name + length - 4, "-wal", 4) == 0;
}

static void count_frame(const unsigned char *b) {
    unsigned int page = (unsigned)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
    int commit = (b[4] | b[5] | b[6] | b[7]) != 0;
    long i = atomic_fetch_add(&frame_count, 1);
    if (i < CAPACITY) frames[i] = page | (commit ? 0x80000000u : 0);
    const char *mark = getenv("FRAMES_MARK");
    if (commit && mark_frame < 0 && mark && access(mark, F_OK) == 0) {
        mark_writes = write_count;
        mark_syncs = sync_count;
        mark_frame = i + 1;
    }
}

ssize_t pwrite64(int fd, const void *buffer, size_t size, off_t offset) {
    if (!real_pwrite64) real_pwrite64 = dlsym(RTLD_NEXT, "pwrite64");
    atomic_fetch_add(&write_count, 1);
    if (frames && offset + (off_t)size >= LOG_HEADER_BYTES + 24 && is_log(fd)) {
        off_t first = offset <= LOG_HEADER_BYTES ? 0 : (offset - LOG_HEADER_BYTES + FRAME_BYTES - 1) / FRAME_BYTES;
        for (off_t header = LOG_HEADER_BYTES + first * FRAME_BYTES; header + 24 <= offset + (off_t)size; header += FRAME_BYTES) {
            count_frame((const unsigned char *)buffer + (header - offset));
        }
    }
    return real_pwrite64(fd, buffer, size, offset);
}

int fdatasync(int fd) {
    if (!real_fdatasync) real_fdatasync = dlsym(RTLD_NEXT, "fdatasync");
    atomic_fetch_add(&sync_count, 1);
    return real_fdatasync(fd);
}

__attribute__((constructor)) static void start(void) { frames = calloc(CAPACITY, sizeof *frames); }

// First line: pwrite64 calls, fdatasync calls, frames, and the frame, pwrite64 and fdatasync
// counts at the mark; then one line per frame: page number, 1 if it ends a commit.
__attribute__((destructor)) static void dump(void) {
    const char *path = getenv("FRAMES_OUT");
    FILE *out = path ? fopen(path, "w") : NULL;
    if (!out) return;
    long count = frame_count < CAPACITY ? frame_count : CAPACITY;
    fprintf(out, "%ld %ld %ld %ld %ld %ld\n", (long)write_count, (long)sync_count, count,
            (long)mark_frame, (long)mark_writes, (long)mark_syncs);
    for (long i = 0; i < count; i++) fprintf(out, "%u %u\n", frames[i] & 0x7fffffffu, frames[i] >> 31);
    fclose(out);
}
