import XCTest

@testable import LogStore

final class PageWindowUpdateTests: XCTestCase {
    static func values(_ range: Range<Int>, spikeAt: Set<Int> = []) -> String {
        range.map { i -> String in
            if spikeAt.contains(i) { return ["NaN", "Infinity", "-Infinity", "null"][i % 4] }
            return i % 5 == 0 ? String(i % 7) : String(sin(Double(i) / 30))
        }.joined(separator: ", ")
    }

    func append(_ store: LogStore, _ range: Range<Int>, spikeAt: Set<Int> = [], trace: String = "a") throws {
        let xs = range.map(String.init).joined(separator: ", ")
        try store.apply(
            .update,
            #"{"data": [{"x": [\#(xs)], "y": [\#(Self.values(range, spikeAt: spikeAt))]}], "win": "w", "name": "\#(trace)", "append": true}"#
        )
    }

    /// Appends to a thinned line (and to one still below the cap), ints, floats, NaN,
    /// ±Infinity and null among them: updating the state from the appended points gives what
    /// a fresh page read gives, byte for byte, contentID included; a width doubling, a
    /// replaced trace and new options are read anew and still equal a fresh read.
    func testAppendsUpdateTheStateAsAFreshReadWould() throws {
        let store = try temporaryStore(self)
        let cap = 300
        let first = 0..<5000
        let xs = first.map(String.init).joined(separator: ", ")
        try store.apply(
            .events,
            #"{"data": [{"x": [\#(xs)], "y": [\#(Self.values(first, spikeAt: [7, 4000]))], "name": "a", "type": "scatter", "marker": {"color": [\#(first.map { _ in "\"c\"" }.joined(separator: ", "))]}}, {"x": [0], "y": [1], "name": "b", "type": "scatter"}], "win": "w", "layout": {"title": "t"}}"#
        )
        var state = try XCTUnwrap(try store.pageWindowUpdate(env: "main", window: "w", previous: nil, maxPoints: cap))
        XCTAssertTrue(state.isUpdatable, "x, y and marker.color are stored series")
        var n = 5000
        var incremental = 0
        for step in 0..<120 {
            let k = 1 + step % 4
            let spikes: Set<Int> = step % 9 == 0 ? [n + k - 1] : []
            let xs = (n..<n + k).map(String.init).joined(separator: ", ")
            let colors = (n..<n + k).map { _ in "\"d\"" }.joined(separator: ", ")
            try store.apply(
                .update,
                #"{"data": [{"x": [\#(xs)], "y": [\#(Self.values(n..<n + k, spikeAt: spikes))], "marker": {"color": [\#(colors)]}}], "win": "w", "name": "a", "append": true}"#
            )
            if step % 10 == 3 {
                try store.apply(
                    .update, #"{"data": [{"x": [\#(step)], "y": [\#(step)]}], "win": "w", "name": "b", "append": true}"#
                )
            }
            n += k
            let changes = try store.changes(env: "main", since: state.epoch)
            guard case .appended(let appends)? = changes.windows.first?.kind else { return XCTFail("step \(step)") }
            let fresh = try XCTUnwrap(try store.pageWindow(env: "main", window: "w", maxPoints: cap))
            if let updated = state.appending(
                appends, epoch: changes.upTo,
                contentID: fresh["contentID"]?.stringValue ?? "")
            {
                incremental += 1
                XCTAssertEqual(JSONWriter.string(updated.window), JSONWriter.string(fresh), "step \(step)")
            }
            state = try XCTUnwrap(try store.pageWindowUpdate(env: "main", window: "w", previous: state, maxPoints: cap))
            XCTAssertEqual(JSONWriter.string(state.window), JSONWriter.string(fresh), "step \(step)")
        }
        XCTAssertGreaterThan(incremental, 100, "most appends update the kept state")
        // other changes: read anew
        for message in [
            #"{"data": [{"x": [1, 2], "y": [3, 4]}], "win": "w", "name": "a", "append": false}"#,
            #"{"data": [{"x": [9], "y": [9]}], "win": "w", "name": "new", "append": true}"#,
        ] {
            try store.apply(.update, message)
            state = try XCTUnwrap(try store.pageWindowUpdate(env: "main", window: "w", previous: state, maxPoints: cap))
            XCTAssertEqual(state.window, try store.pageWindow(env: "main", window: "w", maxPoints: cap))
        }
        try store.apply(
            .events, #"{"data": [{"x": [1], "y": [2], "type": "scatter"}], "win": "w", "layout": {"title": "u"}}"#)
        state = try XCTUnwrap(try store.pageWindowUpdate(env: "main", window: "w", previous: state, maxPoints: cap))
        XCTAssertEqual(state.window, try store.pageWindow(env: "main", window: "w", maxPoints: cap))
        XCTAssertNil(try store.pageWindowUpdate(env: "main", window: "gone", previous: state, maxPoints: cap))
    }

    /// Every point of a window (`--display-max-points 0`) is never kept for updates.
    func testEveryPointIsNotKept() throws {
        let store = try temporaryStore(self)
        try store.apply(
            .events, #"{"data": [{"x": [1, 2], "y": [3, 4], "type": "scatter"}], "win": "w", "layout": {}}"#)
        let state = try XCTUnwrap(try store.pageWindowUpdate(env: "main", window: "w", previous: nil, maxPoints: 0))
        XCTAssertFalse(state.isUpdatable)
        XCTAssertEqual(state.window, try store.exportWindow(env: "main", window: "w"))
    }
}
