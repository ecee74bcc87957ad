import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Names the calling thread as `top -H`, `perf` and /proc/PID/task/*/comm show it (Linux keeps
/// at most 15 bytes). On Linux it writes /proc/thread-self/comm itself (`pthread_setname_np` is
/// not imported into Swift): set from a new thread with Foundation's `Thread.current.name`, the
/// system thread's name was now and then missing (the hardening test `checkpoints` failed on it
/// in 2 of 4 runs).
func nameCurrentThread(_ name: String) {
    #if os(Linux)
        let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    #else
        Thread.current.name = name
    #endif
}
