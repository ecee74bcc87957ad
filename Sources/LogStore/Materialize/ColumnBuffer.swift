#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The memory a trace column is decoded into (`TraceColumns.Column`): `count` values at
/// `base`, written once, in place. A large buffer is 2 MiB-aligned and advised to use
/// transparent huge pages, as numpy does for its arrays: filling a 1M-point column then costs
/// 4 page faults instead of 2,000, which was most of the time of reading a large window. The
/// memory is not zeroed first (a Swift array would be): every value is written by its decoder.
///
/// Invariant: `base[0..<count]` are initialized; `count <= capacity`. Mutated only while its
/// column is being built (by one thread), immutable once the column is returned, hence Sendable.
public final class ColumnBuffer<Element: BitwiseCopyable>: @unchecked Sendable, RandomAccessCollection {
    public private(set) var base: UnsafeMutablePointer<Element>
    public private(set) var count: Int = 0
    private(set) var capacity: Int

    static var hugePage: Int { 2 << 20 }

    init(capacity: Int) {
        self.capacity = Swift.max(capacity, 1)
        base = Self.allocate(self.capacity)
    }

    deinit { free(base) }

    private static func allocate(_ n: Int) -> UnsafeMutablePointer<Element> {
        let bytes = n * MemoryLayout<Element>.stride
        var p: UnsafeMutableRawPointer? = nil
        if bytes >= hugePage {
            guard posix_memalign(&p, hugePage, bytes) == 0, let p else { fatalError("out of memory for \(bytes) bytes") }
            #if os(Linux)
            _ = madvise(p, bytes, MADV_HUGEPAGE)
            #endif
            return p.bindMemory(to: Element.self, capacity: n)
        }
        guard let m = malloc(bytes) else { fatalError("out of memory for \(bytes) bytes") }
        return m.bindMemory(to: Element.self, capacity: n)
    }

    /// Room for at least `n` values.
    func reserve(_ n: Int) {
        guard n > capacity else { return }
        let grown = Swift.max(n, 2 * capacity)
        let new = Self.allocate(grown)
        new.update(from: base, count: count)
        free(base)
        base = new
        capacity = grown
    }

    /// Sets the number of initialized values after a decoder wrote them at `base`.
    func setCount(_ n: Int) {
        precondition(n <= capacity)
        count = n
    }

    func append(_ v: Element) {
        reserve(count + 1)
        base[count] = v
        count += 1
    }

    /// Appends `n` copies of `v`.
    func append(repeating v: Element, count n: Int) {
        reserve(count + n)
        (base + count).initialize(repeating: v, count: n)
        count += n
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
    public subscript(i: Int) -> Element {
        precondition(i >= 0 && i < count, "index out of range")
        return base[i]
    }

    /// The same values, bit for bit (a NaN equals the same NaN).
    func sameBits(as other: ColumnBuffer) -> Bool {
        count == other.count && memcmp(base, other.base, count * MemoryLayout<Element>.stride) == 0
    }
}
