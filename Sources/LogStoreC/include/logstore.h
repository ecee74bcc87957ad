/*
 * logstore.h: the C ABI of LogStore (liblogstore.so), a store of visdom's envs and windows
 * kept as an append-only log of epochs in one SQLite file.
 *
 * Build: scripts/build-clib.sh (prints the folder holding liblogstore.so and this header).
 * The Swift runtime is linked in statically: the library needs only the system's libc,
 * libm, libstdc++, libgcc_s and libsqlite3.
 *
 * Conventions
 * - Strings in are UTF-8 with an explicit byte length (names may hold any byte sequence that
 *   is valid UTF-8, NUL included; names are compared byte for byte). For a NUL-terminated
 *   string pass strlen(s).
 * - Buffers out (char **out, size_t *out_len) are allocated by the library, NUL-terminated
 *   (the NUL is not counted in *out_len) and released with logstore_free().
 * - JSON out is what `logstore export` prints (without its final newline): Python's
 *   json.dumps, floats as repr, NaN/Infinity/-Infinity as bare tokens, ints kept as ints.
 * - Epoch arguments: a negative as_of means "now"; max_points <= 0 means "every point".
 * - Functions returning int return LOGSTORE_OK (0) or an error code; functions returning
 *   int64_t return -1 on error; functions returning a pointer return NULL on error. On
 *   error, logstore_last_error_code() and logstore_last_error_message() say what went wrong.
 *   The last error is per thread and is set only by failing calls.
 *
 * Threads: every function may be called from any thread, concurrently, on the same store
 * (one writer thread inside group-commits concurrent writes; reads never block it), except
 * logstore_close(), which must be the last call on that store. A logstore_traces is
 * immutable and may be read from any thread until logstore_traces_free().
 */
#ifndef LOGSTORE_H
#define LOGSTORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Error codes (logstore_last_error_code). */
enum {
    LOGSTORE_OK = 0,
    LOGSTORE_E_NOT_A_STORE = 1,    /* the file is not a LogStore store; it was left untouched */
    LOGSTORE_E_NEWER_SCHEMA = 2,   /* written by a newer LogStore; left untouched */
    LOGSTORE_E_NO_SUCH_ENV = 3,
    LOGSTORE_E_NO_SUCH_WINDOW = 4,
    LOGSTORE_E_NO_SUCH_EPOCH = 5,  /* an as_of the store has not reached */
    LOGSTORE_E_COMPACTED = 6,      /* history before that epoch was compacted away */
    LOGSTORE_E_BAD_INPUT = 7,      /* a message body that is not valid JSON or not a visdom message */
    LOGSTORE_E_READ_ONLY = 8,      /* a write to a store opened read-only (or a read-only file) */
    LOGSTORE_E_FULL = 9,           /* disk or quota full; nothing of the failed write was kept */
    LOGSTORE_E_IO = 10,            /* cannot open or read the file (e.g. no such file, read-only) */
    LOGSTORE_E_SQLITE = 11,
    LOGSTORE_E_CORRUPT = 12,
    LOGSTORE_E_ARGUMENT = 13,      /* a bad argument: NULL store, invalid UTF-8, unknown endpoint, ... */
    LOGSTORE_E_ENV_EXISTS = 14,    /* a fork that would replace an existing env without being asked to */
    LOGSTORE_E_CLOSED = 15         /* a write to a store that was closed */
};

/* What visdom answered to an applied message (logstore_apply's *answer_status). */
enum {
    LOGSTORE_ANSWER_OK = 0,        /* HTTP 200; *answer is visdom's body (a window id, "true", ...) */
    LOGSTORE_ANSWER_REFUSED = 1,   /* HTTP 200 with visdom's refusal; nothing changed */
    LOGSTORE_ANSWER_FAILED = 2     /* visdom raised (HTTP 500); *answer is the Python exception */
};

/* What a trace value was (logstore_traces_column's kinds). */
enum {
    LOGSTORE_FLOAT = 0,  /* the double holds the float's exact bits (NaN payloads, +-Inf, -0.0) */
    LOGSTORE_INT = 1,    /* an int, widened to double (exact up to 2^53) */
    LOGSTORE_NULL = 2,   /* null (JSON null, Python None); the double is NaN */
    LOGSTORE_OTHER = 3   /* a string, bool, list or object; the double is NaN */
};

typedef struct logstore logstore;
typedef struct logstore_traces logstore_traces;

/* The calling thread's last error code (LOGSTORE_OK if none yet). */
int logstore_last_error_code(void);
/* Its message: one line naming the file, env, window or epoch involved ("" if none yet).
   Valid until the next failing call on this thread. */
const char *logstore_last_error_message(void);
/* Releases a buffer the library returned. NULL is ignored. */
void logstore_free(void *buffer);

/* Opens the store at path (NUL-terminated), creating it unless read_only. durability is
   "normal" (survives a crash of the process; also for NULL) or "full" (survives a power
   loss: an fsync per commit). A file that is not a store is refused and left untouched. */
