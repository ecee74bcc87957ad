import Foundation
import XCTest

@testable import LogStore

/// Points in listings: a trace counts each point once (y, else x, else z), a heatmap its rows,
/// an image history its images, a text pane none.
final class ListingTests: XCTestCase {
    func testATraceCountsEachPointOnceNotOncePerCoordinate() throws {
        let store = try temporaryStore(self)
        try store.apply(.events, #"{"data": [{"x": [1, 2, 3], "y": [4, 5, 6], "marker": {"color": [1, 2, 3]}, "type": "scatter", "name": "a"}, {"x": [1], "type": "histogram", "name": "b"}], "win": "p", "eid": "main", "layout": {}, "opts": {}}"#)
        try store.apply(.update, #"{"data": [{"x": [4], "y": [7]}], "win": "p", "eid": "main", "append": true, "name": "a"}"#)
        let w = try XCTUnwrap(try store.listWindows(env: "main").first)
        XCTAssertEqual(w.traces, 2)
        XCTAssertEqual(w.points, 4 + 1)
    }

    func testAHeatmapCountsItsRowsAndTextCountsNothing() throws {
        let store = try temporaryStore(self)
        try store.apply(.events, #"{"data": [{"z": [[1, 2, 3], [4, 5, 6]], "x": ["a", "b", "c"], "type": "heatmap"}], "win": "h", "eid": "main", "layout": {}, "opts": {}}"#)
        try store.apply(.events, #"{"data": [{"content": "hello", "type": "text"}], "win": "t", "eid": "main", "opts": {}}"#)
        XCTAssertEqual(try store.listWindows(env: "main").map(\.points), [2, 0])
        XCTAssertEqual(try store.listEnvs().first { $0.name == "main" }?.points, 2)
    }

    func testPointsAddedCountsWhatLaterEpochsStored() throws {
        let store = try temporaryStore(self)
        try store.apply(.events, #"{"data": [{"x": [1, 2], "y": [3, 4], "type": "scatter", "name": "a"}], "win": "p", "eid": "main", "layout": {}, "opts": {}}"#)
        let after = store.lastEpoch
        try store.apply(.update, #"{"data": [{"x": [3, 4, 5], "y": [5, 6, 7]}], "win": "p", "eid": "main", "append": true}"#)
        try store.apply(.events, #"{"data": [{"content": "hello", "type": "text"}], "win": "t", "eid": "main", "opts": {}}"#)
        XCTAssertEqual(try store.pointsAdded(sinceEpoch: after), 3)
        XCTAssertEqual(try store.pointsAdded(sinceEpoch: 0), 5)
        XCTAssertEqual(try store.pointsAdded(sinceEpoch: store.lastEpoch), 0)
    }
}
