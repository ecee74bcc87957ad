import Foundation
import LogStore
import XCTest

/// `logstore follow`: the built binary tails a replay log that the test appends to, then is
/// stopped with a signal; what it imported is checked through `export` and `log`.
final class FollowCommandTests: XCTestCase {
    var dir: URL!
    var db: String { dir.appendingPathComponent("s.db").path }
    var logPath: String { dir.appendingPathComponent("run.jsonl").path }

    override func setUpWithError() throws {
        dir = try temporaryDirectory(self)
    }

    /// The epochs in the store after epoch 0, oldest first, as `source` strings.
    func sources() throws -> [String] {
        let r = try logstore(["--db", db, "log", "--json"])
        return r.stdout.split(separator: "\n").compactMap { line in
            line.firstMatch(of: /"source": "([^"]*)"/).map { String($0.1) }
        }.filter { $0 != "init" }.reversed()
    }

    /// Waits (up to 10 s) until the store has `count` epochs after epoch 0.
    func waitForEpochs(_ count: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: db), try sources().count >= count { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTFail("timed out waiting for \(count) epochs; have \(try sources())", file: file, line: line)
    }

    func ys() throws -> String {
        let r = try logstore(["--db", db, "export", "--env", "main", "--window", "w"])
        return String(r.stdout.firstMatch(of: /"y": (\[[^\]]*\])/)?.1 ?? "")
    }

    func testNewLinesAreImportedAsTheyArriveAndSIGTERMStopsCleanly() throws {
        try writeLines([Lines.create(), Lines.append(1)], to: "run.jsonl", in: dir)
        let follower = try RunningLogstore(["--db", db, "follow", logPath], in: dir)
        try waitForEpochs(2)
        try append(Lines.append(2) + "\n" + Lines.append(3) + "\n", to: logPath)
        try waitForEpochs(4)
        // half a line is left alone until its newline arrives
        let half = Lines.append(4)
        try append(String(half.prefix(20)), to: logPath)
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertEqual(try sources().count, 4)
        try append(String(half.dropFirst(20)) + "\n", to: logPath)
        try waitForEpochs(5)
        let (status, stderr) = try follower.stop()
        XCTAssertEqual(status, 0, stderr)
        XCTAssertEqual(try ys(), "[0, 1, 2, 3, 4]")
        XCTAssertEqual(try sources(), (1...5).map { "\(logPath):\($0)" })
        let lines = stderr.split(separator: "\n").map(String.init)
        XCTAssertFalse(stderr.contains("Warning"), stderr)
        XCTAssertFalse(stderr.contains("\u{1B}"), "no terminal escapes when stderr is not a terminal: \(stderr)")
        XCTAssertEqual(lines.first, "\(logPath): 2 messages, 2 points, epochs 1…2 (0 refused, 0 failed)")
        XCTAssertTrue(
            try XCTUnwrap(lines.last).hasPrefix(
                "imported 5 messages, 5 points, 1 env (0 refused, 0 failed, 0 skipped) in "), stderr)
    }

    func testSIGINTStopsCleanlyToo() throws {
        try writeLines([Lines.create()], to: "run.jsonl", in: dir)
        let follower = try RunningLogstore(["--db", db, "follow", logPath], in: dir)
        try waitForEpochs(1)
        XCTAssertEqual(try follower.stop(SIGINT).status, 0)
    }

    func testFollowingAgainAfterAStopResumesExactlyOnce() throws {
        try writeLines([Lines.create(), Lines.append(1)], to: "run.jsonl", in: dir)
        var follower = try RunningLogstore(["--db", db, "follow", logPath], in: dir)
        try waitForEpochs(2)
        XCTAssertEqual(try follower.stop().status, 0)
        try append(Lines.append(2) + "\n", to: logPath)
        follower = try RunningLogstore(["--db", db, "follow", logPath], in: dir)
        try waitForEpochs(3)
        try append(Lines.append(3) + "\n", to: logPath)
        try waitForEpochs(4)
        XCTAssertEqual(try follower.stop().status, 0)
        XCTAssertEqual(try ys(), "[0, 1, 2, 3]")
        XCTAssertEqual(try sources(), (1...4).map { "\(logPath):\($0)" })
    }

    func testAKilledFollowerResumesWithoutLosingOrRepeatingALine() throws {
        try writeLines([Lines.create(), Lines.append(1)], to: "run.jsonl", in: dir)
        var follower = try RunningLogstore(["--db", db, "follow", logPath], in: dir)
        try waitForEpochs(2)
        XCTAssertEqual(try follower.stop(SIGKILL).status, SIGKILL)
        try append(Lines.append(2) + "\n", to: logPath)
        follower = try RunningLogstore(["--db", db, "follow", logPath], in: dir)
        try waitForEpochs(3)
        XCTAssertEqual(try follower.stop().status, 0)
        XCTAssertEqual(try sources(), (1...3).map { "\(logPath):\($0)" })
    }

    func testATruncatedLogStartsOverAsANewFile() throws {
        try writeLines([Lines.create(), Lines.append(1), Lines.append(2)], to: "run.jsonl", in: dir)
        let follower = try RunningLogstore(["--db", db, "follow", logPath], in: dir)
        try waitForEpochs(3)
        // the run restarts: same first line, shorter file
        try writeLines([Lines.create(), Lines.append(7)], to: "run.jsonl", in: dir)
        try waitForEpochs(5)
        let (status, stderr) = try follower.stop()
        XCTAssertEqual(status, 0)
        XCTAssertTrue(
            stderr.contains(
                "\(logPath): changed since it was imported (its first 3 lines are not the ones imported: truncated or rewritten): importing it from its start\n"
            ), stderr)
        XCTAssertEqual(try ys(), "[0, 7]")
    }

    func testARotatedLogIsFollowedUnderItsName() throws {
        try writeLines([Lines.create(), Lines.append(1)], to: "run.jsonl", in: dir)
        let follower = try RunningLogstore(["--db", db, "follow", logPath], in: dir)
        try waitForEpochs(2)
        try FileManager.default.moveItem(atPath: logPath, toPath: logPath + ".1")
        // a file longer than the old one, so only its inode tells it is new
        try writeLines([Lines.create(), Lines.append(5), Lines.append(6), Lines.append(7)], to: "run.jsonl", in: dir)
        try waitForEpochs(6)
        let (status, stderr) = try follower.stop()
        XCTAssertEqual(status, 0)
        XCTAssertTrue(
            stderr.contains(
                "\(logPath): changed since it was imported (its first 2 lines are not the ones imported: truncated or rewritten): importing it from its start\n"
            ), stderr)
        XCTAssertEqual(try ys(), "[0, 5, 6, 7]")
    }

    /// `follow DIR` follows every replay log in the folder, and each new one as it appears.
    func testAFolderIsFollowedWithTheLogsThatAppearInIt() throws {
        let runs = dir.appendingPathComponent("runs")
        try FileManager.default.createDirectory(at: runs, withIntermediateDirectories: true)
        let first = try writeLines([Lines.create(env: "a")], to: "runs/a.jsonl", in: dir)
        let follower = try RunningLogstore(["--db", db, "follow", runs.path], in: dir)
        try waitForEpochs(1)
        try FileManager.default.createDirectory(
            at: runs.appendingPathComponent("seed2"), withIntermediateDirectories: true)
        let second = try writeLines(
            [Lines.create(env: "b"), Lines.append(1, env: "b")], to: "runs/seed2/visdom.log", in: dir)
        try waitForEpochs(3)
        try append(Lines.append(1, env: "a") + "\n", to: first)
        try waitForEpochs(4)
        let (status, stderr) = try follower.stop()
        XCTAssertEqual(status, 0)
        XCTAssertTrue(
            stderr.hasPrefix("following 1 replay log in \(runs.path); new ones are picked up as they appear\n"), stderr)
        XCTAssertTrue(stderr.contains("\(second): a new replay log; following it\n"), stderr)
        XCTAssertEqual(try sources(), ["\(first):1", "\(second):1", "\(second):2", "\(first):2"])
    }

    func testAFileThatDoesNotExistYetIsWaitedFor() throws {
        let follower = try RunningLogstore(["--db", db, "follow", logPath], in: dir)
        Thread.sleep(forTimeInterval: 0.3)
        try writeLines([Lines.create()], to: "run.jsonl", in: dir)
        try waitForEpochs(1)
        let (status, stderr) = try follower.stop()
        XCTAssertEqual(status, 0)
        XCTAssertTrue(stderr.hasPrefix("waiting for \(logPath) to appear\n"), stderr)
    }

    func testAMalformedLineStopsWithItsPlace() throws {
        try writeLines([Lines.create(), "{oops"], to: "run.jsonl", in: dir)
        let follower = try RunningLogstore(["--db", db, "follow", logPath], in: dir)
        follower.process.waitUntilExit()
        let (status, stderr) = try follower.stop()
        XCTAssertEqual(status, 1)
        XCTAssertTrue(
            normalizingSeconds(stderr).hasSuffix(
                """
                imported 1 message, 1 point, 1 env (0 refused, 0 failed, 0 skipped) in T s
                Error: \(logPath):2: invalid JSON at byte 1: expected property name in double quotes

                """), stderr)
    }

    func testSIGTERMDuringALongBacklogStopsAfterTheCurrentBatch() throws {
        var lines = [Lines.create()]
        for i in 1...30_000 { lines.append(Lines.append(i)) }
        _ = try writeLines(lines, to: "run.jsonl", in: dir)
        func epochs() -> Int64 { (try? LogStore(path: db, options: .init(readOnly: true)).lastEpoch) ?? 0 }
        func waitFor(_ done: () -> Bool) {
            let deadline = Date().addingTimeInterval(60)
            while !done() && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        }
        let follower = try RunningLogstore(["--db", db, "follow", logPath], in: dir)
        waitFor { epochs() > 0 }
        let asked = Date()
        let (status, _) = try follower.stop()
        XCTAssertEqual(status, 0)
        XCTAssertLessThan(Date().timeIntervalSince(asked), 5, "stopped between batches, not after the whole backlog")
        XCTAssertLessThan(epochs(), Int64(lines.count), "the backlog was cut short")
        // following again resumes exactly after the last committed batch
        let again = try RunningLogstore(["--db", db, "follow", logPath], in: dir)
        waitFor { epochs() >= Int64(lines.count) }
        _ = try again.stop()
        XCTAssertEqual(epochs(), Int64(lines.count))
    }
}
