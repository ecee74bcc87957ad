import Foundation
import XCTest

/// When `import` and `follow` continue an earlier import of a replay log: only when the file is
/// that log, byte for byte, grown at its end (a copy under another name is the same log).
/// Another log that starts alike, or the log rewritten in place, is imported from its start,
/// with one line saying so. Checked on the built binary through what `export` prints.
final class ImportResumeTests: XCTestCase {
    var dir: URL!
    var db: String { dir.appendingPathComponent("s.db").path }

    override func setUpWithError() throws {
        dir = try temporaryDirectory(self)
    }

    /// Two runs of one script: the same first 100 lines (a window and 99 appends), then each
    /// its own appends.
    let shared = [Lines.create()] + (1...99).map { Lines.append($0) }
    var run1: [String] { shared + (100..<150).map { Lines.append($0) } }
    var run2: [String] { shared + (0..<80).map { Lines.append(1000 + $0) } }

    /// The y values of window `w` in env `main`, as `export` prints them.
    func ys() throws -> [Int] {
        let r = try logstore(["--db", db, "export", "--env", "main", "--window", "w"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let list = r.stdout.firstMatch(of: /"y": \[([^\]]*)\]/)?.1 ?? ""
        return list.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// What `lines` (as built by `Lines`) plot: the y of each message, in order.
    func plotted(_ lines: [String]) -> [Int] {
        lines.flatMap { line in
            line.firstMatch(of: /"y": \[([^\]]*)\]/).map {
                $0.1.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            } ?? []
        }
    }

    func importing(_ args: [String]) throws -> CLIResult {
        var r = try logstore(["--db", db, "import"] + args)
        r.stderr = normalizingSeconds(r.stderr)
        return r
    }

    func testALogThatSharesItsFirst100LinesWithAnImportedOneIsImportedFromItsStart() throws {
        let a = try writeLines(run1, to: "run1.jsonl", in: dir)
        let b = try writeLines(run2, to: "run2.jsonl", in: dir)
        XCTAssertEqual(try importing([a]).status, 0)
        XCTAssertEqual(try ys(), plotted(run1))
        let r = try importing([b])
        XCTAssertEqual(
            r,
            CLIResult(
                stdout: "",
                stderr: """
                    \(b): not the log imported from \(a), though it starts with the same line: importing it from its start
                    imported 180 messages, 180 points, 1 env (0 refused, 0 failed, 0 skipped) in T s

                    """, status: 0))
        XCTAssertEqual(try ys(), plotted(run2), "run2 whole, nothing of run1's tail")
        // run1 keeps its own record: it is still "imported", not taken for a third log
        XCTAssertEqual(
            try importing([a]).stderr,
            """
            \(a): nothing new since it was last imported (--again imports it from its start)
            imported 0 messages, 0 points, 0 envs (0 refused, 0 failed, 0 skipped) in T s

            """)
    }

    func testAGrownLogImportsOnlyItsNewLines() throws {
        let log = try writeLines(Array(run1.prefix(100)), to: "run.jsonl", in: dir)
        XCTAssertEqual(
            try importing([log]).stderr,
            "imported 100 messages, 100 points, 1 env (0 refused, 0 failed, 0 skipped) in T s\n")
        try append(run1.dropFirst(100).map { $0 + "\n" }.joined(), to: log)
        XCTAssertEqual(
            try importing([log]).stderr,
            "imported 50 messages, 50 points, 1 env (0 refused, 0 failed, 0 skipped) in T s\n")
        XCTAssertEqual(try ys(), plotted(run1))
    }

    func testALogTruncatedAndRewrittenIsImportedFromItsStart() throws {
        let log = try writeLines(run1, to: "run.jsonl", in: dir)
        XCTAssertEqual(try importing([log]).status, 0)
        // the run restarts: same first line, a shorter file with other points
        let restarted = [Lines.create()] + (1...20).map { Lines.append(500 + $0) }
        try writeLines(restarted, to: "run.jsonl", in: dir)
        XCTAssertEqual(
            try importing([log]).stderr,
            """
            \(log): changed since it was imported (its first 150 lines are not the ones imported: truncated or rewritten): importing it from its start
            imported 21 messages, 21 points, 1 env (0 refused, 0 failed, 0 skipped) in T s

            """)
        XCTAssertEqual(try ys(), plotted(restarted))
        // rewritten with a longer file whose first line differs
        let other = [Lines.create(x: [9], y: [9])] + (1...160).map { Lines.append(700 + $0) }
        try writeLines(other, to: "run.jsonl", in: dir)
        XCTAssertEqual(
            try importing([log]).stderr,
            """
            \(log): changed since it was imported (its first line is another): importing it from its start
            imported 161 messages, 161 points, 1 env (0 refused, 0 failed, 0 skipped) in T s

            """)
        XCTAssertEqual(try ys(), plotted(other))
    }

    func testTheSameBytesUnderAnotherNameAreTheSameLog() throws {
        let log = try writeLines(run1, to: "run.jsonl", in: dir)
        XCTAssertEqual(try importing([log]).status, 0)
        let copy = dir.appendingPathComponent("copy.jsonl").path
        try FileManager.default.copyItem(atPath: log, toPath: copy)
        XCTAssertEqual(
            try importing([copy]).stderr,
            """
            \(copy): nothing new since it was last imported (--again imports it from its start)
            imported 0 messages, 0 points, 0 envs (0 refused, 0 failed, 0 skipped) in T s

            """)
        try append(Lines.append(150) + "\n", to: copy)
        XCTAssertEqual(
            try importing([copy]).stderr, "imported 1 message, 1 point, 1 env (0 refused, 0 failed, 0 skipped) in T s\n"
        )
        XCTAssertEqual(try ys(), plotted(run1) + [150])
        // the original, shorter, is still the log imported before
        XCTAssertTrue(try importing([log]).stderr.hasPrefix("\(log): nothing new since it was last imported"))
    }

    func testAgainImportsTheSameLogFromItsStart() throws {
        let log = try writeLines(Array(run1.prefix(10)), to: "run.jsonl", in: dir)
        XCTAssertEqual(try importing([log]).status, 0)
        XCTAssertEqual(
            try importing(["--again", log]).stderr,
            "imported 10 messages, 10 points, 1 env (0 refused, 0 failed, 0 skipped) in T s\n")
        try append(Lines.append(10) + "\n", to: log)
        XCTAssertEqual(
            try importing([log]).stderr, "imported 1 message, 1 point, 1 env (0 refused, 0 failed, 0 skipped) in T s\n")
    }

    // MARK: follow

    /// Runs `logstore follow` on `path` until it has imported `epochs` epochs in all, then
    /// stops it with SIGTERM; returns its stderr.
    func following(_ path: String, untilEpoch epochs: Int64) throws -> String {
        let follower = try RunningLogstore(["--db", db, "follow", path], in: dir)
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, try lastEpoch() < epochs { Thread.sleep(forTimeInterval: 0.05) }
        Thread.sleep(forTimeInterval: 0.3)  // a poll or two more: nothing else may come
        let (status, stderr) = try follower.stop()
        XCTAssertEqual(status, 0, stderr)
        XCTAssertEqual(try lastEpoch(), epochs, stderr)
        return stderr
    }

    func lastEpoch() throws -> Int64 {
        guard FileManager.default.fileExists(atPath: db) else { return 0 }
        let r = try logstore(["--db", db, "log", "--json", "--limit", "1"])
        return r.stdout.firstMatch(of: /"epoch": (\d+)/).flatMap { Int64($0.1) } ?? 0
    }

    func testFollowImportsALogThatStartsLikeAnImportedOneFromItsStart() throws {
        let a = try writeLines(run1, to: "run1.jsonl", in: dir)
        let b = try writeLines(run2, to: "run2.jsonl", in: dir)
        XCTAssertEqual(try importing([a]).status, 0)
        let stderr = try following(b, untilEpoch: 150 + 180)
        XCTAssertTrue(
            stderr.contains(
                "\(b): not the log imported from \(a), though it starts with the same line: importing it from its start\n"
            ), stderr)
        XCTAssertEqual(try ys(), plotted(run2))
    }

    func testFollowContinuesAGrownLogAfterItsImportedLines() throws {
        let log = try writeLines(Array(run1.prefix(100)), to: "run.jsonl", in: dir)
        XCTAssertEqual(try importing([log]).status, 0)
        try append(run1.dropFirst(100).map { $0 + "\n" }.joined(), to: log)
        let stderr = try following(log, untilEpoch: 150)
        XCTAssertTrue(
            stderr.hasSuffix(
                "imported 50 messages, 50 points, 1 env (0 refused, 0 failed, 0 skipped) in \(stderr.firstMatch(of: /in (\d+\.\d\d s)\n$/)?.1 ?? "?")\n"
            ), stderr)
        XCTAssertEqual(try ys(), plotted(run1))
    }

    func testFollowImportsALogTruncatedAndRewrittenBeforeItStartedFromItsStart() throws {
        let log = try writeLines(run1, to: "run.jsonl", in: dir)
        XCTAssertEqual(try importing([log]).status, 0)
        let restarted = [Lines.create()] + (1...160).map { Lines.append(500 + $0) }  // longer than before
        try writeLines(restarted, to: "run.jsonl", in: dir)
        let stderr = try following(log, untilEpoch: 150 + 161)
        XCTAssertTrue(
            stderr.contains(
                "\(log): changed since it was imported (its first 150 lines are not the ones imported: truncated or rewritten): importing it from its start\n"
            ), stderr)
        XCTAssertEqual(try ys(), plotted(restarted))
    }

    func testFollowTakesACopyOfAnImportedLogForTheSameLog() throws {
        let log = try writeLines(run1, to: "run.jsonl", in: dir)
        XCTAssertEqual(try importing([log]).status, 0)
        let copy = dir.appendingPathComponent("copy.jsonl").path
        try FileManager.default.copyItem(atPath: log, toPath: copy)
        try append(Lines.append(150) + "\n", to: copy)
        let stderr = try following(copy, untilEpoch: 151)
        XCTAssertFalse(stderr.contains("importing it from its start"), stderr)
        XCTAssertEqual(try ys(), plotted(run1) + [150])
    }
}
