import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Monotonic nanoseconds.
@inline(__always)
func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// Nanoseconds `body` took.
@inline(__always)
func time(_ body: () throws -> Void) rethrows -> UInt64 {
    let start = now()
    try body()
    return now() - start
}

/// Latency samples of one operation, in nanoseconds.
struct Samples {
    private(set) var sorted: [UInt64]

    init(_ ns: [UInt64]) { sorted = ns.sorted() }

    var count: Int { sorted.count }

    /// Nearest-rank percentile: the smallest sample with at least `p` of the samples at or
    /// below it (p99 of fewer than 100 samples is the largest).
    func percentile(_ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = max(1, Int((p * Double(sorted.count)).rounded(.up)))
        return Double(sorted[min(rank, sorted.count) - 1])
    }

    var p50: Double { percentile(0.5) }
    var p99: Double { percentile(0.99) }
}

/// Runs `body` at least `minimum` and at most `maximum` times, stopping once `budget`
/// seconds have passed; returns each run's nanoseconds.
func sample(minimum: Int, maximum: Int, budget: Double, _ body: () throws -> Void) rethrows -> Samples {
    var ns: [UInt64] = []
    let deadline = now() + UInt64(budget * 1e9)
    while ns.count < maximum && (ns.count < minimum || now() < deadline) {
        ns.append(try time(body))
    }
    return Samples(ns)
}

func fileSize(_ path: String) -> Int64 {
    var st = stat()
    return stat(path, &st) == 0 ? Int64(st.st_size) : 0
}

/// The store file alone: once a store is closed its WAL holds nothing the file does not (the
/// writer copies every page into the file before it closes; the WAL file it keeps is reused).
func storeBytes(_ path: String) -> Int64 { fileSize(path) }

