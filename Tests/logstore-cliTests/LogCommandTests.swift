import Foundation
import XCTest

/// `logstore log`: epochs newest first, as a table or JSON lines, filtered and limited.
final class LogCommandTests: XCTestCase {
    var dir: URL!
    var db: String { dir.appendingPathComponent("s.db").path }
    var log: String!

    override func setUpWithError() throws {
        dir = try temporaryDirectory(self)
        try writeLines(
            [
                Lines.create(),
                Lines.append(1),
                #"["update", {"data": [{"x": [1], "y": [1]}], "win": "missing", "eid": "other", "append": true}]"#,
            ], to: "l.jsonl", in: dir)
        log = "l.jsonl"
        XCTAssertEqual(try logstore(["--db", db, "import", "l.jsonl"], cwd: dir).status, 0)
    }

    /// The time column, which differs from run to run, replaced by `TIME`.
    func withoutTimes(_ text: String) -> String {
        text.replacingOccurrences(
            of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"#, with: "TIME", options: .regularExpression)
    }

    func testTheLogListsEpochsNewestFirstWithSourceAndWhatChanged() throws {
        let r = try logstore(["--db", db, "log"])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stderr, "")
        XCTAssertEqual(
            withoutTimes(r.stdout),
            """
            EPOCH  TIME                      SOURCE     ENDPOINT  ENV    WINDOW   CHANGES
                3  TIME  l.jsonl:3  update    other  missing  failed: KeyError('other')
                2  TIME  l.jsonl:2  update    main   w        +1 point to w
                1  TIME  l.jsonl:1  events    main   w        created w (1 point)
                0  TIME  init       create    main   -        new env main

            """)
    }

    func testJSONHasEpochTimeSourceAndWhatChangedOnEachLine() throws {
        let r = try logstore(["--db", db, "log", "--json", "--limit", "2"])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(
            withoutTimes(r.stdout),
            """
            {"epoch": 3, "time": "TIME", "source": "\(log!):3", "endpoint": "update", "env": "other", "window": "missing", "status": "failed", "detail": "KeyError('other')", "changes": []}
            {"epoch": 2, "time": "TIME", "source": "\(log!):2", "endpoint": "update", "env": "main", "window": "w", "status": "ok", "detail": "w", "changes": [{"kind": "appended", "env": "main", "window": "w", "points": 1}]}

            """)
    }

    func testTimesAreISO8601InUTCWithMilliseconds() throws {
        let r = try logstore(["--db", db, "log", "--json", "--limit", "1"])
        let time = try XCTUnwrap(r.stdout.firstMatch(of: /"time": "([^"]+)"/)?.1)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = try XCTUnwrap(formatter.date(from: String(time)), String(time))
        XCTAssertLessThan(abs(date.timeIntervalSinceNow), 600)
    }

    func testEnvAndLimitFilter() throws {
        let r = try logstore(["--db", db, "log", "--env", "main", "--limit", "1", "--json"])
        XCTAssertEqual(
            withoutTimes(r.stdout),
            """
            {"epoch": 2, "time": "TIME", "source": "\(log!):2", "endpoint": "update", "env": "main", "window": "w", "status": "ok", "detail": "w", "changes": [{"kind": "appended", "env": "main", "window": "w", "points": 1}]}

            """)
        XCTAssertEqual(
            try logstore(["--db", db, "log", "--limit", "0", "--json"]), CLIResult(stdout: "", stderr: "", status: 0))
        XCTAssertEqual(
            try logstore(["--db", db, "log", "--env", "nope", "--json"]), CLIResult(stdout: "", stderr: "", status: 0))
    }

