/* A disk whose cache flush is slow, emulated for load measurements (Benchmarks/README.md,
   "Durability full, pipelined"): fdatasync and fsync sleep SLOWSYNC_US microseconds (default
   3000), then make the real call. Not built by CI.

       gcc -O2 -shared -fPIC -o slow-fsync.so slow-fsync.c -ldl
       LD_PRELOAD=$PWD/slow-fsync.so logstore-server ...                                  */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

static void wait_for_the_flush(void) {
    const char *text = getenv("SLOWSYNC_US");
    long us = text ? atol(text) : 3000;
    struct timespec t = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&t, 0);
}

int fdatasync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    wait_for_the_flush();
    return real(fd);
}

int fsync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    wait_for_the_flush();
    return real(fd);
}