logstore *logstore_open(const char *path, int read_only, const char *durability);
/* Finishes pending writes and closes the store. NULL is ignored. */
void logstore_close(logstore *store);
/* The newest committed epoch (0 for a new store), or -1. */
int64_t logstore_last_epoch(logstore *store);

/* Applies one visdom request as one epoch, durable when this returns. endpoint is one of
   "events", "update", "close", "delete_env", "fork_env", "win_data", "env"; body is its JSON
   (Python's NaN/Infinity tokens accepted). Returns the epoch, or -1 if it was not applied.
   answer_status, answer and answer_len may be NULL; *answer is visdom's answer body. */
int64_t logstore_apply(logstore *store, const char *endpoint, const char *body, size_t body_len,
                       int *answer_status, char **answer, size_t *answer_len);

/* An env as the file visdom saves: {"jsons": {WIN: window, ...}, "reload": {...}}. */
int logstore_export_env(logstore *store, const char *env, size_t env_len, int64_t as_of,
                        char **out, size_t *out_len);
/* One window as visdom holds it. max_points > 0 downsamples each trace, keeping the first and
   last point, every NaN, +-Infinity and null, and each bucket's minimum and maximum. */
int logstore_export_window(logstore *store, const char *env, size_t env_len, const char *window,
                           size_t window_len, int64_t as_of, int64_t max_points, char **out, size_t *out_len);
/* What changed in env after epoch since (`logstore export --since`): {"env", "since", "up_to",
   "deleted", "windows": {WIN: {"append": [{"path", "values"}]} | {"window": ...} | {"closed": true}}}. */
int logstore_export_since(logstore *store, const char *env, size_t env_len, int64_t since,
                          char **out, size_t *out_len);

/* A JSON array of the envs, sorted by name: [{"env", "windows", "points", "bytes", "last_epoch"}]. */
int logstore_list_envs(logstore *store, int64_t as_of, char **out, size_t *out_len);
/* A JSON array of env's windows in visdom's order:
   [{"id", "type", "title", "traces", "points", "last_epoch"}]. */
int logstore_list_windows(logstore *store, const char *env, size_t env_len, int64_t as_of,
                          char **out, size_t *out_len);
/* The epoch log, newest first, as a JSON array of {"epoch", "time_ms", "source", "endpoint",
   "env", "window", "status", "detail"}. env NULL: every env. since < 0: from the start;
   limit <= 0: no limit. */
int logstore_log(logstore *store, const char *env, size_t env_len, int64_t since, int64_t limit,
                 char **out, size_t *out_len);

/* visdom's fork_env, as one epoch (as of as_of when >= 0). Returns the epoch or -1. */
int64_t logstore_fork(logstore *store, const char *env, size_t env_len, const char *to, size_t to_len,
                      int64_t as_of);
/* `logstore compact`: seals every series' runs of small segments into blocks and gives freed
   pages back to the file system. With before, keep_last and older_than_ms all < 0, all history
   is kept: every export, as of every epoch, stays the same. Otherwise (give at most one of them,
   the others < 0) it first drops the history before an epoch, which reads as of earlier epochs
   are then refused with LOGSTORE_E_COMPACTED: before itself; or keep_last >= 1: the newest epoch
   - keep_last + 1 (the last keep_last epochs keep their history); or older_than_ms: the first
   epoch written in the last older_than_ms milliseconds (the newest if none was).
   *out: {"before" (null when all history was kept), "rows_deleted", "segments_merged",
   "blocks_rewritten", "epochs_compacted", "segments_sealed", "blocks_written", "bytes_before",
   "bytes_after"} (docs/FORMAT.md, "Compaction and sealing", says what each counts). */
int logstore_compact(logstore *store, int64_t before, int64_t keep_last, int64_t older_than_ms,
                     char **out, size_t *out_len);
/* Verifies the store; *out is a JSON array of problems, [] when it is sound. */
int logstore_check(logstore *store, char **out, size_t *out_len);

/* The traces of a plot window (the objects of its content.data, in order) as columns of
   doubles, read without building JSON. A window without content.data has 0 traces. */
logstore_traces *logstore_traces_read(logstore *store, const char *env, size_t env_len,
                                      const char *window, size_t window_len, int64_t as_of);
size_t logstore_traces_count(const logstore_traces *traces);
/* Trace i's "name" as JSON text (a string name comes quoted, e.g. "\"loss\""); NULL when the
   trace has no name. Owned by traces. */
const char *logstore_traces_name(const logstore_traces *traces, size_t i, size_t *len);
/* Trace i's x (axis 0) or y (axis 1): returns its length and points *values at that many
   doubles and *kinds at that many LOGSTORE_FLOAT/INT/NULL/OTHER bytes, or sets *kinds to NULL
   when every value is a float. Returns -1 when the trace has no such list (or i is out of
   range). The arrays are owned by traces. */
int64_t logstore_traces_column(const logstore_traces *traces, size_t i, int axis,
                               const double **values, const uint8_t **kinds);
void logstore_traces_free(logstore_traces *traces);

#ifdef __cplusplus
}
#endif
#endif /* LOGSTORE_H */
