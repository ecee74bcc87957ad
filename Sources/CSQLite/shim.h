#ifndef LOGSTORE_CSQLITE_SHIM_H
#define LOGSTORE_CSQLITE_SHIM_H

#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro around a cast of -1 that Swift cannot import.
// Binding with it tells SQLite to copy the bytes before the call returns
// (https://sqlite.org/c3ref/bind_blob.html).
static inline sqlite3_destructor_type logstore_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

// sqlite3_db_config is variadic, which Swift cannot call; the options we use
// take one int and an int* out-parameter (https://sqlite.org/c3ref/db_config.html).
static inline int logstore_db_config_int(sqlite3 *db, int op, int value, int *out) {
    return sqlite3_db_config(db, op, value, out);
}

// sqlite3_config is variadic too. SQLITE_CONFIG_MEMSTATUS takes one int, "interpreted as a
// boolean, which enables or disables the collection of memory allocation statistics"; it
// returns SQLITE_MISUSE once the library is initialized (https://sqlite.org/c3ref/config.html).
static inline int logstore_sqlite_config_memstatus(int on) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, on);
}

#endif
