import XCTest

@testable import LogStore

final class DisplayBucketsTests: XCTestCase {
    /// A sine with a spike of 50 at 1000 and, every `spikeEvery` points, one of the four
    /// non-finite values (NaN, +Infinity, -Infinity, null).
    func series(_ n: Int, spikeEvery: Int = 0) -> [JSONValue] {
        (0..<n).map { i in
            if i == 1000 { return .double(50) }
            if spikeEvery > 0 && i % spikeEvery == spikeEvery - 1 {
                return [.double(.nan), .double(.infinity), .double(-.infinity), .null][(i / spikeEvery) % 4]
            }
            return i % 7 == 0 ? .int(Int64(i % 3)) : .double(sin(Double(i) / 50))
        }
    }

    func choose(_ y: [JSONValue], n: Int? = nil, maxPoints: Int) -> (indices: [Int], width: Int, spikesPerBucket: Bool)
    {
        DisplayBuckets.choose(
            n: n ?? y.count, maxPoints: maxPoints, value: { Downsample.finite(y[$0]) }, kind: { Downsample.kind(y[$0]) }
        )
    }

    /// Appending a point leaves every chosen point before the bucket that held the old last
    /// point as it was, unless the width doubled (or, once, spikes became too many to keep
    /// each); the width only grows, a power of two, and doubles about once per doubling of
    /// the length.
    func testAnAppendChangesOnlyTheLastBucketsUntilTheWidthDoubles() {
        for spikeEvery in [0, 61] {  // with 61, past n ≈ 1800 spikes are kept per bucket
            let y = series(3000, spikeEvery: spikeEvery)
            var before = choose(y, n: 500, maxPoints: 60)
            var doublings = 0
            for n in 501...y.count {
                let now = choose(y, n: n, maxPoints: 60)
                XCTAssertLessThanOrEqual(now.indices.count, 60)
                XCTAssertEqual(now.width & (now.width - 1), 0, "a power of two")
                XCTAssertGreaterThanOrEqual(now.width, before.width, "n \(n)")
                XCTAssertTrue(now.spikesPerBucket || !before.spikesPerBucket, "n \(n)")
                if now.width == before.width && now.spikesPerBucket == before.spikesPerBucket {
                    let stable = (n - 2) / now.width * now.width  // the bucket of the old last point
                    XCTAssertEqual(
                        now.indices.filter { $0 < stable }, before.indices.filter { $0 < stable }, "n \(n)")
                    XCTAssertLessThanOrEqual(
                        now.indices.count(where: { $0 >= stable }) + before.indices.count(where: { $0 >= stable }),
                        40, "only the tail changes (two buckets and the last point, each way): n \(n)")
                } else if now.width != before.width {
                    doublings += 1
                }
                before = now
            }
            XCTAssertGreaterThanOrEqual(doublings, 2, "500 → 3000 points")
            XCTAssertLessThanOrEqual(doublings, 4, "500 → 3000 points")
            XCTAssertEqual(before.spikesPerBucket, spikeEvery > 0)
        }
    }

    /// First and last point, the spike and every NaN, ±Infinity and null are kept; the rest
    /// are the extremes of buckets.
    func testKeepsFirstLastTheSpikeAndEveryNonFiniteValue() {
        let y = series(20_000, spikeEvery: 200)
        let (keep, width, _) = choose(y, maxPoints: 1000)
        XCTAssertLessThanOrEqual(keep.count, 1000)
        XCTAssertGreaterThan(keep.count, 600, "the budget is used")
        XCTAssertEqual(keep, keep.sorted())
        XCTAssertEqual(keep.first, 0)
        XCTAssertEqual(keep.last, 19_999)
        XCTAssertTrue(keep.contains(1000), "the spike")
        for i in stride(from: 199, to: 20_000, by: 200) { XCTAssertTrue(keep.contains(i), "spike at \(i)") }
        // each bucket's minimum and maximum
        let b = 14_000 / width
        let inBucket = (b * width..<(b + 1) * width).filter { Downsample.finite(y[$0]) != nil }
        let maxI = inBucket.max { Downsample.finite(y[$0])! < Downsample.finite(y[$1])! }!
        XCTAssertTrue(keep.contains(maxI))
    }

    /// More spikes than half the room: each bucket keeps the first of each kind it holds, so
    /// a run of NaN after a divergence still shows as NaN all along.
    func testARunOfSpikesKeepsOnePerKindPerBucket() {
        var y = series(50_000)
        for i in 20_000..<50_000 { y[i] = i % 2 == 0 ? .double(.nan) : .null }
        let (keep, width, perBucket) = choose(y, maxPoints: 500)
        XCTAssertTrue(perBucket)
        XCTAssertLessThanOrEqual(keep.count, 500)
        XCTAssertTrue(keep.contains(1000), "the spike")
        for b in (20_000 / width + 1)..<(50_000 / width) {
            let inBucket = keep.filter { $0 / width == b }
            XCTAssertTrue(inBucket.contains { y[$0] == .double(.nan) }, "bucket \(b) shows NaN")
            XCTAssertTrue(inBucket.contains { y[$0] == .null }, "bucket \(b) shows null")
        }
    }

    /// Below the room for one bucket of every kind, the export rule is used.
    func testTinyCapsUseTheExportRule() {
        let y = series(1000, spikeEvery: 10)
        for cap in 1..<DisplayBuckets.minimumMaxPoints {
            let (keep, width, _) = choose(y, maxPoints: cap)
            XCTAssertEqual(width, 0)
            XCTAssertEqual(
                keep,
                Downsample.indices(
                    n: 1000, maxPoints: cap, value: { Downsample.finite(y[$0]) },
                    special: { Downsample.kind(y[$0]) != 0 }))
        }
    }

    /// The page's read of a stored window thins it by this rule, the same as thinning the whole
    /// window; `/win_data` and exports keep their own (every point, `--max-points`).
    func testPageReadsUseTheDisplayRule() throws {
        let store = try temporaryStore(self)
        let y = series(30_000, spikeEvery: 500)
        let ys = y.map { JSONWriter.string($0) }.joined(separator: ", ")
        try store.apply(.events, #"{"data": [{"y": [\#(ys)], "type": "scatter"}], "win": "w", "layout": {}}"#)
        let page = try XCTUnwrap(try store.pageWindow(env: "main", window: "w", maxPoints: 400))
        let whole = try store.exportWindow(env: "main", window: "w")
        XCTAssertEqual(page, Downsample.window(whole, maxPoints: 400, rule: .display))
        let keep = choose(y, maxPoints: 400).indices
        XCTAssertEqual(page["content"]?["data"]?.arrayValue?[0]["y"], .array(keep.map { y[$0] }))
        XCTAssertEqual(
            try store.exportWindow(env: "main", window: "w", maxPoints: 400), Downsample.window(whole, maxPoints: 400))
        XCTAssertEqual(whole["content"]?["data"]?.arrayValue?[0]["y"]?.arrayValue?.count, 30_000)
    }
}
