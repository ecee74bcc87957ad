#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The memory a trace column is decoded into (`TraceColumns.Column`): `count` values at
/// `base`, written once, in place. The memory comes from `ColumnMemory` (huge pages, reused
/// once freed) and is not zeroed first (a Swift array would be): every value is written by its
/// decoder.
///
/// Invariant: `base[0..<count]` are initialized; `count <= capacity`; `base` is a block of
/// `bytes` bytes from `ColumnMemory.allocate`. Mutated only while its column is being built (by
/// one thread), immutable once the column is returned, hence Sendable.
public final class ColumnBuffer<Element: BitwiseCopyable>: @unchecked Sendable, RandomAccessCollection {
    public private(set) var base: UnsafeMutablePointer<Element>
    public private(set) var count: Int = 0
    private(set) var capacity: Int
    private var bytes: Int

    init(capacity: Int) {
        (base, bytes) = Self.allocate(Swift.max(capacity, 1))
        self.capacity = bytes / MemoryLayout<Element>.stride
    }

    deinit { ColumnMemory.release(UnsafeMutableRawPointer(base), bytes) }

    private static func allocate(_ n: Int) -> (UnsafeMutablePointer<Element>, Int) {
        let (block, bytes) = ColumnMemory.allocate(n * MemoryLayout<Element>.stride)
        return (block.bindMemory(to: Element.self, capacity: bytes / MemoryLayout<Element>.stride), bytes)
    }

    /// Room for at least `n` values.
    func reserve(_ n: Int) {
        guard n > capacity else { return }
        let (new, newBytes) = Self.allocate(Swift.max(n, 2 * capacity))
        new.update(from: base, count: count)
        ColumnMemory.release(UnsafeMutableRawPointer(base), bytes)
        base = new
        bytes = newBytes
        capacity = newBytes / MemoryLayout<Element>.stride
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
