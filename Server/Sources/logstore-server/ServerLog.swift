import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The server's log: one line per event on stderr. Writing it never throws, traps or blocks a
/// request for long: a line that cannot be written (stderr a closed pipe, a full disk, a
/// non-blocking pipe that is full) is dropped and counted, and the request still gets its
/// answer. `SIGPIPE` is ignored so that a closed pipe is an error, not the end of the process.
final class ServerLog: Sendable {
    private let dropped = Atomic<Int>(0)
    private let fd: Int32

    init(fd: Int32 = 2) {
        self.fd = fd
        signal(SIGPIPE, SIG_IGN)
    }

    /// Lines that could not be written.
    var droppedLines: Int { dropped.load(ordering: .relaxed) }

    /// Writes `logstore-server: <line>` and a newline, in one `write(2)` when it fits.
    func callAsFunction(_ line: String) {
        let bytes = Array("logstore-server: \(line)\n".utf8)
        if !writeAll(bytes) { dropped.add(1, ordering: .relaxed) }
    }

    /// One line on stdout (what scripts wait for), with the same care; false if not written.
    @discardableResult
    static func stdout(_ line: String) -> Bool {
        ServerLog(fd: 1).writeAll(Array("logstore-server: \(line)\n".utf8))
    }

    /// All of `bytes`, retrying interrupted and partial writes; false at the first failure.
    private func writeAll(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n > 0 {
                    offset += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
    }
}
