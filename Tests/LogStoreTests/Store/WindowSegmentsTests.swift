import Foundation
import XCTest

@testable import LogStore

/// Reading a whole window at once (`WindowSegments`, what materialization uses) must give, for
/// every series and every epoch, what reading that series by itself gives.
final class WindowSegmentsTests: XCTestCase {
    /// Every recorded scenario (prepended heatmap rows, replaced and removed traces, closed
    /// windows, text panes), every window incarnation, as of several epochs.
    func testAWindowReadAtOnceEqualsItsSeriesReadOneByOne() throws {
        let dir = repositoryRoot.appendingPathComponent("Tests/Fixtures/scenarios")
        var compared = 0
        var prepended = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() {
            let log = dir.appendingPathComponent(name).appendingPathComponent("log.jsonl")
            guard FileManager.default.fileExists(atPath: log.path) else { continue }
            let path = try temporaryDirectory(self).appendingPathComponent("s.db").path
            let store = try LogStore(path: path)
            _ = try Importer(store: store).importFile(log.path)
            let last = try store.lastEpoch
            let db = try Connection(path: path, mode: .readOnly)
            defer { try? db.close() }
            var pairs: [(window: Int64, series: Int64)] = []
            try db.forEach("SELECT window_id, series_id FROM series ORDER BY series_id", []) {
                pairs.append(($0.int64(0), $0.int64(1)))
            }
            for asOf in Set([1, last / 3, last / 2, last - 1, last].filter { $0 >= 0 }).sorted() {
                let one = SeriesStore(db, asOf: asOf)
                for window in Set(pairs.map(\.window)).sorted() {
                    let all = try SeriesStore(
                        db, asOf: asOf, readingWindow: window,
                        series: pairs.filter { $0.window == window }.map(\.series))
                    for (w, id) in pairs where w == window {
                        let context = "\(name) window \(window) series \(id) as of \(asOf)"
                        XCTAssertEqual(try all.count(of: id), try one.count(of: id), context)
                        XCTAssertEqual(try all.first(of: id), try one.first(of: id), context)
                        XCTAssertEqual(try all.elements(of: id), try one.elements(of: id), context)
                        var a: [JSONValue] = []
                        var b: [JSONValue] = []
                        let scannedAll = try all.scan(id) { a.append(try $0.json()) }
                        let scannedOne = try one.scan(id) { b.append(try $0.json()) }
                        XCTAssertEqual(scannedAll, scannedOne, context)
                        XCTAssertEqual(a, b, context)
                        if !scannedOne { prepended += 1 }
                        compared += 1
                    }
                }
            }
        }
        XCTAssertGreaterThan(compared, 1000)
        XCTAssertGreaterThan(prepended, 0, "some series must have prepended segments")
    }

    /// A series of another window, or one not asked for, is not the window's to answer: it is
    /// read by query.
    func testASeriesOfAnotherWindowIsReadByQuery() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("two.db").path
        let store = try LogStore(path: path)
        try store.apply(
            .events, #"{"data": [{"x": [1, 2], "y": [3, 4], "type": "scatter"}], "win": "a", "layout": {}}"#)
        try store.apply(.events, #"{"data": [{"x": [5], "y": [6], "type": "scatter"}], "win": "b", "layout": {}}"#)
        let db = try Connection(path: path, mode: .readOnly)
        defer { try? db.close() }
        let windowA = try XCTUnwrap(try db.int("SELECT window_id FROM window WHERE wid = 'a'", []))
        let seriesOfB = try XCTUnwrap(
            try db.int("SELECT min(s.series_id) FROM series s JOIN window w USING (window_id) WHERE w.wid = 'b'", []))
        let seriesOfA = try db.int("SELECT min(series_id) FROM series WHERE window_id = ?", [.integer(windowA)])!
        let reader = try SeriesStore(db, asOf: .max, readingWindow: windowA, series: [seriesOfA])
        XCTAssertEqual(try reader.elements(of: seriesOfB), [.int(5)])
        XCTAssertEqual(try reader.count(of: seriesOfB), 1)
    }
}
