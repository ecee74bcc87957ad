import XCTest

@testable import LogStore

final class DownsampleTests: XCTestCase {
    func trace(_ y: [JSONValue], colors: Bool = false) -> JSONValue {
        var o = JSONObject()
        o["x"] = .array((0..<y.count).map { JSONValue.int(Int64($0)) })
        o["y"] = .array(y)
        o["type"] = "scatter"
        if colors {
            o["marker"] = .object(JSONObject([("color", .array((0..<y.count).map { JSONValue.string("c\($0)") }))]))
        }
        return .object(o)
    }

    func testKeepsFirstLastExtremesAndEverySpike() {
        var y: [JSONValue] = (0..<10_000).map { .double(sin(Double($0) / 100)) }
        y[1234] = .double(.nan)
        y[5000] = .double(.infinity)
        y[7777] = .null
        y[9000] = .double(-.infinity)
        y[4321] = .double(50)  // the global maximum
        let out = Downsample.trace(trace(y, colors: true), maxPoints: 100)
        let xs: [Int] = out["x"]!.arrayValue!.map { if case .int(let i) = $0 { return Int(i) } else { return -1 } }
        XCTAssertLessThanOrEqual(xs.count, 100)
        XCTAssertEqual(xs, xs.sorted())
        for must in [0, 9999, 1234, 5000, 7777, 9000, 4321] { XCTAssertTrue(xs.contains(must), "\(must) missing") }
        XCTAssertEqual(out["marker"]?["color"]?.arrayValue?.count, xs.count)
        XCTAssertEqual(out["marker"]?["color"]?.arrayValue?.first, "c0")
    }

    func testMoreSpikesThanRoomKeepsAnEvenSpread() {
        let y: [JSONValue] = (0..<1000).map { _ in .double(.nan) }
        let out = Downsample.trace(trace(y), maxPoints: 10)
        XCTAssertEqual(out["y"]?.arrayValue?.count, 10)
    }

    func testSmallTracesAndNonPlotWindowsAreUnchanged() {
        let t = trace([1, 2, 3])
        XCTAssertEqual(Downsample.trace(t, maxPoints: 3), t)
        let text: JSONValue = ["type": "text", "content": "hello"]
        XCTAssertEqual(Downsample.window(text, maxPoints: 1), text)
        let heat: JSONValue = [
            "type": "plot", "content": ["data": [["type": "heatmap", "z": [[1, 2], [3, 4]]]], "layout": [:]],
        ]
        XCTAssertEqual(Downsample.window(heat, maxPoints: 1), heat)
    }

    func testThroughTheStore() throws {
        let store = try temporaryStore(self)
        let xs = (0..<5000).map(String.init).joined(separator: ", ")
        try store.apply(
            .events, #"{"data": [{"x": [\#(xs)], "y": [\#(xs)], "type": "scatter"}], "win": "w", "layout": {}}"#)
        let w = try store.exportWindow(env: "main", window: "w", maxPoints: 50)
        XCTAssertLessThanOrEqual(w["content"]?["data"]?.arrayValue?[0]["x"]?.arrayValue?.count ?? 0, 50)
        XCTAssertEqual(w["content"]?["data"]?.arrayValue?[0]["x"]?.arrayValue?.last, 4999)
    }

    /// Thinning stored series before materializing gives exactly what downsampling the whole
    /// materialized window gives, by either rule.
    func testThinningStoredSeriesEqualsDownsamplingTheWholeWindow() throws {
        let store = try temporaryStore(self)
        var rng = SystemRandomNumberGenerator()
        func value() -> String {
            switch Int.random(in: 0..<40, using: &rng) {
            case 0: return "NaN"
            case 1: return "Infinity"
            case 2: return "-Infinity"
            case 3: return "null"
            case 4: return "\"s\""
            case 5: return String(Int.random(in: -5...5, using: &rng))
            default: return String(Double.random(in: -10...10, using: &rng))
            }
        }
        try store.apply(
            .events,
            #"{"data": [{"x": [], "y": [], "name": "a", "type": "scatter", "marker": {"color": []}}, {"x": [], "y": [], "name": "b", "type": "scatter"}], "win": "w", "layout": {}}"#
        )
        try store.apply(
            .events, #"{"data": [{"y": [], "name": "c", "type": "scatter"}], "win": "yonly", "layout": {}}"#)
        for _ in 0..<60 {
            let k = Int.random(in: 1...50, using: &rng)
            let xs = (0..<k).map { _ in value() }.joined(separator: ", ")
            let ys = (0..<k).map { _ in value() }.joined(separator: ", ")
            let colors = (0..<k).map { _ in #""c""# }.joined(separator: ", ")
            for name in ["a", "b"] {
                let marker = name == "a" ? #", "marker": {"color": [\#(colors)]}"# : ""
                // a null first x is visdom's TypeError: keep x[0] a number so every append lands
                try store.apply(
                    .update,
                    #"{"data": [{"x": [1, \#(xs)], "y": [1, \#(ys)]\#(marker)}], "win": "w", "name": "\#(name)", "append": true}"#
                )
            }
            try store.apply(
                .update, #"{"data": [{"x": [1], "y": [\#(ys)]}], "win": "yonly", "name": "c", "append": true}"#)
        }
        for wid in ["w", "yonly"] {
            for maxPoints in [1, 2, 3, 10, 12, 13, 77, 500, 100_000] {
                let slow = Downsample.window(try store.exportWindow(env: "main", window: wid), maxPoints: maxPoints)
                let fast = try store.exportWindow(env: "main", window: wid, maxPoints: maxPoints)
                XCTAssertEqual(fast, slow, "\(wid), maxPoints \(maxPoints)")
                let page = try store.pageWindow(env: "main", window: wid, maxPoints: maxPoints)
                let whole = Downsample.window(
                    try store.exportWindow(env: "main", window: wid), maxPoints: maxPoints, rule: .display)
                XCTAssertEqual(page, whole, "display rule: \(wid), maxPoints \(maxPoints)")
            }
        }
    }
}
