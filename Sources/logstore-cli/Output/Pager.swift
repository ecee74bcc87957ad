import Glibc

/// Pages a command's stdout through a pager when stdout is a terminal, as git does:
/// `$LOGSTORE_PAGER`, else `$PAGER`, else `less`, run by `/bin/sh -c`, with `LESS=FRX` when
/// `LESS` is unset (quit at once if the output fits one screen, keep colours, leave the screen
/// as it is) and `LV=-c`. An empty pager or `cat` means none. Output to a pipe or a file is
/// never paged.
///
/// While the pager runs, stdout is the pipe to it and Ctrl-C is left to the pager (`less`
/// uses it to stop a search); when the reader quits early, the next write ends the command
/// quietly (see `BufferedOutput`). `finish` closes the pipe and waits for the pager, so the
/// shell's prompt comes back only once the pager is done.
final class Pager {
    private let pid: pid_t

    private init(pid: pid_t) { self.pid = pid }

    /// Starts the pager and points stdout at it; nil (stdout unchanged) when stdout is not a
    /// terminal, no pager is wanted, or it cannot be started.
    static func start(environment: [String: String]) -> Pager? {
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        let command = environment["LOGSTORE_PAGER"] ?? environment["PAGER"] ?? "less"
        guard !command.allSatisfy({ $0 == " " }), command != "cat" else { return nil }

        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        // logstore ignores SIGPIPE, and ignored signals stay ignored across exec: give the
        // pager the default dispositions back.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigaddset(&defaults, SIGINT)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))

        var env = environment
        if env["LESS"] == nil { env["LESS"] = "FRX" }
        if env["LV"] == nil { env["LV"] = "-c" }
        let argv = ["/bin/sh", "-c", command]
        let envp = env.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let status = withCStrings(argv) { cArgv in
            withCStrings(envp) { cEnv in posix_spawn(&pid, "/bin/sh", &actions, &attributes, cArgv, cEnv) }
        }
        close(fds[0])
        guard status == 0 else {
            close(fds[1])
            return nil
        }
        dup2(fds[1], STDOUT_FILENO)
        close(fds[1])
        signal(SIGINT, SIG_IGN)
        return Pager(pid: pid)
    }

    /// Flushes `stdout`, closes the pipe and waits for the pager to exit.
    func finish(_ stdout: BufferedOutput) {
        stdout.flush()
        close(STDOUT_FILENO)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        signal(SIGINT, SIG_DFL)
    }
}

/// Calls `body` with `strings` as a NULL-terminated array of C strings.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for p in pointers { free(p) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
