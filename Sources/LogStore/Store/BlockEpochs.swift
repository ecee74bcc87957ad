/// The epochs of a sealed block (`block.epochs`): which epoch wrote each of its values, as the
/// segments the block replaced, so a read as of any epoch sees exactly the values it saw before
/// sealing (docs/FORMAT.md, "Sealed blocks").
///
/// Encoding: runs of segments, each run three varints `(repeat, delta, count)`: `repeat`
/// consecutive segments, each written `delta` epochs after the one before it (the first
/// segment's predecessor is the block's `first_epoch`, so the first run starts with delta 0)
/// and each holding `count` values. A training loop that appends one point per step to one
/// window is two runs, `(1, 0, 1) (N-1, 1, 1)`, whatever N is.
///
/// Invariants: epochs never decrease (a series' seq order is its epoch order); the segments'
/// counts sum to the block's `count`; their number is `last_seq - first_seq + 1`.
enum BlockEpochs {
    struct Segment: Equatable {
        var epoch: Int64
        var count: Int64
    }

    struct DecodeError: Error, CustomStringConvertible {
        var description: String { "corrupt block epochs" }
    }

    static func encode(_ segments: [Segment], firstEpoch: Int64) -> [UInt8] {
        var out: [UInt8] = []
        var previous = firstEpoch
        var i = 0
        while i < segments.count {
            let delta = segments[i].epoch - previous
            let count = segments[i].count
            var repeats = 1
            previous = segments[i].epoch
            while i + repeats < segments.count, segments[i + repeats].count == count,
                segments[i + repeats].epoch - previous == delta
            {
                previous = segments[i + repeats].epoch
                repeats += 1
            }
            ValueCodec.putVarint(UInt64(repeats), &out)
            ValueCodec.putVarint(UInt64(bitPattern: delta), &out)
            ValueCodec.putVarint(UInt64(bitPattern: count), &out)
            i += repeats
        }
        return out
    }

    /// Calls `body(epoch, count)` for each segment in order; stops when it returns false.
    static func forEach(_ bytes: UnsafeRawBufferPointer, firstEpoch: Int64, _ body: (Int64, Int64) throws -> Bool)
        throws
    {
        var offset = 0
        func varint() throws -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard offset < bytes.count, shift < 64 else { throw DecodeError() }
                let b = bytes[offset]
                offset += 1
                result |= UInt64(b & 0x7f) << shift
                if b & 0x80 == 0 { return result }
                shift += 7
            }
        }
        var epoch = firstEpoch
        while offset < bytes.count {
            let repeats = try varint()
            let delta = Int64(bitPattern: try varint())
            let count = Int64(bitPattern: try varint())
            guard repeats > 0, delta >= 0, count >= 0 else { throw DecodeError() }
            for _ in 0..<repeats {
                epoch += delta
                guard try body(epoch, count) else { return }
            }
        }
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, firstEpoch: Int64) throws -> [Segment] {
        var out: [Segment] = []
        try forEach(bytes, firstEpoch: firstEpoch) {
            out.append(Segment(epoch: $0, count: $1))
            return true
        }
        return out
    }

    /// The number of values written in epochs `lo ... hi`, and the last such epoch.
    static func visible(_ bytes: UnsafeRawBufferPointer, firstEpoch: Int64, from lo: Int64 = .min, through hi: Int64)
        throws
        -> (count: Int64, last: Int64?)
    {
        var count: Int64 = 0
        var last: Int64?
        try forEach(bytes, firstEpoch: firstEpoch) { epoch, n in
            guard epoch <= hi else { return false }
            if epoch >= lo {
                count += n
                last = epoch
            }
            return true
        }
        return (count, last)
    }
}
