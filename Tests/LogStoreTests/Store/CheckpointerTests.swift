import Foundation
import XCTest

@testable import LogStore

/// The writer's commits do not checkpoint: frames pile up in the WAL until the checkpointer's
/// own connection copies them, after which the writer's next transaction starts the WAL over.
final class CheckpointerTests: SQLiteTestCase {
    func testCommitsLeaveFramesInTheWALUntilTheCheckpointerRunsThenTheWALStartsOver() throws {
        let file = path("test.db")
        let writer = try makeConnection()
        try writer.execute("PRAGMA journal_mode=WAL")
        try writer.execute("CREATE TABLE t(x BLOB)")
        let checkpointer = Checkpointer(path: file, threshold: 100)
        try writer.replaceAutoCheckpoint(with: checkpointer.hook)
        defer { checkpointer.stop() }

        // Not started: past SQLite's automatic-checkpoint threshold, nothing is copied.
        let frames = { () -> Int in checkpointer.framesAfterLastCommit }
        var commits = 0
        while frames() < 2 * Checkpointer.defaultThreshold {
            try writer.cachedStatement("INSERT INTO t VALUES (zeroblob(3000))").run()
            commits += 1
        }
        XCTAssertGreaterThan(frames(), Checkpointer.defaultThreshold, "an automatic checkpoint would have reset the WAL")
        XCTAssertEqual(checkpointer.completed, 0)

        checkpointer.start()
        try writer.cachedStatement("INSERT INTO t VALUES (zeroblob(3000))").run()
        let deadline = Date().addingTimeInterval(30)
        while checkpointer.completed == 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        XCTAssertGreaterThan(checkpointer.completed, 0)

        // Every frame was copied and no reader holds one: the next commit starts the WAL over.
        try writer.cachedStatement("INSERT INTO t VALUES (zeroblob(3000))").run()
        XCTAssertLessThan(frames(), 20)
        XCTAssertEqual(try writer.one("SELECT count(*) FROM t", []) { $0.int64(0) }, Int64(commits + 2))
    }

}
