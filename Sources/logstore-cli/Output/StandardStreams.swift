import Glibc

/// stdout for a command's output, buffered: `write(2)` in 64 KiB pieces, retrying short writes
/// and EINTR. stdout carries the command's output and nothing else.
///
/// When the reader goes away (`logstore log | head`), the write fails with EPIPE (SIGPIPE is
/// ignored, see `CLI.run`) and the process ends quietly with status 0: there is no one left
/// to tell, and the output that was wanted has been read.
///
/// One owner: the command that runs on the main thread.
final class BufferedOutput {
    let fd: Int32
    private var buffer: [UInt8] = []
    private let capacity = 1 << 16

    init(fd: Int32) { self.fd = fd }

    func write(_ text: String) { write(Array(text.utf8)) }

    func write(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { flush() }
    }

    /// Writes out what is buffered.
    func flush() {
        if !writeAll(fd, buffer) && errno == EPIPE { exit(0) }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// stderr, unbuffered: each message goes out whole when written, so it survives an exit and
/// interleaves line by line with other writers.
enum StandardError {
    static func write(_ text: String) { _ = writeAll(STDERR_FILENO, Array(text.utf8)) }
}

/// `write(2)` until every byte is out; false on an error other than EINTR (errno says which).
func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }
}
