import Foundation
import XCTest

@testable import LogStore

/// With a `Checkpointer`, the writer's commits do not checkpoint: frames pile up in the WAL
/// until the checkpointer's own connection copies them (or, should it fall behind, the writer's
/// commit at its inline limit does), after which the writer's next transaction starts the WAL
/// over. Each test waits for the checkpoints it counts on (`waitForCheckpoints`): none depends
/// on the thread's timing.
final class CheckpointerTests: SQLiteTestCase {
    private func walConnection() throws -> Connection {
        let writer = try makeConnection()
        try writer.execute("PRAGMA journal_mode=WAL")
        try writer.execute("CREATE TABLE t(x BLOB)")
        return writer
    }

    private func insert(_ writer: Connection) throws {
        try writer.cachedStatement("INSERT INTO t VALUES (zeroblob(3000))").run()
    }

    func testCommitsLeaveFramesInTheWALUntilTheCheckpointerRunsThenTheWALStartsOver() throws {
        let writer = try walConnection()
        let checkpointer = Checkpointer(path: path("test.db"), threshold: 600)
        try writer.replaceAutoCheckpoint(with: checkpointer.hook)
        defer { checkpointer.stop() }

        // Not started: past SQLite's automatic-checkpoint threshold, nothing is copied.
        var commits = 0
        while checkpointer.framesAfterLastCommit < 2 * Checkpointer.defaultThreshold {
            try insert(writer)
            commits += 1
        }
        XCTAssertEqual(checkpointer.completed, 0)

        checkpointer.start()  // the commits past the threshold asked for one
        checkpointer.waitForCheckpoints(1)

        // Every frame was copied and no reader holds one: the next commit starts the WAL over.
        try insert(writer)
        XCTAssertLessThan(checkpointer.framesAfterLastCommit, 10)
        XCTAssertEqual(try writer.one("SELECT count(*) FROM t", []) { $0.int64(0) }, Int64(commits + 1))
    }

    /// The thread cannot copy what is committed while it copies (here: what a reader's open
    /// snapshot keeps it from copying); the writer's first commit after the thread's checkpoint
    /// copies that inline, and the next one starts the WAL over.
    func testTheFirstCommitAfterTheThreadsCheckpointCopiesTheRestSoTheWALStartsOver() throws {
        let writer = try walConnection()
        let checkpointer = Checkpointer(path: path("test.db"), threshold: 100)
        try writer.replaceAutoCheckpoint(with: checkpointer.hook)
        defer { checkpointer.stop() }
        while checkpointer.framesAfterLastCommit < checkpointer.finishAt { try insert(writer) }
        let reader = try makeConnection()
        try reader.execute("BEGIN")
        XCTAssertNotNil(try reader.int("SELECT count(*) FROM t", []))  // its snapshot: the frames so far
        for _ in 0..<5 { try insert(writer) }
        let before = checkpointer.framesAfterLastCommit

        checkpointer.start()
        checkpointer.waitForCheckpoints(1)
        try reader.execute("COMMIT")
        XCTAssertEqual(checkpointer.inlineCheckpoints, 0)
        try insert(writer)
        XCTAssertGreaterThan(checkpointer.framesAfterLastCommit, before, "the WAL did not start over yet")
        XCTAssertEqual(checkpointer.inlineCheckpoints, 1, "that commit checkpointed")
        try insert(writer)
        XCTAssertLessThan(checkpointer.framesAfterLastCommit, 10, "the WAL started over")
        XCTAssertEqual(checkpointer.completed, 1)
    }

    /// Should the thread not keep up (here: never started), the commit that takes the WAL to
    /// the inline limit checkpoints, so the WAL stays bounded.
    func testACommitAtTheInlineLimitCheckpointsItself() throws {
        let writer = try walConnection()
        let checkpointer = Checkpointer(path: path("test.db"), threshold: 50)
        try writer.replaceAutoCheckpoint(with: checkpointer.hook)
        var most = 0
        var restarts = 0
        var last = 0
        for _ in 0..<1500 {
            try insert(writer)
            let frames = checkpointer.framesAfterLastCommit
            most = max(most, frames)
            if frames < last { restarts += 1 }
            last = frames
        }
        XCTAssertEqual(checkpointer.completed, 0)
        XCTAssertGreaterThanOrEqual(most, checkpointer.inlineLimit, "the WAL reached the limit")
        XCTAssertLessThan(most, checkpointer.inlineLimit + 10, "and went no further than one commit past it")
        XCTAssertGreaterThan(restarts, 1)
    }

    /// A store with `Checkpoints.background` checkpoints on its thread, and `compact` still
    /// truncates the WAL (it holds the thread off for its own checkpoint); every write is kept.
    func testABackgroundStoreCheckpointsOnItsThreadAndCompactTruncatesTheWAL() throws {
        let file = path("bg.db")
        let store = try LogStore(path: file, options: .init(checkpoints: .background))
        let checkpointer = try XCTUnwrap(store.checkpointer)
        try store.apply(
            .events, #"{"data": [{"x": [0], "y": [0], "name": "a", "type": "scatter"}], "win": "w", "layout": {}}"#)
        var appends = 0
        while checkpointer.framesAfterLastCommit < Checkpointer.defaultThreshold {
            appends += 1
            try store.apply(.update, #"{"data": [{"x": [\#(appends)], "y": [0.5]}], "win": "w", "append": true}"#)
        }
        checkpointer.waitForCheckpoints(1)
        appends += 1
        try store.apply(.update, #"{"data": [{"x": [\#(appends)], "y": [0.5]}], "win": "w", "append": true}"#)
        XCTAssertLessThan(checkpointer.framesAfterLastCommit, 20, "the WAL started over")

        _ = try store.seal()
        XCTAssertEqual(fileSize(atPath: file + "-wal"), 0, "compact truncated the WAL")
        store.close()

        let reopened = try LogStore(path: file)
        XCTAssertNil(reopened.checkpointer, "in-commit by default")
        XCTAssertEqual(try reopened.listEnvs().first { $0.name == "main" }?.points, appends + 1)
        XCTAssertEqual(try reopened.check(), [])
    }
}
