#include <sqlite3.h>

/// Turns off SQLite's memory statistics, which take a process-wide mutex on every
/// allocation. Works only before SQLite is first used in the process; returns the
/// result of sqlite3_config (SQLITE_MISUSE if it came too late). A function because
/// sqlite3_config is variadic, which Swift cannot call.
static inline int sharebroker_sqlite3_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
