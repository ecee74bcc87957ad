import Foundation
import XCTest

/// `logstore import`: files and env_path directories, the summary line, and every kind of bad
/// input, each checked end to end on the built binary (stdout, stderr, exit status).
final class ImportCommandTests: XCTestCase {
    var dir: URL!
    var db: String { dir.appendingPathComponent("s.db").path }

    override func setUpWithError() throws {
        dir = try temporaryDirectory(self)
    }

    func importing(_ args: [String]) throws -> CLIResult {
        var r = try logstore(["--db", db, "import"] + args)
        r.stderr = normalizingSeconds(r.stderr)
        return r
    }

    func testAReplayLogImportsAndEndsWithOneSummaryLineOnStderr() throws {
        let log = try writeLines(
            [Lines.create(x: [0, 1], y: [5, 6]), Lines.append(2), Lines.append(3)], to: "run.jsonl", in: dir)
        XCTAssertEqual(
            try importing([log]),
            CLIResult(
                stdout: "", stderr: "imported 3 messages, 4 points, 1 env (0 refused, 0 failed, 0 skipped) in T s\n",
                status: 0))
    }

    func testImportingAgainResumesAndAgainStartsOver() throws {
        let log = try writeLines([Lines.create(), Lines.append(1)], to: "run.jsonl", in: dir)
        XCTAssertEqual(try importing([log]).status, 0)
        XCTAssertEqual(
            try importing([log]).stderr,
            """
            \(log): nothing new since it was last imported (--again imports it from its start)
            imported 0 messages, 0 points, 0 envs (0 refused, 0 failed, 0 skipped) in T s

            """)
        try append(Lines.append(2) + "\n", to: log)
        XCTAssertEqual(
            try importing([log]).stderr, "imported 1 message, 1 point, 1 env (0 refused, 0 failed, 0 skipped) in T s\n")
        XCTAssertEqual(
            try importing(["--again", log]).stderr,
            "imported 3 messages, 3 points, 1 env (0 refused, 0 failed, 0 skipped) in T s\n")
    }