/// Bytes this process has passed to write(2) and its kin so far (`wchar` in /proc/self/io):
/// WAL frames, checkpoint copies into the store file, everything. nil where /proc has no such file.
func bytesWritten() -> Int64? {
    guard let text = try? String(contentsOfFile: "/proc/self/io", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix("wchar:") {
        return Int64(line.dropFirst("wchar:".count).trimmingCharacters(in: .whitespaces))
    }
    return nil
}

/// SQLite's automatic checkpoint runs when the WAL reaches 1,000 frames (its default), after
/// which the next commit starts the log over at the head of the file: the WAL's size then, for
/// the store at `path` (its page size is in its header, bytes 16-17 big-endian, 1 for 64 KiB).
func walWrapBytes(of path: String) -> Int64 {
    var pageSize: Int64 = 4096
    if let h = FileHandle(forReadingAtPath: path), let head = try? h.read(upToCount: 18), head.count == 18 {
        let v = Int64(head[16]) << 8 | Int64(head[17])
        pageSize = v == 1 ? 65536 : v
        try? h.close()
    }
    return fileSizeOfWAL(frames: 1000, pageSize: pageSize)
}

/// A WAL file of `frames` frames of `pageSize`-byte pages: the 32-byte header, and per frame a
/// 24-byte header and the page (https://sqlite.org/fileformat.html#the_write_ahead_log).
func fileSizeOfWAL(frames: Int64, pageSize: Int64) -> Int64 { 32 + frames * (24 + pageSize) }

/// Runs `commit` until the WAL of the store at `path` has reached the size at which SQLite
/// starts it over, then `extra` more times: from then on commits overwrite the file's blocks,
/// as in a store that has run for a while (or a reopened one, which keeps its WAL file). A
/// growing file costs more per commit (block allocation; with fsync, an inode write too), so
/// two stores compared must be in the same state.
func warmWAL(of path: String, extra: Int = 10, _ commit: () throws -> Void) rethrows {
    var n = 0
    let wrap = walWrapBytes(of: path)
    while fileSize(path + "-wal") < wrap && n < 100_000 {
        try commit()
        n += 1
    }
    for _ in 0..<extra { try commit() }
}

func removeStore(_ path: String) {
    for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Writes `bytes` to `path` as a crash-safe save does: a temporary file next to it, then
/// rename over it. With `sync`, the file is fsync'd before the rename and the directory after.
func atomicWrite(_ bytes: [UInt8], to path: String, sync: Bool) throws {
    let tmp = path + ".tmp"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw BenchError("open \(tmp): errno \(errno)") }
    var written = 0
    try bytes.withUnsafeBytes { buf in
        while written < buf.count {
            let n = write(fd, buf.baseAddress! + written, buf.count - written)
            guard n > 0 else {
                close(fd)
                throw BenchError("write \(tmp): errno \(errno)")
            }
            written += n
        }
    }
    if sync && fsync(fd) != 0 {
        close(fd)
        throw BenchError("fsync \(tmp): errno \(errno)")
    }
    close(fd)
    guard rename(tmp, path) == 0 else { throw BenchError("rename \(tmp): errno \(errno)") }
    if sync {
        let dir = open((path as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY)
        if dir >= 0 {
            fsync(dir)
            close(dir)
        }
    }
}

/// `VmHWM` (peak resident set) and `VmRSS` of this process from /proc/self/status, in KiB.
func memoryStatus() -> (hwm: Int, rss: Int) {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
    var hwm = 0
    var rss = 0
    for line in text.split(separator: "\n") {
        let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard parts.count >= 2, let v = Int(parts[1]) else { continue }
        if parts[0] == "VmHWM:" { hwm = v }
        if parts[0] == "VmRSS:" { rss = v }
    }
    return (hwm, rss)
}

// MARK: formatting

/// "1k", "10k", "1M", "10M", or the number.
func sizeLabel(_ n: Int) -> String {
    if n >= 1_000_000 && n % 1_000_000 == 0 { return "\(n / 1_000_000)M" }
    if n >= 1000 && n % 1000 == 0 { return "\(n / 1000)k" }
    return "\(n)"
}

func parseSize(_ s: Substring) -> Int? {
    let t = s.trimmingCharacters(in: .whitespaces)
    var scale = 1
    var digits = Substring(t)
    switch t.last {
    case "k", "K":
        scale = 1000
        digits = digits.dropLast()
    case "M", "m":
        scale = 1_000_000
        digits = digits.dropLast()
    default: break
    }
    guard let v = Int(digits), v > 0 else { return nil }
    return v * scale
}

/// A duration in ns printed with a unit that keeps 3 significant digits.
func formatNS(_ ns: Double) -> String {
    if ns.isNaN { return "–" }
    if ns < 1e3 { return String(format: "%.0f ns", ns) }
    if ns < 1e6 { return String(format: "%.3g µs", ns / 1e3) }
    if ns < 1e9 { return String(format: "%.3g ms", ns / 1e6) }
    return String(format: "%.3g s", ns / 1e9)
}

func formatBytes(_ b: Double) -> String {
    if b < 1024 { return String(format: "%.0f B", b) }
    if b < 1024 * 1024 { return String(format: "%.1f KiB", b / 1024) }
    if b < 1024 * 1024 * 1024 { return String(format: "%.1f MiB", b / 1024 / 1024) }
    return String(format: "%.2f GiB", b / 1024 / 1024 / 1024)
}

func formatRate(_ perSecond: Double) -> String {
    if perSecond >= 1e6 { return String(format: "%.2fM", perSecond / 1e6) }
    if perSecond >= 1e3 { return String(format: "%.1fk", perSecond / 1e3) }
    return String(format: "%.0f", perSecond)
}

func formatRatio(_ r: Double) -> String {
    if r.isNaN || r.isInfinite { return "–" }
    if r >= 100 { return String(format: "%.0f×", r) }
    if r >= 10 { return String(format: "%.1f×", r) }
    return String(format: "%.2f×", r)
}

/// Prints to stderr (progress), keeping stdout for the report.
func progress(_ s: String) {
    FileHandle.standardError.write((s + "\n").data(using: .utf8)!)
}

/// Bytes of the free pages in the closed store at `path`: the freelist page count (big-endian
/// at offset 36 of the database header) times the page size (offset 16; 1 means 65536), see
/// https://sqlite.org/fileformat.html#the_database_header. A closed store's WAL is
/// checkpointed, so its header is current.
func freeBytes(_ path: String) -> Int64 {
    guard let h = FileHandle(forReadingAtPath: path) else { return 0 }
    defer { try? h.close() }
    guard let d = try? h.read(upToCount: 40), d.count == 40 else { return 0 }
    let b = [UInt8](d)
    let size = Int64(b[16]) << 8 | Int64(b[17])
    let pageSize = size == 1 ? 65536 : size
    let free = b[36..<40].reduce(Int64(0)) { $0 << 8 | Int64($1) }
    return free * pageSize
}

/// The store file's bytes in use: its size less its free pages.
func usedBytes(_ path: String) -> Int64 { storeBytes(path) - freeBytes(path) }
