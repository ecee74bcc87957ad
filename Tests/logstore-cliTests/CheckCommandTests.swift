import Foundation
import XCTest

@testable import LogStore

/// `logstore check`: `ok` for a healthy store; each hand-made corruption reported on its own
/// line with exit 1.
final class CheckCommandTests: XCTestCase {
    var dir: URL!
    var db: String { dir.appendingPathComponent("s.db").path }

    override func setUpWithError() throws {
        dir = try temporaryDirectory(self)
        let log = try writeLines(
            [Lines.create(x: [0, 1], y: [1, 2]), Lines.append(2), Lines.append(3)], to: "l.jsonl", in: dir)
        XCTAssertEqual(try logstore(["--db", db, "import", log]).status, 0)
        // The appends' pack rows as segment rows of their own, for the SQL below to break.
        let store = try LogStore(path: db)
        try store.write { try SegmentPack.unpackAll($0.db) }
        store.close()
    }

    /// Runs SQL on the store behind LogStore's back.
    func corrupt(_ sql: String) throws {
        let c = try Connection(path: db, mode: .readWrite)
        try c.execute(sql)
        try c.close()
    }

    func testAHealthyStoreIsOK() throws {
        XCTAssertEqual(try logstore(["--db", db, "check"]), CLIResult(stdout: "ok\n", stderr: "", status: 0))
    }

    func testTheTrainingRunExampleIsHealthy() throws {
        let example = repositoryRoot.appendingPathComponent("examples/training-run.jsonl").path
        let other = dir.appendingPathComponent("run.db").path
        XCTAssertEqual(try logstore(["--db", other, "import", example]).status, 0)
        XCTAssertEqual(try logstore(["--db", other, "check"]), CLIResult(stdout: "ok\n", stderr: "", status: 0))
    }

    func testADeletedSegmentIsReported() throws {
        try corrupt("DELETE FROM segment WHERE series_id = 1 AND seq = 1")
        XCTAssertEqual(
            try logstore(["--db", db, "check"]),
            CLIResult(
                stdout: """
                    series 1: segment 2 found where segment 1 was expected (seq must run 0…n-1)
                    series 1 segment 2: total is 4, but the counts up to it add up to 3

                    """, stderr: "", status: 1))
    }

    func testABrokenTotalIsReported() throws {
        try corrupt("UPDATE segment SET total = 7 WHERE series_id = 2 AND seq = 1")
        XCTAssertEqual(
            try logstore(["--db", db, "check"]),
            CLIResult(
                stdout: """
                    series 2 segment 1: total is 7, but the counts up to it add up to 3

                    """, stderr: "", status: 1))
    }

    func testAnEpochGapIsReported() throws {
        try corrupt("DELETE FROM epoch WHERE epoch = 2")
        XCTAssertEqual(
            try logstore(["--db", db, "check"]),
            CLIResult(
                stdout: """
                    epoch 2 is missing (epochs must run 0…3 without gaps)
                    segment 1 of series 1: epoch 2 is not in the epoch table (newest: 3)
                    segment 1 of series 2: epoch 2 is not in the epoch table (newest: 3)

                    """, stderr: "", status: 1))
    }

    func testGarbageInAHeadIsReported() throws {
        try corrupt("UPDATE head SET doc = x'08ff' WHERE window_id = 1")
        let r = try logstore(["--db", db, "check"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "head of window 1 at epoch 1 does not decode: corrupt value encoding at byte 2")
        XCTAssertEqual(lines.last, "env 'main' window 'w' does not materialize: corrupt value encoding at byte 2")
    }

    func testACheckNeverWritesTheStore() throws {
        try corrupt("PRAGMA wal_checkpoint(TRUNCATE)")
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        _ = try logstore(["--db", db, "check"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: db)), before)
    }
}