    /// A point is what `ls` counts: the summary counts the points the import wrote that the
    /// store still holds, so a window drawn again (its old points replaced) counts once.
    func testTheSummaryCountsPointsAsLsCountsThem() throws {
        let demo = repositoryRoot.appendingPathComponent("examples/training-run.jsonl").path
        let r = try importing([demo])
        XCTAssertEqual(r.status, 0, r.stderr)
        let ls = try logstore(["--db", db, "ls", "--json"]).stdout
        let held = ls.split(separator: "\n").compactMap { $0.firstMatch(of: /"points": (\d+)/).flatMap { Int($0.1) } }
            .reduce(0, +)
        XCTAssertGreaterThan(held, 0)
        XCTAssertTrue(r.stderr.contains("messages, \(held) points, 1 env"), "ls holds \(held): \(r.stderr)")

        // the same window drawn three times: 3 points each time, 3 held
        let redraw = try writeLines(
            (0..<3).map { _ in Lines.create("r", env: "e", x: [0, 1, 2], y: [5, 6, 7]) }, to: "redraw.jsonl", in: dir)
        XCTAssertEqual(
            try importing([redraw]).stderr,
            "imported 3 messages, 3 points, 1 env (0 refused, 0 failed, 0 skipped) in T s\n")
        XCTAssertTrue(
            try logstore(["--db", db, "ls", "--json"]).stdout.contains(#"{"env": "e", "windows": 1, "points": 3"#))
    }

    func testRefusedAndFailedMessagesAreCountedInTheSummary() throws {
        let log = try writeLines(
            [
                Lines.create(),
                #"["update", {"data": [{"x": [1], "y": [1]}], "win": "missing", "eid": "main", "append": true, "update": "append"}]"#,
                #"["events", {"data": [], "win": "bad", "eid": "main", "opts": {}}]"#,
            ], to: "run.jsonl", in: dir)
        let r = try importing([log])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stderr.hasPrefix("imported 3 messages, "), r.stderr)
        let log2 = try logstore(["--db", db, "log", "--json"])
        let refused = log2.stdout.components(separatedBy: "\"status\": \"refused\"").count - 1
        let failed = log2.stdout.components(separatedBy: "\"status\": \"failed\"").count - 1
        XCTAssertTrue(r.stderr.contains("(\(refused) refused, \(failed) failed, 0 skipped)"), r.stderr + log2.stdout)
        XCTAssertGreaterThan(refused + failed, 0)
    }

    func testAMissingFileIsAnErrorAndCreatesNoStore() throws {
        let missing = dir.appendingPathComponent("nope.jsonl").path
        XCTAssertEqual(
            try importing([missing]), CLIResult(stdout: "", stderr: "Error: \(missing): no such file\n", status: 1))
        XCTAssertFalse(FileManager.default.fileExists(atPath: db))
    }

    func testAnUnreadableFileIsAnError() throws {
        if geteuid() == 0 { throw XCTSkip("root reads every file") }
        let log = try writeLines([Lines.create()], to: "secret.jsonl", in: dir)
        chmod(log, 0)
        XCTAssertEqual(
            try importing([log]), CLIResult(stdout: "", stderr: "Error: \(log): cannot read the file\n", status: 1))
    }

    /// Each malformed line stops the import at its FILE:LINE; the lines before it are kept.
    func testAMalformedLineStopsWithFileAndLineAndKeepsTheLinesBefore() throws {
        let cases: [(String, String)] = [
            (#"["update", {oops}]"#, "invalid JSON at byte 12: expected property name in double quotes"),
            ("[1, 2, 3]", "not an [endpoint, object] pair"),
            (#"["events", [1]]"#, "not an [endpoint, object] pair"),
            (#"["nope", {}]"#, "unknown endpoint 'nope'"),
            (String(repeating: "[", count: 600), "invalid JSON at byte 512: nesting deeper than 512 levels"),
        ]
        for (i, (line, reason)) in cases.enumerated() {
            let log = try writeLines([Lines.create(), line, Lines.append(1)], to: "bad\(i).jsonl", in: dir)
            var r = try logstore(["--db", dir.appendingPathComponent("s\(i).db").path, "import", log])
            r.stderr = normalizingSeconds(r.stderr)
            XCTAssertEqual(
                r,
                CLIResult(
                    stdout: "",
                    stderr:
                        "imported 1 message, 1 point, 1 env (0 refused, 0 failed, 0 skipped) in T s\nError: \(log):2: \(reason)\n",
                    status: 1), line)
        }
    }

    func testInvalidUTF8IsReportedWithItsLine() throws {
        let url = dir.appendingPathComponent("latin1.jsonl")
        try Data((Lines.create() + "\n").utf8 + Array(#"["events", {"win": "caf"#.utf8) + [0xE9] + Array("\"}]\n".utf8))
            .write(to: url)
        XCTAssertEqual(
            try importing([url.path]),
            CLIResult(
                stdout: "",
                stderr:
                    "imported 1 message, 1 point, 1 env (0 refused, 0 failed, 0 skipped) in T s\nError: \(url.path):2: invalid JSON at byte 23: invalid UTF-8 sequence starting with byte 0xE9\n",
                status: 1))
    }

    func testSkipBadWarnsForEachMalformedLineAndGoesOn() throws {
        let log = try writeLines(
            [Lines.create(), "{oops", #"["nope", {}]"#, Lines.append(1)], to: "run.jsonl", in: dir)
        XCTAssertEqual(
            try importing(["--skip-bad", log]),
            CLIResult(
                stdout: "",
                stderr: """
                    Warning: \(log):2: invalid JSON at byte 1: expected property name in double quotes
                    Warning: \(log):3: unknown endpoint 'nope'
                    imported 2 messages, 2 points, 1 env (0 refused, 0 failed, 2 skipped) in T s

                    """, status: 0))
    }

    func testATruncatedLastLineIsAWarningAndImportedOnceComplete() throws {
        let log = try writeLines([Lines.create()], to: "run.jsonl", in: dir)
        let partial = String(Lines.append(1).prefix(25))
        try append(partial, to: log)
        XCTAssertEqual(
            try importing([log]),
            CLIResult(
                stdout: "",
                stderr: """
                    Warning: \(log):2: incomplete last line (no newline yet); not imported
                    imported 1 message, 1 point, 1 env (0 refused, 0 failed, 0 skipped) in T s

                    """, status: 0))
        try append(String(Lines.append(1).dropFirst(25)) + "\n", to: log)
        XCTAssertEqual(
            try importing([log]).stderr, "imported 1 message, 1 point, 1 env (0 refused, 0 failed, 0 skipped) in T s\n")
    }

    func testAnEnvPathDirectoryImportsItsEnvFilesAndNamesWhatItSkipsInOneLine() throws {
        let envPath = dir.appendingPathComponent("visdom")
        try FileManager.default.createDirectory(
            at: envPath.appendingPathComponent("view"), withIntermediateDirectories: true)
        try
            #"{"jsons": {"t": {"command": "window", "id": "t", "type": "text", "content": "hi", "i": 0}}, "reload": {}}"#
            .write(to: envPath.appendingPathComponent("main.json"), atomically: true, encoding: .utf8)
        try #"{"jsons": {}, "reload": {}}"#.write(
            to: envPath.appendingPathComponent("exp_1.json"), atomically: true, encoding: .utf8)
        try #"{"t": {"command": "window"}}"#.write(
            to: envPath.appendingPathComponent("main.windows.json"), atomically: true, encoding: .utf8)
        try "notes".write(to: envPath.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        try "{}".write(to: envPath.appendingPathComponent("view/layouts.json"), atomically: true, encoding: .utf8)
        let p = envPath.path
        XCTAssertEqual(
            try importing([p]),
            CLIResult(
                stdout: "",
                stderr: """
                    skipped 3 entries that are neither replay logs nor env files: \(p)/main.windows.json, \(p)/notes.txt, \(p)/view/
                    imported 2 messages, 0 points, 2 envs (0 refused, 0 failed, 0 skipped) in T s

                    """, status: 0))
        XCTAssertEqual(
            try logstore(["--db", db, "ls", "--json"]).stdout,
            """
            {"env": "exp_1", "windows": 0, "points": 0, "bytes": 0, "last_epoch": 1}
            {"env": "main", "windows": 1, "points": 0, "bytes": 4, "last_epoch": 2}

            """)
        XCTAssertEqual(
            try importing([p]).stderr,
            """
            \(p)/exp_1.json: imported before, nothing to do (--again imports it again)
            \(p)/main.json: imported before, nothing to do (--again imports it again)
            skipped 3 entries that are neither replay logs nor env files: \(p)/main.windows.json, \(p)/notes.txt, \(p)/view/
            imported 0 messages, 0 points, 0 envs (0 refused, 0 failed, 0 skipped) in T s

            """)
    }

    /// A folder of runs, as tensorboard's --logdir: its replay logs (by content, any name, any
    /// depth) and env files, in the order of their paths.
    func testAFolderImportsEveryReplayLogAndEnvFileInIt() throws {
        let runs = dir.appendingPathComponent("runs")
        try FileManager.default.createDirectory(
            at: runs.appendingPathComponent("b/seed1"), withIntermediateDirectories: true)
        try writeLines([Lines.create(env: "a"), Lines.append(1, env: "a")], to: "runs/a.jsonl", in: dir)
        try writeLines(
            [Lines.create(env: "b"), Lines.append(1, env: "b"), Lines.append(2, env: "b")],
            to: "runs/b/seed1/visdom.log", in: dir)
        try #"{"jsons": {}, "reload": {}}"#.write(
            to: runs.appendingPathComponent("c.json"), atomically: true, encoding: .utf8)
        try "notes".write(to: runs.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        XCTAssertEqual(
            try importing([runs.path]),
            CLIResult(
                stdout: "",
                stderr: """
                    skipped 1 entry that is neither a replay log nor an env file: \(runs.path)/notes.txt
                    imported 6 messages, 5 points, 3 envs (0 refused, 0 failed, 0 skipped) in T s

                    """, status: 0))
        let envs = try logstore(["--db", db, "ls", "--json"]).stdout
        for line in [
            #"{"env": "a", "windows": 1, "points": 2"#, #"{"env": "b", "windows": 1, "points": 3"#,
            #"{"env": "c", "windows": 0"#,
        ] {
            XCTAssertTrue(envs.contains(line), envs)
        }
        // the same folder again: every log is known, nothing new
        XCTAssertTrue(
            try importing([runs.path]).stderr.contains(
                "\(runs.path)/b/seed1/visdom.log: nothing new since it was last imported"))
    }

    func testADatabaseFileThatIsNotAStoreIsLeftUntouched() throws {
        let log = try writeLines([Lines.create()], to: "run.jsonl", in: dir)
        let text = dir.appendingPathComponent("notes.db")
        try Data("these are my notes\n".utf8).write(to: text)
        let sqlite = dir.appendingPathComponent("other.db")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [
            "python3", "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('create table t(x)'); c.commit()",
            sqlite.path,
        ]
        try p.run()
        p.waitUntilExit()
        for (file, reason) in [(text, "file is not a database"), (sqlite, "application_id is 0")] {
            let before = try Data(contentsOf: file)
            XCTAssertEqual(
                try logstore(["--db", file.path, "import", log]),
                CLIResult(
                    stdout: "", stderr: "Error: \(file.path): not a LogStore store (\(reason)); left untouched\n",
                    status: 1))
            XCTAssertEqual(try Data(contentsOf: file), before)
            XCTAssertEqual(try logstore(["--db", file.path, "ls"]).status, 1)
            XCTAssertEqual(try Data(contentsOf: file), before)
        }
    }

    func testADirectoryGivenAsTheDatabaseIsAnError() throws {
        let log = try writeLines([Lines.create()], to: "run.jsonl", in: dir)
        XCTAssertEqual(
            try logstore(["--db", dir.path, "import", log]),
            CLIResult(
                stdout: "", stderr: "Error: \(dir.path): not a LogStore store (it is a directory); left untouched\n",
                status: 1))
    }

    func testADatabaseInAMissingDirectoryIsAnError() throws {
        let log = try writeLines([Lines.create()], to: "run.jsonl", in: dir)
        let db = dir.appendingPathComponent("no/such/dir/s.db").path
        XCTAssertEqual(
            try logstore(["--db", db, "import", log]),
            CLIResult(
                stdout: "", stderr: "Error: \(db): cannot create the store: no directory \(dir.path)/no/such/dir\n",
                status: 1))
    }
}
