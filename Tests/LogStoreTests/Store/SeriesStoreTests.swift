import Foundation
import XCTest

@testable import LogStore

/// Segments are found through their window's index (format 3). A series' reads must start at
/// the epoch that created it, so that the segments the window held before (a replaced trace's,
/// thousands of them) are not walked: these tests count the SQLite virtual-machine steps the
/// queries run, which grow with every index entry they visit.
final class SeriesStoreTests: XCTestCase {
    /// Window 1 holds series `old` with `segments` one-value segments (epochs 1…segments), then
    /// series `new`, created at epoch segments + 1 with one segment.
    func makeWindow(segments: Int) throws -> (db: Connection, old: Int64, new: Int64) {
        let path = try temporaryDirectory(self).appendingPathComponent("s.db").path
        let db = try Connection(path: path, mode: .readWriteCreate)
        try Schema.create(on: db, time: 0)
        let store = SeriesStore(db)
        let old = try store.create(window: 1, kind: .list, epoch: 1)
        try db.transaction {
            for e in 1...segments {
                try store.write([.init(prepend: false, values: [.int(Int64(e))])], to: old, window: 1, epoch: Int64(e))
            }
        }
        let new = try store.create(window: 1, kind: .list, epoch: Int64(segments + 1))
        try store.write([.init(prepend: false, values: [.int(-1)])], to: new, window: 1, epoch: Int64(segments + 1))
        return (db, old, new)
    }

    /// Steps `sql`'s cached statement runs while `body` runs.
    func steps(_ db: Connection, _ sql: String, _ body: () throws -> Void) throws -> Int32 {
        let before = try db.cachedStatement(sql).virtualMachineSteps
        try body()
        return try db.cachedStatement(sql).virtualMachineSteps - before
    }

    /// A series created now has no segment: without a bound, finding its end walked back
    /// through every segment of its window (a new trace added to a long-running plot).
    func testANewSeriesFindsItsEndWithoutWalkingTheWindowsOlderSegments() throws {
        let (db, _, _) = try makeWindow(segments: 3000)
        defer { try? db.close() }
        let store = SeriesStore(db)  // no tails, as for any series the writer has not written yet
        let fresh = try store.create(window: 1, kind: .list, epoch: 3002)
        let walked = try steps(db, SeriesStore.newestSegmentsSQL) {
            try store.write([.init(prepend: false, values: [.int(-2)])], to: fresh, window: 1, epoch: 3002)
        }
        XCTAssertLessThan(walked, 300, "the tail lookup walked the window's older segments")
        XCTAssertEqual(try store.elements(of: fresh), [.int(-2)])
    }

    func testASeriesIsReadFromItsCreationOn() throws {
        let (db, old, new) = try makeWindow(segments: 3000)
        defer { try? db.close() }
        let store = SeriesStore(db)
        var values: [JSONValue] = []
        let walked = try steps(db, SeriesStore.segmentsSQL) { values = try store.elements(of: new) }
        XCTAssertEqual(values, [.int(-1)])
        XCTAssertLessThan(walked, 300, "reading the new series walked the older series' segments")
        XCTAssertLessThan(
            try steps(db, SeriesStore.newestSegmentsSQL) { XCTAssertEqual(try store.count(of: new), 1) }, 300)
        XCTAssertEqual(try store.count(of: old), 3000)
        XCTAssertEqual(try store.elements(of: old).count, 3000)
    }

    /// Materialization reads the series its head references, from the oldest one's creation.
    func testAWindowReadStartsAtItsSeriesCreation() throws {
        let (db, old, new) = try makeWindow(segments: 3000)
        defer { try? db.close() }
        var read: WindowSegments?
        let walked = try steps(db, WindowSegments.segmentsSQL) {
            read = try WindowSegments(db, window: 1, asOf: .max, series: [new])
        }
        XCTAssertLessThan(walked, 300, "the window read walked the segments of a series it was not asked for")
        XCTAssertEqual(try read?.elements(of: new), [.int(-1)])
        XCTAssertNil(try read?.elements(of: old), "not asked for: left to a query of its own")
    }
}
