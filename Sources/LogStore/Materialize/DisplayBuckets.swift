/// The points of a long trace that visdom's web page is sent (`--display-max-points`), chosen
/// so that an append changes only the tail of what the page holds.
///
/// Buckets are `width` consecutive points starting at index 0, `width` a power of two; a
/// bucket's choice depends on its own points only, so appending points changes only the
/// last bucket (and the one before, which held the old last point). The width is the
/// smallest power of two whose choice fits in `maxPoints`; the number of points chosen at a
/// given width never shrinks as points are appended, so the width only grows (each doubling
/// changes every bucket: the trace is then sent whole, about once per doubling of its length;
/// so does the one passage from rule 2 to rule 3 below).
///
/// Chosen, in index order:
/// 1. the first and the last point;
/// 2. while spikes (points whose `kind` is not 0: NaN, ±Infinity, null, not a number) are at
///    most half of what fits, every spike, plus the first minimum and maximum finite value of
///    each bucket in the rest;
/// 3. with more spikes than that, per bucket the first minimum and maximum finite value (in
///    at most half of what fits) and the first point of each spike kind (a long run of NaN
///    still shows as NaN in each bucket).
///
/// For `maxPoints` below `minimumMaxPoints` (too few for one bucket of every kind) the
/// export rule (`Downsample.indices`) is used instead.
enum DisplayBuckets {
    /// Spike kinds `kind(i)` may return are 1...kinds; 0 is an ordinary point.
    static let kinds = 8
    static let minimumMaxPoints = kinds + 2 + 2

    /// Sorted indices into 0..<n, at most `maxPoints` of them (n > maxPoints). `value(i)`: the
    /// finite y (or x) of point i, if it has one; `kind(i)`: its spike kind (0: none).
    static func indices(n: Int, maxPoints: Int, value: (Int) -> Double?, kind: (Int) -> UInt8) -> [Int] {
        choose(n: n, maxPoints: maxPoints, value: value, kind: kind).indices
    }

    /// `indices`, the bucket width they were chosen with (0: the export rule's) and whether
    /// spikes were chosen per bucket (rule 3).
    static func choose(n: Int, maxPoints: Int, value: (Int) -> Double?, kind: (Int) -> UInt8) -> (
        indices: [Int], width: Int, spikesPerBucket: Bool
    ) {
        guard maxPoints >= minimumMaxPoints else {
            return (Downsample.indices(n: n, maxPoints: maxPoints, value: value, special: { kind($0) != 0 }), 0, false)
        }
        var spikes: [Int] = []
        for i in 0..<n where kind(i) != 0 { spikes.append(i) }
        let room = maxPoints - 2
        let everySpike = spikes.count <= room / 2
        // With every spike kept the extremes get the rest; with spikes per bucket, the
        // extremes still fit in the half they had when every spike was kept (so the width
        // cannot shrink when the trace passes from one to the other).
        func fits(_ l: Level) -> Bool {
            everySpike ? l.finitePicks <= room - spikes.count : l.finitePicks <= room - room / 2 && l.picks <= room
        }
        var buckets = Level(
            n: n, width: startWidth(n: n, budget: room - room / 2), kindsPerBucket: !everySpike, value: value,
            kind: kind)
        // picks only shrink as the width grows: find the smallest width that fits
        while buckets.width > 1 {
            let half = Level(n: n, width: buckets.width / 2, kindsPerBucket: !everySpike, value: value, kind: kind)
            guard fits(half) else { break }
            buckets = half
        }
        while !fits(buckets) { buckets = buckets.doubled(value: value) }
        var chosen = Set([0, n - 1])
        if everySpike { chosen.formUnion(spikes) }
        buckets.forEachPick { chosen.insert($0) }
        return (chosen.sorted(), buckets.width, !everySpike)
    }

    /// The power of two near `n / (2 budget)`, where the search for the width starts (it goes
    /// down while half the width fits, then up until it fits).
    static func startWidth(n: Int, budget: Int) -> Int {
        var w = 1
        while w * 2 * max(budget, 1) < n { w *= 2 }
        return w
    }

