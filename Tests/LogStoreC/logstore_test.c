/*
 * Tests liblogstore.so through its C header, as a C program links it.
 * Run by scripts/clib-tests/run.sh: cc -o T logstore_test.c -Iinclude -Llib -llogstore.
 * Each CHECK that fails prints its line; the exit status is the number of failures.
 */
#include "logstore.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures = 0;
#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                          \
        }                                                                        \
    } while (0)

static int64_t apply(logstore *s, const char *endpoint, const char *body) {
    int status = -1;
    int64_t epoch = logstore_apply(s, endpoint, body, strlen(body), &status, NULL, NULL);
    if (epoch < 0) fprintf(stderr, "apply failed: %s\n", logstore_last_error_message());
    CHECK(status == LOGSTORE_ANSWER_OK);
    return epoch;
}

static uint64_t bits(double d) {
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static const char *EVENTS =
    "{\"eid\": \"main\", \"win\": \"loss\", \"data\": [{\"x\": [0, 1, 2, 3, 4, 5, 6], "
    "\"y\": [1.5, NaN, Infinity, -Infinity, null, -0.0, 7], \"name\": \"train\", \"type\": \"scatter\", "
    "\"mode\": \"lines\"}], \"layout\": {\"title\": \"loss\"}, \"opts\": {}}";
static const char *EXPECTED_Y = "\"y\": [1.5, NaN, Infinity, -Infinity, null, -0.0, 7]";

static void test_write_read_and_export(logstore *s) {
    CHECK(logstore_last_epoch(s) == 0);
    CHECK(apply(s, "events", EVENTS) == 1);
    const char *append = "{\"eid\": \"main\", \"win\": \"loss\", \"append\": true, "
                         "\"data\": [{\"x\": [7], \"y\": [0.1]}], \"opts\": {}, \"layout\": {}}";
    CHECK(apply(s, "update", append) == 2);
    CHECK(logstore_last_epoch(s) == 2);

    char *out = NULL;
    size_t len = 0;
    CHECK(logstore_export_window(s, "main", 4, "loss", 4, -1, 0, &out, &len) == LOGSTORE_OK);
    CHECK(out != NULL && strlen(out) == len);
    CHECK(out && strstr(out, "\"y\": [1.5, NaN, Infinity, -Infinity, null, -0.0, 7, 0.1]") != NULL);
    logstore_free(out);

    /* as of epoch 1: before the append */
    CHECK(logstore_export_window(s, "main", 4, "loss", 4, 1, 0, &out, &len) == LOGSTORE_OK);
    CHECK(out && strstr(out, EXPECTED_Y) != NULL);
    logstore_free(out);

    CHECK(logstore_export_env(s, "main", 4, -1, &out, &len) == LOGSTORE_OK);
    CHECK(out && strncmp(out, "{\"jsons\": {\"loss\": ", 19) == 0);
    logstore_free(out);

    CHECK(logstore_export_since(s, "main", 4, 1, &out, &len) == LOGSTORE_OK);
    CHECK(out && strstr(out, "\"append\": [{\"path\": [\"content\", \"data\", 0, \"x\"], \"values\": [7]}") != NULL);
    logstore_free(out);

    CHECK(logstore_list_envs(s, -1, &out, &len) == LOGSTORE_OK);
    CHECK(out && strcmp(out, "[{\"env\": \"main\", \"windows\": 1, \"points\": 8, \"bytes\": 83, \"last_epoch\": 2}]") == 0);
    logstore_free(out);

    CHECK(logstore_list_windows(s, "main", 4, -1, &out, &len) == LOGSTORE_OK);
    CHECK(out && strstr(out, "\"id\": \"loss\", \"type\": \"plot/scatter\"") != NULL);
    logstore_free(out);

    CHECK(logstore_log(s, NULL, 0, 0, 1, &out, &len) == LOGSTORE_OK);
    CHECK(out && strncmp(out, "[{\"epoch\": 2, \"time_ms\": ", 25) == 0 && strstr(out, "\"endpoint\": \"update\"") != NULL);
    logstore_free(out);
}

static void test_traces(logstore *s) {
    logstore_traces *t = logstore_traces_read(s, "main", 4, "loss", 4, 1);
    CHECK(t != NULL);
    if (!t) return;
    CHECK(logstore_traces_count(t) == 1);
    size_t len = 0;
    const char *name = logstore_traces_name(t, 0, &len);
    CHECK(name && strcmp(name, "\"train\"") == 0 && len == 7);

    const double *x, *y;
    const uint8_t *xk, *yk;
    CHECK(logstore_traces_column(t, 0, 0, &x, &xk) == 7);
    CHECK(xk != NULL && xk[0] == LOGSTORE_INT && x[6] == 6.0); /* ints widened, marked */
    CHECK(logstore_traces_column(t, 0, 1, &y, &yk) == 7);
    CHECK(yk != NULL);
    if (yk) {
        CHECK(yk[0] == LOGSTORE_FLOAT && y[0] == 1.5);
        CHECK(yk[1] == LOGSTORE_FLOAT && isnan(y[1]) && bits(y[1]) == 0x7ff8000000000000ull);
        CHECK(yk[2] == LOGSTORE_FLOAT && y[2] == INFINITY);
        CHECK(yk[3] == LOGSTORE_FLOAT && y[3] == -INFINITY);
        CHECK(yk[4] == LOGSTORE_NULL && isnan(y[4]));
        CHECK(yk[5] == LOGSTORE_FLOAT && bits(y[5]) == 0x8000000000000000ull); /* -0.0 */
        CHECK(yk[6] == LOGSTORE_INT && y[6] == 7.0);
    }
    CHECK(logstore_traces_column(t, 0, 2, &y, &yk) == -1);
    CHECK(logstore_traces_column(t, 1, 0, &y, &yk) == -1);
    logstore_traces_free(t);

    /* every value a float: no kinds */
    const char *floats = "{\"eid\": \"main\", \"win\": \"f\", \"data\": [{\"x\": [0.5, 1.5], \"y\": [2.5, 3.5], "
                         "\"type\": \"scatter\"}], \"layout\": {}, \"opts\": {}}";
    apply(s, "events", floats);
    t = logstore_traces_read(s, "main", 4, "f", 1, -1);
    CHECK(t && logstore_traces_name(t, 0, NULL) == NULL);
    CHECK(t && logstore_traces_column(t, 0, 1, &y, &yk) == 2 && yk == NULL && y[1] == 3.5);
    logstore_traces_free(t);
}

static void test_errors(logstore *s, const char *dir) {
    char *out = NULL;
    CHECK(logstore_export_env(s, "nope", 4, -1, &out, NULL) == LOGSTORE_E_NO_SUCH_ENV);
    CHECK(logstore_last_error_code() == LOGSTORE_E_NO_SUCH_ENV);
    CHECK(strcmp(logstore_last_error_message(), "no env named 'nope'") == 0);
    CHECK(logstore_export_window(s, "main", 4, "nope", 4, -1, 0, &out, NULL) == LOGSTORE_E_NO_SUCH_WINDOW);
    CHECK(logstore_export_window(s, "main", 4, "loss", 4, 999, 0, &out, NULL) == LOGSTORE_E_NO_SUCH_EPOCH);
    CHECK(logstore_traces_read(s, "main", 4, "nope", 4, -1) == NULL);
    CHECK(logstore_last_error_code() == LOGSTORE_E_NO_SUCH_WINDOW);

    /* names are bytes: "main" with a NUL after it is another env; invalid UTF-8 is refused */
    CHECK(logstore_export_env(s, "main\0", 5, -1, &out, NULL) == LOGSTORE_E_NO_SUCH_ENV);
    CHECK(logstore_export_env(s, "\xff", 1, -1, &out, NULL) == LOGSTORE_E_ARGUMENT);

    int status;
    CHECK(logstore_apply(s, "events", "{\"eid\": ", 8, &status, NULL, NULL) == -1);
    CHECK(logstore_last_error_code() == LOGSTORE_E_BAD_INPUT);
    CHECK(logstore_apply(s, "nope", "{}", 2, &status, NULL, NULL) == -1);
    CHECK(logstore_last_error_code() == LOGSTORE_E_ARGUMENT);

    /* visdom's refusal is an answer, not an error */
    char *answer = NULL;
    size_t alen = 0;
    const char *bad = "{\"eid\": \"main\", \"win\": \"nowhere\", \"append\": true, \"data\": [{\"x\": [1], \"y\": [1]}]}";
    int64_t e = logstore_apply(s, "update", bad, strlen(bad), &status, &answer, &alen);
    CHECK(e > 0 && status != LOGSTORE_ANSWER_OK && answer != NULL && alen > 0);
    logstore_free(answer);

    CHECK(logstore_open(NULL, 0, NULL) == NULL && logstore_last_error_code() == LOGSTORE_E_ARGUMENT);
    CHECK(logstore_open("/tmp", 0, "sometimes") == NULL && logstore_last_error_code() == LOGSTORE_E_ARGUMENT);

    char path[4096];
    snprintf(path, sizeof path, "%s/not-a-store.db", dir);
    FILE *f = fopen(path, "w");
    fputs("hello, I am not a database, and I must stay as I am ...................................", f);
    fclose(f);
    CHECK(logstore_open(path, 0, NULL) == NULL);
    CHECK(logstore_last_error_code() == LOGSTORE_E_NOT_A_STORE);
    CHECK(strstr(logstore_last_error_message(), "not a LogStore store") != NULL);

    snprintf(path, sizeof path, "%s/missing.db", dir);
    CHECK(logstore_open(path, 1, NULL) == NULL && logstore_last_error_code() == LOGSTORE_E_IO);
    CHECK(access(path, F_OK) != 0);
}

/* The last error is per thread: a failure on another thread does not change this one's. */
static void *fail_elsewhere(void *arg) {
    logstore *s = arg;
    CHECK(logstore_export_env(s, "other", 5, -1, &(char *){NULL}, NULL) == LOGSTORE_E_NO_SUCH_ENV);
    return NULL;
}

static void test_thread_local_error(logstore *s) {
    CHECK(logstore_export_window(s, "main", 4, "w", 1, -1, 0, &(char *){NULL}, NULL) == LOGSTORE_E_NO_SUCH_WINDOW);
    pthread_t t;
    pthread_create(&t, NULL, fail_elsewhere, s);
    pthread_join(t, NULL);
    CHECK(logstore_last_error_code() == LOGSTORE_E_NO_SUCH_WINDOW);
    CHECK(strcmp(logstore_last_error_message(), "no window 'w' in env 'main'") == 0);
}

/* Readers on two threads while the main thread appends: each read sees whole epochs, and the
   series never shrinks. */
static volatile int writing = 1;
static void *read_while_writing(void *arg) {
    logstore *s = arg;
    int64_t last = 0;
    long reads = 0;
    while (writing || reads < 10) {
        logstore_traces *t = logstore_traces_read(s, "main", 4, "grow", 4, -1);
        CHECK(t != NULL);
        if (!t) break;
        const double *x, *y;
        int64_t nx = logstore_traces_column(t, 0, 0, &x, NULL);
        int64_t ny = logstore_traces_column(t, 0, 1, &y, NULL);
        CHECK(nx == ny && nx >= last);
        for (int64_t i = 0; i < ny; i++) CHECK(y[i] == 2.0 * x[i]);
        last = nx;
        logstore_traces_free(t);
        reads++;
    }
    return NULL;
}

static void test_concurrency(logstore *s) {
    const char *first = "{\"eid\": \"main\", \"win\": \"grow\", \"data\": [{\"x\": [0.0], \"y\": [0.0], \"type\": \"scatter\"}], "
                        "\"layout\": {}, \"opts\": {}}";
    apply(s, "events", first);
    pthread_t readers[2];
    for (int i = 0; i < 2; i++) pthread_create(&readers[i], NULL, read_while_writing, s);
    char body[256];
    for (int i = 1; i <= 200; i++) {
        snprintf(body, sizeof body,
                 "{\"eid\": \"main\", \"win\": \"grow\", \"append\": true, \"data\": [{\"x\": [%d.0], \"y\": [%d.0]}]}", i, 2 * i);
        CHECK(apply(s, "update", body) > 0);
    }
    writing = 0;
    for (int i = 0; i < 2; i++) pthread_join(readers[i], NULL);
    logstore_traces *t = logstore_traces_read(s, "main", 4, "grow", 4, -1);
    CHECK(t && logstore_traces_column(t, 0, 1, &(const double *){NULL}, NULL) == 201);
    logstore_traces_free(t);
}

static void test_fork_compact_check(logstore *s) {
    int64_t e = logstore_fork(s, "main", 4, "copy", 4, 1);
    CHECK(e > 0);
    char *out = NULL;
    size_t len;
    CHECK(logstore_list_windows(s, "copy", 4, -1, &out, &len) == LOGSTORE_OK);
    CHECK(out && strstr(out, "\"id\": \"loss\"") != NULL && strstr(out, "\"grow\"") == NULL);
    logstore_free(out);
    /* No epoch: seals, keeping all history. */
    CHECK(logstore_compact(s, -1, -1, -1, &out, &len) == LOGSTORE_OK);
    CHECK(out && strstr(out, "{\"before\": null, \"rows_deleted\": 0, \"segments_merged\": 0, ") == out);
    logstore_free(out);
    CHECK(logstore_export_window(s, "main", 4, "loss", 4, 1, 0, &out, NULL) == LOGSTORE_OK);
    logstore_free(out);
    /* Epochs written in the last 1e12 ms: all of them (the store's creation, epoch 0, too), so
       no history goes. */
    CHECK(logstore_compact(s, -1, -1, 1000000000000, &out, &len) == LOGSTORE_OK);
    CHECK(out && strstr(out, "{\"before\": 0, \"rows_deleted\": 0, ") == out);
    logstore_free(out);
    CHECK(logstore_export_window(s, "main", 4, "loss", 4, 1, 0, &out, NULL) == LOGSTORE_OK);
    logstore_free(out);
    CHECK(logstore_compact(s, 1, 1, -1, &out, &len) == LOGSTORE_E_ARGUMENT);
    CHECK(strstr(logstore_last_error_message(), "before and keep_last") != NULL);
    /* The last epoch alone keeps its history. */
    char expected[64];
    snprintf(expected, sizeof expected, "{\"before\": %lld, \"rows_deleted\": ", (long long)logstore_last_epoch(s));
    CHECK(logstore_compact(s, -1, 1, -1, &out, &len) == LOGSTORE_OK);
    CHECK(out && strstr(out, expected) == out);
    logstore_free(out);
    CHECK(logstore_export_window(s, "main", 4, "loss", 4, 1, 0, &out, NULL) == LOGSTORE_E_COMPACTED);
    CHECK(logstore_check(s, &out, &len) == LOGSTORE_OK);
    CHECK(out && strcmp(out, "[]") == 0);
    logstore_free(out);
}

static void test_read_only(const char *path) {
    logstore *r = logstore_open(path, 1, NULL);
    CHECK(r != NULL);
    if (!r) return;
    CHECK(logstore_apply(r, "events", EVENTS, strlen(EVENTS), NULL, NULL, NULL) == -1);
    CHECK(logstore_last_error_code() == LOGSTORE_E_READ_ONLY);
    char *out = NULL;
    CHECK(logstore_export_window(r, "copy", 4, "loss", 4, -1, 0, &out, NULL) == LOGSTORE_OK);
    CHECK(out && strstr(out, EXPECTED_Y) != NULL);
    logstore_free(out);
    logstore_close(r);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s EMPTY_DIR\n", argv[0]);
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/test.db", argv[1]);
    logstore *s = logstore_open(path, 0, "full");
    if (!s) {
        fprintf(stderr, "open: %s\n", logstore_last_error_message());
        return 1;
    }
    test_write_read_and_export(s);
    test_traces(s);
    test_errors(s, argv[1]);
    test_thread_local_error(s);
    test_concurrency(s);
    test_fork_compact_check(s);
    logstore_close(s);
    test_read_only(path);
    printf("logstore_test: %d failure(s)\n", failures);
    return failures;
}
