import Foundation
import XCTest

@testable import LogStore

/// Points in listings: a trace counts each point once (y, else x, else z), a heatmap its rows,
/// an image history its images, a text pane none.
final class ListingTests: XCTestCase {
    func testATraceCountsEachPointOnceNotOncePerCoordinate() throws {
        let store = try temporaryStore(self)
        try store.apply(
            .events,
            #"{"data": [{"x": [1, 2, 3], "y": [4, 5, 6], "marker": {"color": [1, 2, 3]}, "type": "scatter", "name": "a"}, {"x": [1], "type": "histogram", "name": "b"}], "win": "p", "eid": "main", "layout": {}, "opts": {}}"#
        )
        try store.apply(
            .update, #"{"data": [{"x": [4], "y": [7]}], "win": "p", "eid": "main", "append": true, "name": "a"}"#)
        let w = try XCTUnwrap(try store.listWindows(env: "main").first)
        XCTAssertEqual(w.traces, 2)
        XCTAssertEqual(w.points, 4 + 1)
    }

    func testAHeatmapCountsItsRowsAndTextCountsNothing() throws {
        let store = try temporaryStore(self)
        try store.apply(
            .events,
            #"{"data": [{"z": [[1, 2, 3], [4, 5, 6]], "x": ["a", "b", "c"], "type": "heatmap"}], "win": "h", "eid": "main", "layout": {}, "opts": {}}"#
        )
        try store.apply(
            .events, #"{"data": [{"content": "hello", "type": "text"}], "win": "t", "eid": "main", "opts": {}}"#)
        XCTAssertEqual(try store.listWindows(env: "main").map(\.points), [2, 0])
        XCTAssertEqual(try store.listEnvs().first { $0.name == "main" }?.points, 2)
    }

    func testPointsAddedCountsWhatLaterEpochsStored() throws {
        let store = try temporaryStore(self)
        try store.apply(
            .events,
            #"{"data": [{"x": [1, 2], "y": [3, 4], "type": "scatter", "name": "a"}], "win": "p", "eid": "main", "layout": {}, "opts": {}}"#
        )
        let after = try store.lastEpoch
        try store.apply(
            .update, #"{"data": [{"x": [3, 4, 5], "y": [5, 6, 7]}], "win": "p", "eid": "main", "append": true}"#)
        try store.apply(
            .events, #"{"data": [{"content": "hello", "type": "text"}], "win": "t", "eid": "main", "opts": {}}"#)
        XCTAssertEqual(try store.pointsAdded(sinceEpoch: after), 3)
        XCTAssertEqual(try store.pointsAdded(sinceEpoch: 0), 5)
        XCTAssertEqual(try store.pointsAdded(sinceEpoch: store.lastEpoch), 0)
    }
}

/// The set-based listing (`Lister`: a few statements for the whole store, heads read by
/// `HeadFacts` without decoding them) against the per-window definition it replaced: each
/// window's decoded head, one count query per point series, one last-change query per window
/// and one bytes query per env.
final class SetBasedListingTests: XCTestCase {
    /// The per-window definition, as `Lister` computed it before it became set-based.
    struct PerWindow {
        let db: Connection
        let asOf: Int64

        func windows(ofEnv env: Int64) throws -> [WindowSummary] {
            let catalog = Catalog(db: db, asOf: asOf)
            let series = SeriesStore(db, asOf: asOf)
            return try catalog.windows(ofEnv: env).map { row in
                let head = try XCTUnwrap(try catalog.head(row.windowID))
                var points = 0
                for source in PointSeries.of(head) {
                    switch source {
                    case .series(let id): points += try series.count(of: id)
                    case .inline(let n): points += n
                    }
                }
                var type = head.objectValue?["type"]?.stringValueIfString ?? "?"
                var traces = 0
                if type == "plot", case .object(let content)? = head.objectValue?["content"],
                    case .array(let data)? = content["data"]
                {
                    traces = data.count
                    if let t = data.first?.objectValue?["type"]?.stringValueIfString { type = "plot/\(t)" }
                }
                return WindowSummary(
                    id: row.wid, type: type, title: head.objectValue?["title"]?.stringValueIfString ?? "",
                    traces: traces, points: points, lastEpoch: try catalog.lastChange(row.windowID))
            }
        }

        func envs() throws -> [EnvSummary] {
            let catalog = Catalog(db: db, asOf: asOf)
            return try catalog.envNames().compactMap { name in
                guard let env = try catalog.env(name) else { return nil }
                let windows = try self.windows(ofEnv: env)
                let born = try db.int("SELECT epoch FROM env WHERE env_id = ?", [.integer(env)]) ?? 0
                let bytes =
                    try db.int(
                        """
                        SELECT coalesce(sum(length(s.data)), 0) FROM segment s
                        JOIN window w USING (window_id) WHERE w.env_id = ?1 AND s.epoch <= ?2
                        """, [.integer(env), .integer(asOf)]) ?? 0
                let blockBytes =
                    try db.int(
                        """
                        SELECT coalesce(sum(length(b.data) + length(b.epochs)), 0) FROM block b JOIN series USING (series_id)
                        JOIN window w USING (window_id) WHERE w.env_id = ?1 AND b.first_epoch <= ?2
                        """, [.integer(env), .integer(asOf)]) ?? 0
                return EnvSummary(
                    name: name, windows: windows.count, points: windows.reduce(0) { $0 + $1.points },
                    bytes: bytes + blockBytes, lastEpoch: max(born, windows.map(\.lastEpoch).max() ?? 0))
            }
        }
    }

    /// Every scenario of the fixtures (closed and re-created windows, forks, deleted envs,
    /// heatmaps, text, image histories, surfaces, odd heads from the fuzzer) in one store.
    func scenarioStore() throws -> LogStore {
        let store = try temporaryStore(self)
        let dir = repositoryRoot.appendingPathComponent("Tests/Fixtures/scenarios")
        for s in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() {
            _ = try Importer(store: store).importFile(dir.appendingPathComponent("\(s)/log.jsonl").path)
        }
        return store
    }

    func assertListingsMatch(_ store: LogStore, asOf: Int64?, file: StaticString = #filePath, line: UInt = #line) throws
    {
        let expected = try store.read(asOf: asOf) { db, bound in try PerWindow(db: db, asOf: bound).envs() }
        XCTAssertEqual(
            try store.listEnvs(asOf: asOf), expected, "as of \(asOf.map(String.init) ?? "now")", file: file, line: line)
        for name in try store.envNames(asOf: asOf) {
            let windows = try store.read(asOf: asOf) { db, bound in
                try PerWindow(db: db, asOf: bound).windows(
                    ofEnv: try XCTUnwrap(try Catalog(db: db, asOf: bound).env(name)))
            }
            XCTAssertEqual(
                try store.listWindows(env: name, asOf: asOf), windows,
                "\(name) as of \(asOf.map(String.init) ?? "now")",
                file: file, line: line)
        }
    }

    func testListingEqualsThePerWindowDefinitionAtEveryEpoch() throws {
        let store = try scenarioStore()
        let last = try store.lastEpoch
        XCTAssertGreaterThan(try store.listEnvs().count, 5)
        try assertListingsMatch(store, asOf: nil)
        for epoch in stride(from: 0, through: last, by: 1) { try assertListingsMatch(store, asOf: epoch) }
    }

    func testListingEqualsThePerWindowDefinitionAfterCompaction() throws {
        // compact merges segments into new rows: rowid order no longer follows seq order.
        let store = try scenarioStore()
        try store.apply(
            .events,
            #"{"data": [{"x": [1], "y": [2], "name": "a", "type": "scatter"}], "win": "late", "eid": "main", "layout": {}}"#
        )
        let mid = try store.lastEpoch
        for i in 0..<5 {
            try store.apply(
                .update, #"{"data": [{"x": [\#(i)], "y": [\#(i)]}], "win": "late", "eid": "main", "append": true}"#)
        }
        _ = try store.compact(before: mid + 2)
        try assertListingsMatch(store, asOf: nil)
        try assertListingsMatch(store, asOf: mid + 2)
        XCTAssertEqual(try store.listWindows(env: "main").first { $0.id == "late" }?.points, 6)
    }

    func testEnvSummariesCountWindowsPointsBytesAndLastEpoch() throws {
        let store = try temporaryStore(self)
        try store.apply(
            .events,
            #"{"data": [{"x": [1, 2], "y": [3, 4], "name": "a", "type": "scatter"}], "win": "p", "eid": "a", "layout": {}}"#
        )
        try store.apply(
            .events,
            #"{"data": [{"x": [1], "y": [3], "name": "a", "type": "scatter"}], "win": "q", "eid": "a", "layout": {}}"#)
        try store.apply(.events, #"{"data": [{"content": "hi", "type": "text"}], "win": "t", "eid": "b", "opts": {}}"#)
        let beforeFork = try store.lastEpoch
        try store.apply(.forkEnv, #"{"prev_eid": "a", "eid": "c"}"#)
        try store.apply(.close, #"{"win": "q", "eid": "a"}"#)  // closed: its bytes still count, its points do not
        try store.apply(.update, #"{"data": [{"x": [3], "y": [5]}], "win": "p", "eid": "c", "append": true}"#)
        let envs = try store.listEnvs()
        XCTAssertEqual(envs.map(\.name), ["a", "b", "c", "main"])
        XCTAssertEqual(envs.map(\.windows), [1, 1, 2, 0])
        XCTAssertEqual(envs.map(\.points), [2, 0, 4, 0])
        XCTAssertEqual(envs.map(\.lastEpoch), [1, 3, 6, 0])
        // small ints take 2 bytes (tag, varint). a: x and y of p (2 each) and of the closed q
        // (1 each); c: its copies of both, and the append to p: one pack row, whose parts (x
        // and y) are five one-byte varints each before their value.
        XCTAssertEqual(envs[0].bytes, 6 * 2)
        XCTAssertEqual(envs[2].bytes, 6 * 2 + 2 * (5 + 2))
        XCTAssertEqual(try store.listEnvs(asOf: beforeFork).map(\.name), ["a", "b", "main"])
        XCTAssertEqual(try store.listEnvs(asOf: beforeFork).map(\.points), [3, 0, 0])
        XCTAssertEqual(try store.listWindows(env: "c").map(\.id), ["p", "q"])
        XCTAssertEqual(try store.listWindows(env: "c").map(\.type), ["plot/scatter", "plot/scatter"])
        XCTAssertEqual(try store.listWindows(env: "b").map(\.type), ["text"])
    }
}

extension ListingTests {
    /// A segment row naming a series the series table does not have (a dangling row) counts
    /// its bytes for its window's env and no points, as the per-window definition (bytes by
    /// the segment's window) does; one naming a window no window row has changes no summary;
    /// one naming a negative series is reported, not read past an array's start.
    func testDanglingSegmentRows() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("s.db").path
        let store = try LogStore(path: path)
        try store.apply(
            .events, #"{"data": [{"x": [1, 2], "y": [3, 4], "type": "scatter"}], "win": "p", "eid": "a", "layout": {}}"#
        )
        let before = try store.listEnvs()
        let db = try Connection(path: path, mode: .readWrite)
        func insertSegment(window: Int64, series: Int64) throws {
            try db.run(
                "INSERT INTO segment(window_id, series_id, seq, epoch, op, count, total, data) VALUES (?, ?, 0, 1, 0, 1, 1, x'0102')",
                [.integer(window), .integer(series)])
        }
        func perWindow() throws -> [EnvSummary] {
            try store.read(asOf: nil) { db, bound in try SetBasedListingTests.PerWindow(db: db, asOf: bound).envs() }
        }
        try insertSegment(window: 1, series: 1_000)
        let after = try store.listEnvs()
        XCTAssertEqual(after.map(\.bytes), [before[0].bytes + 2, 0])
        XCTAssertEqual(after.map(\.points), before.map(\.points))
        XCTAssertEqual(after, try perWindow())
        try insertSegment(window: 99, series: 1_001)
        XCTAssertEqual(try store.listEnvs(), after)
        XCTAssertEqual(try store.listEnvs(), try perWindow())
        try insertSegment(window: 1, series: -3)
        XCTAssertThrowsError(try store.listEnvs())
        try db.close()
    }

    /// A window row of a negative env (ids are rowids, never negative) is reported, not used
    /// to index the listing's per-env figures.
    func testAWindowOfANegativeEnvIsReported() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("s.db").path
        let store = try LogStore(path: path)
        try store.apply(.events, #"{"data": [{"content": "hi", "type": "text"}], "win": "t", "eid": "a", "opts": {}}"#)
        XCTAssertEqual(try store.listEnvs().map(\.windows), [1, 0])
        let db = try Connection(path: path, mode: .readWrite)
        try db.run("INSERT INTO window(window_id, env_id, wid, slot, epoch) VALUES (50, -2, 'w', 0, 1)", [])
        XCTAssertThrowsError(try store.listEnvs())
        try db.close()
    }
}