    func testRefusedAndFailedEpochsShowTheirDetail() throws {
        let bad = try writeLines(
            [
                #"["events", {"data": [{"x": [1], "y": [2], "type": "scatter"}], "win": "nolayout", "eid": "main", "opts": {}}]"#
            ],
            to: "bad.jsonl", in: dir)
        XCTAssertEqual(try logstore(["--db", db, "import", bad]).status, 0)
        let r = try logstore(["--db", db, "log", "--limit", "1"])
        XCTAssertTrue(r.stdout.hasSuffix("  events    main  nolayout  failed: KeyError('layout')\n"), r.stdout)
        XCTAssertTrue(
            try logstore(["--db", db, "log", "--limit", "1", "--json"]).stdout
                .hasSuffix(#""status": "failed", "detail": "KeyError('layout')", "changes": []}"# + "\n"))
    }

    /// The CHANGES column, oldest first, of epochs after `epoch`.
    func changes(after epoch: Int) throws -> [String] {
        let r = try logstore(["--db", db, "log", "--since", String(epoch), "--no-pager"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout.split(separator: "\n").dropFirst().map { line in
            String(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(6).joined(separator: " "))
        }.reversed()
    }

    func testEachEpochShowsWhatItChanged() throws {
        let more = try writeLines(
            [
                #"["update", {"data": [{"x": [2, 3, 4], "y": [2, 3, 4]}], "win": "w", "eid": "main", "append": true}]"#,
                Lines.create("t2", y: [5]),
                #"["close", {"eid": "main", "win": "t2"}]"#,
                Lines.create("w", x: [0, 1], y: [0, 1]),
                #"["update", {"data": [{"x": [1], "y": [9], "name": "b", "type": "scatter"}], "win": "w", "eid": "main", "name": "b"}]"#,
                #"["events", {"data": [{"x": [0], "y": [0], "name": "a", "type": "scatter"}], "win": "v", "eid": "run2", "layout": {}, "opts": {}}]"#,
                #"["delete_env", {"eid": "run2"}]"#,
            ], to: "more.jsonl", in: dir)
        XCTAssertEqual(try logstore(["--db", db, "import", more]).status, 0)
        XCTAssertEqual(try logstore(["--db", db, "fork", "--env", "main", "--to", "copy"]).status, 0)
        XCTAssertEqual(
            try changes(after: 3),
            [
                "+3 points to w",
                "created t2 (1 point)",
                "closed t2",
                "replaced w (2 points)",
                "changed w (+1 point)",
                "new env run2; created v (1 point)",
                "deleted env run2",
                "new env copy; created w (3 points)",
            ])
        let fork = try logstore(["--db", db, "log", "--limit", "1", "--json"]).stdout
        XCTAssertTrue(
            fork.hasSuffix(
                #""changes": [{"kind": "env_created", "env": "copy", "window": null, "points": 0}, "#
                    + #"{"kind": "created", "env": "copy", "window": "w", "points": 3}]}"# + "\n"), fork)
    }

    /// The epochs' times, by epoch, from `log --json`.
    func times() throws -> [Int: String] {
        var out: [Int: String] = [:]
        for line in try logstore(["--db", db, "log", "--json"]).stdout.split(separator: "\n") {
            let m = try XCTUnwrap(line.firstMatch(of: /"epoch": (\d+), "time": "([^"]+)"/))
            out[Int(m.1)!] = String(m.2)
        }
        return out
    }

    func epochs(_ args: [String]) throws -> [Int] {
        let r = try logstore(["--db", db, "log", "--json"] + args)
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout.split(separator: "\n").compactMap { $0.firstMatch(of: /"epoch": (\d+)/).map { Int($0.1)! } }
    }

    func testSinceAndUntilTakeEpochsDatesAndTimes() throws {
        let times = try times()
        XCTAssertEqual(try epochs(["--until", "1"]), [1, 0])
        XCTAssertEqual(try epochs(["--since", "1", "--until", "2"]), [2])
        // A time as log prints it pastes back: --since includes it, --until too.
        let t2 = try XCTUnwrap(times[2])
        XCTAssertEqual(try epochs(["--since", t2]), times.filter { $0.value >= t2 }.keys.sorted(by: >))
        XCTAssertEqual(try epochs(["--until", t2]), times.filter { $0.value <= t2 }.keys.sorted(by: >))
        // A tenth of a second: `.8` covers .800 to .899.
        let tenth = String(t2.prefix(21))
        XCTAssertTrue(try epochs(["--since", tenth, "--until", tenth]).contains(2), tenth)
        // A date is its whole day, UTC.
        let day = String(t2.prefix(10))
        XCTAssertEqual(try epochs(["--since", day, "--until", day]), [3, 2, 1, 0])
        XCTAssertEqual(try epochs(["--until", "2000-01-01"]), [])
        XCTAssertEqual(try epochs(["--since", "2999-12-31T23:59"]), [])
        // A minute covers 60 s; an offset shifts the time: 10:00+02:00 is 08:00Z.
        let minute = String(t2.prefix(16))
        XCTAssertEqual(
            try epochs(["--since", minute, "--until", minute]),
            times.filter { $0.value.hasPrefix(minute) }.keys.sorted(by: >))
        let hour = Int(t2.dropFirst(11).prefix(2))!
        let shifted =
            String(t2.prefix(11)) + String(format: "%02d", (hour + 2) % 24) + t2.dropFirst(13).prefix(10) + "+02:00"
        if hour < 22 { XCTAssertEqual(try epochs(["--since", shifted]), try epochs(["--since", t2])) }
        for bad in ["yesterday", "2026-13-01", "2026-02-30", "2026-12-06T25:00", "2026-12-6", "12:00"] {
            let r = try logstore(["--db", db, "log", "--since", bad])
            XCTAssertEqual(r.status, 64, bad)
            XCTAssertEqual(
                r.stderr,
                "Error: invalid value '\(bad)' for --since EPOCH|TIME: expected an epoch number, "
                    + "or a date or time such as 2026-12-06 or 2026-12-06T10:00\n")
        }
    }

    /// `log | head -1`: the reader leaves after the first row; log ends quietly with status 0.
    func testAReaderThatLeavesEarlyEndsTheLogQuietly() throws {
        let lines = [Lines.create()] + (1...3000).map { Lines.append($0) }
        let big = try writeLines(lines, to: "big.jsonl", in: dir)
        XCTAssertEqual(try logstore(["--db", db, "import", "--again", big]).status, 0)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [
            "-c",
            "set -o pipefail; '\(productsDirectory.appendingPathComponent("logstore").path)' --db '\(db)' log 2>err.txt | head -2; echo \"status $?\"",
        ]
        p.currentDirectoryURL = dir
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let lines2 = text.split(separator: "\n")
        XCTAssertEqual(lines2.count, 3, text)
        XCTAssertTrue(lines2[1].hasSuffix("+1 point to w"), text)
        XCTAssertEqual(lines2[2], "status 0")
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("err.txt"), encoding: .utf8), "")
    }

    func testTheHelpNamesTheSourcesTheLogShows() throws {
        let page = try logstore(["help", "log"]).stdout
        for source in ["FILE:LINE", "'serve'", "'serve:socket'", "'api'", "'init'"] {
            XCTAssertTrue(page.contains(source), source)
        }
        // logstore fork writes through the library: its source is 'api'.
        XCTAssertEqual(try logstore(["--db", db, "fork", "--env", "main", "--to", "b"]).status, 0)
        XCTAssertTrue(try logstore(["--db", db, "log", "--limit", "1", "--json"]).stdout.contains(#""source": "api""#))
    }
}
