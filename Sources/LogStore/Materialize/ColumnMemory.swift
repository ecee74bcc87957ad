import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where `ColumnBuffer`s get their memory. A large block (at least `hugePage` bytes) is a
/// whole number of 2 MiB huge pages, 2 MiB-aligned and advised to use transparent huge pages,
/// as numpy does for its arrays. A freed large block is kept for the next column of a size it
/// fits instead of going back to the kernel: a new block is pages the kernel must fault in and
/// zero (for a 1M-point window, more time than decoding it), while a kept one is already
/// mapped. glibc does the same for `malloc` (its mmap threshold grows to the size of freed
/// blocks), which is why `numpy.fromfile` of the same doubles pays no page faults either.
///
/// Invariants: every kept block is unused (no `ColumnBuffer` points into it); their sizes sum
/// to at most `keptLimit`; a column is only given a kept block at most twice its size. Thread
/// safe: columns are freed on whatever thread drops the last reference (Python's, via the C ABI).
enum ColumnMemory {
    static let hugePage = 2 << 20
    /// The most bytes kept for reuse: two columns of 4M doubles.
    static let keptLimit = 64 << 20

    private static let lock = NSLock()
    nonisolated(unsafe) private static var kept: [(block: UnsafeMutableRawPointer, bytes: Int)] = []
    nonisolated(unsafe) private static var keptBytes = 0

    /// A block of at least `bytes` bytes; returns it and its size.
    static func allocate(_ bytes: Int) -> (UnsafeMutableRawPointer, Int) {
        guard bytes >= hugePage else {
            guard let m = malloc(Swift.max(bytes, 1)) else { fatalError("out of memory for \(bytes) bytes") }
            return (m, bytes)
        }
        let size = (bytes + hugePage - 1) / hugePage * hugePage
        if let reused = takeKept(atLeast: size) { return reused }
        var p: UnsafeMutableRawPointer? = nil
        guard posix_memalign(&p, hugePage, size) == 0, let p else { fatalError("out of memory for \(size) bytes") }
        #if os(Linux)
            _ = madvise(p, size, MADV_HUGEPAGE)
        #endif
        return (p, size)
    }

    /// Gives back a block `allocate` returned, with the size it returned.
    static func release(_ block: UnsafeMutableRawPointer, _ bytes: Int) {
        if bytes >= hugePage, bytes <= keptLimit {
            lock.lock()
            // The oldest kept blocks are freed to make room.
            while keptBytes + bytes > keptLimit, !kept.isEmpty {
                let old = kept.removeFirst()
                keptBytes -= old.bytes
                free(old.block)
            }
            kept.append((block, bytes))
            keptBytes += bytes
            lock.unlock()
            return
        }
        free(block)
    }

    /// The smallest kept block of `size` to `2 * size` bytes, no longer kept.
    private static func takeKept(atLeast size: Int) -> (UnsafeMutableRawPointer, Int)? {
        lock.lock()
        defer { lock.unlock() }
        var best: Int? = nil
        for (i, k) in kept.enumerated() where k.bytes >= size && k.bytes <= 2 * size {
            if best.map({ kept[$0].bytes > k.bytes }) ?? true { best = i }
        }
        guard let best else { return nil }
        let k = kept.remove(at: best)
        keptBytes -= k.bytes
        return (k.block, k.bytes)
    }

    /// The bytes kept for reuse now (for tests).
    static var keptForReuse: Int {
        lock.lock()
        defer { lock.unlock() }
        return keptBytes
    }
}