    /// The buckets of one width: per bucket the first index of the minimum and maximum finite
    /// value, and (with `kindsPerBucket`) the first index of each spike kind; -1: none.
    struct Level {
        let n: Int
        let width: Int
        let kindsPerBucket: Bool
        var minI: [Int]
        var maxI: [Int]
        /// bucket b, kind k (1...kinds) at `b * kinds + k - 1`
        var firstOfKind: [Int]
        /// Chosen finite values, and those plus the spikes chosen per bucket.
        var finitePicks = 0
        var picks = 0

        init(n: Int, width: Int, kindsPerBucket: Bool, value: (Int) -> Double?, kind: (Int) -> UInt8) {
            self.n = n
            self.width = width
            self.kindsPerBucket = kindsPerBucket
            let count = (n + width - 1) / width
            minI = [Int](repeating: -1, count: count)
            maxI = minI
            firstOfKind = kindsPerBucket ? [Int](repeating: -1, count: count * DisplayBuckets.kinds) : []
            var minV = [Double](repeating: .infinity, count: count)
            var maxV = [Double](repeating: -.infinity, count: count)
            for i in 0..<n {
                let b = i / width
                if let v = value(i) {
                    if v < minV[b] || minI[b] < 0 {
                        minV[b] = v
                        minI[b] = i
                    }
                    if v > maxV[b] || maxI[b] < 0 {
                        maxV[b] = v
                        maxI[b] = i
                    }
                } else if kindsPerBucket {
                    let k = Int(kind(i))
                    if k > 0 && firstOfKind[b * DisplayBuckets.kinds + k - 1] < 0 {
                        firstOfKind[b * DisplayBuckets.kinds + k - 1] = i
                    }
                }
            }
            countPicks()
        }

        private mutating func countPicks() {
            finitePicks = 0
            for b in minI.indices where minI[b] >= 0 { finitePicks += minI[b] == maxI[b] ? 1 : 2 }
            picks = finitePicks
            for i in firstOfKind where i >= 0 { picks += 1 }
        }

        /// The buckets of twice the width, merged pairwise.
        func doubled(value: (Int) -> Double?) -> Level {
            Level(merging: self, count: (minI.count + 1) / 2, value: value)
        }

        private init(merging l: Level, count: Int, value: (Int) -> Double?) {
            n = l.n
            width = l.width * 2
            kindsPerBucket = l.kindsPerBucket
            minI = [Int](repeating: -1, count: count)
            maxI = minI
            firstOfKind = l.kindsPerBucket ? [Int](repeating: -1, count: count * DisplayBuckets.kinds) : []
            for b in 0..<count {
                let a = 2 * b
                let c = a + 1 < l.minI.count ? a + 1 : -1
                minI[b] = l.minI[a]
                maxI[b] = l.maxI[a]
                if c >= 0 {
                    // ties keep the earlier bucket's (the earlier index)
                    if l.minI[c] >= 0, minI[b] < 0 || value(l.minI[c])! < value(minI[b])! { minI[b] = l.minI[c] }
                    if l.maxI[c] >= 0, maxI[b] < 0 || value(l.maxI[c])! > value(maxI[b])! { maxI[b] = l.maxI[c] }
                }
                if l.kindsPerBucket {
                    for k in 0..<DisplayBuckets.kinds {
                        var first = l.firstOfKind[a * DisplayBuckets.kinds + k]
                        if first < 0 && c >= 0 { first = l.firstOfKind[c * DisplayBuckets.kinds + k] }
                        firstOfKind[b * DisplayBuckets.kinds + k] = first
                    }
                }
            }
            countPicks()
        }

        func forEachPick(_ body: (Int) -> Void) {
            for b in minI.indices where minI[b] >= 0 {
                body(minI[b])
                body(maxI[b])
            }
            for i in firstOfKind where i >= 0 { body(i) }
        }
    }
}
