import XCTest

@testable import LogStore

/// The epoch table's shared reads: the latest epoch, the extent and gaps `check` reports, the
/// first epoch written since a time, and `compact`'s bound.
final class EpochTableTests: XCTestCase {
    private func table(_ epochs: [(epoch: Int64, timeMS: Int64)]) throws -> Connection {
        let path = try temporaryDirectory(self).appendingPathComponent("epochs.db").path
        let db = try Connection(path: path, mode: .readWriteCreate)
        try db.execute("CREATE TABLE epoch(epoch INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL)")
        try db.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value)")
        try db.execute(Schema.epochRunTable)
        for e in epochs { try db.run("INSERT INTO epoch VALUES (?, ?)", [.integer(e.epoch), .integer(e.timeMS)]) }
        return db
    }

    func testAnEmptyTableHasNoLatestEpochAndNoExtent() throws {
        let db = try table([])
        XCTAssertNil(try EpochTable.latest(db))
        XCTAssertEqual(try EpochTable.extent(db)?.count, 0)
        XCTAssertEqual(try EpochTable.gaps(below: 0, db), [])
    }

    func testGapsAreTheRunsMissingAfterAnExistingEpoch() throws {
        let db = try table([(1, 10), (2, 20), (5, 50), (6, 60), (9, 90)])
        XCTAssertEqual(try EpochTable.latest(db), 9)
        let extent = try XCTUnwrap(try EpochTable.extent(db))
        XCTAssertEqual([extent.count, extent.low, extent.high], [5, 1, 9])
        // 0 is missing too, but before the lowest epoch: `check` words that one itself.
        XCTAssertEqual(try EpochTable.gaps(below: 9, db), [3...4, 7...8])
    }

    func testTheFirstEpochWrittenSinceATime() throws {
        let db = try table([(0, 10), (1, 20), (2, 20), (3, 35)])
        XCTAssertEqual(try EpochTable.first(writtenSince: 20, db), 1)
        XCTAssertEqual(try EpochTable.first(writtenSince: 21, db), 3)
        XCTAssertNil(try EpochTable.first(writtenSince: 36, db))
    }

    func testCompactedBeforeIsReadFromMeta() throws {
        let db = try table([(0, 0)])
        XCTAssertNil(try EpochTable.compactedBefore(db))
        try db.run("INSERT INTO meta VALUES ('compacted_before', 7)", [])
        XCTAssertEqual(try EpochTable.compactedBefore(db), 7)
    }

    /// Sealed runs count as epochs: in the extent, the gaps (a run may start the store, or fill
    /// the numbers between rows) and the first epoch written since a time.
    func testSealedRunsAreEpochsLikeRows() throws {
        let db = try table([(2000, 5), (2001, 6), (2500, 7), (4000, 8)])
        let kinds = [EpochRunTests.kind("api")]
        // Times 0, 1, 2, 0, … in the first run, 1, 2, 3, … in the second, 3, 4, 5, … in the third.
        for (first, last, time) in [(0, 999, 0), (1000, 1099, 1), (3000, 3999, 3)] as [(Int64, Int64, Int64)] {
            try EpochRun(
                kinds: kinds, epochs: (first...last).map { .init(epoch: $0, timeMS: time + ($0 - first) % 3, kind: 0) }
            ).insert(db)
        }
        let extent = try XCTUnwrap(try EpochTable.extent(db))
        XCTAssertEqual([extent.count, extent.low, extent.high], [4 + 1000 + 100 + 1000, 0, 4000])
        XCTAssertEqual(try EpochTable.gaps(below: 4000, db), [1100...1999, 2002...2499, 2501...2999])
        XCTAssertEqual(try EpochTable.first(writtenSince: 0, db), 0)
        XCTAssertEqual(try EpochTable.first(writtenSince: 2, db), 2)
        XCTAssertEqual(try EpochTable.first(writtenSince: 3, db), 1002)
        XCTAssertEqual(try EpochTable.first(writtenSince: 5, db), 2000)  // a row before the run's 3002
        XCTAssertEqual(try EpochTable.first(writtenSince: 8, db), 4000)
        XCTAssertNil(try EpochTable.first(writtenSince: 9, db))
        XCTAssertEqual(try EpochTable.latest(db), 4000)
    }
}
